"""The process pool: input order, all candidates of many jobs, and survival of a crashed worker."""
from __future__ import annotations

import os

from testbench_gen import CheckJob, CheckOptions, VerdictKind, check_many
from testbench_gen import pool as pool_module

AND = "module m(input a, input b, output y); assign y = a & b; endmodule"
OR = "module m(input a, input b, output y); assign y = a | b; endmodule"
XOR = "module m(input a, input b, output y); assign y = a ^ b; endmodule"


def test_order_is_preserved_across_jobs_and_chunks():
    options = CheckOptions(cycles=50, batch_size=2)
    jobs = [CheckJob(AND, [AND, OR, XOR, AND, OR], options), CheckJob(OR, [OR, AND, OR], options)]
    results = check_many(jobs, workers=2)
    kinds = [[v.kind for v in job] for job in results]
    E, M = VerdictKind.EQUIVALENT, VerdictKind.MISMATCH
    assert kinds == [[E, M, M, E, M], [E, M, E]]


def test_invalid_golden_only_affects_its_own_job():
    jobs = [CheckJob("module broken(", [AND]), CheckJob(AND, [AND])]
    results = check_many(jobs, workers=2)
    assert results[0][0].kind is VerdictKind.INFRA_ERROR and "golden is invalid" in results[0][0].reason
    assert results[1][0].kind is VerdictKind.EQUIVALENT


def test_streaming_callback_sees_every_verdict():
    seen = []
    check_many([CheckJob(AND, [AND, OR])], workers=1, on_result=lambda j, c, v: seen.append((j, c, v.kind)))
    assert sorted(seen) == [(0, 0, VerdictKind.EQUIVALENT), (0, 1, VerdictKind.MISMATCH)]


def crash_on_marker(golden, candidates, options, names):
    """Runs in the worker: dies like a segfaulting parser would on the marked golden."""
    if "CRASH_ME" in golden:
        os._exit(139)
    return pool_module.run_task(golden, candidates, options, names)


def test_a_crashed_worker_costs_only_its_own_batch():
    """A worker that dies is replaced; other jobs keep their verdicts."""
    crash_golden = AND.replace("module m", "module m /* CRASH_ME */")
    jobs = [CheckJob(AND, [AND]), CheckJob(crash_golden, [AND]), CheckJob(OR, [OR, AND])]
    results = check_many(jobs, workers=2, runner=crash_on_marker)
    assert results[0][0].kind is VerdictKind.EQUIVALENT
    assert results[1][0].kind is VerdictKind.INFRA_ERROR and "crashed" in results[1][0].reason
    assert [v.kind for v in results[2]] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH]
