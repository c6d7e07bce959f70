"""The process pool: input order, all candidates of many jobs, and survival of a crashed worker."""
from __future__ import annotations

import os

from testbench_gen import CheckJob, CheckOptions, VerdictKind, check_many
from testbench_gen.service import pool as pool_module

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
    assert results[0][0].kind is VerdictKind.INVALID_GOLDEN and "does not compile" in results[0][0].reason
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


# ---------------------------------------------------------------- the warm pool (CheckerPool)
def pid_runner(golden, candidates, options, names):
    """Runs in the worker: which process checked each candidate (and optionally how slowly)."""
    import time

    from testbench_gen import Verdict

    if "SLOW" in golden:
        time.sleep(30)
    return [Verdict(VerdictKind.EQUIVALENT, str(os.getpid())) for _ in candidates]


def golden_named(i: int, extra: str = "") -> str:
    return f"module m{i}(input a, output y); assign y = a; endmodule // {extra}"


def test_workers_live_across_calls_and_goldens_return_to_their_worker():
    from testbench_gen import CheckerPool

    with CheckerPool(workers=2, runner=pid_runner) as pool:
        jobs = [CheckJob(golden_named(i), ["c"]) for i in range(6)]
        first = [job[0].reason for job in pool.check_many(jobs)]
        assert set(first) == {str(pid) for pid in pool.worker_pids()}
        hits = pool.affinity_hits
        # one golden at a time, every worker free: it goes back to the worker that ran it
        again = [pool.check(job.golden, job.candidates)[0].reason for job in jobs]
        assert again == first and pool.affinity_hits == hits + len(jobs)
        # a whole round at once: no new workers; idle ones may take a busy holder's work
        assert set(job[0].reason for job in pool.check_many(jobs)) <= set(first)


def test_deadline_turns_unfinished_candidates_into_timeouts():
    import time

    from testbench_gen import CheckerPool

    with CheckerPool(workers=2, runner=pid_runner) as pool:
        start = time.monotonic()
        jobs = [CheckJob(golden_named(0, "SLOW"), ["c1", "c2"]), CheckJob(golden_named(1), ["c"])]
        results = pool.check_many(jobs, deadline=1.5)
        assert time.monotonic() - start < 10
        assert [v.kind for v in results[0]] == [VerdictKind.TIMEOUT] * 2
        assert results[1][0].kind is VerdictKind.EQUIVALENT
        assert "deadline" in results[0][0].reason


def test_pool_survives_a_crashed_worker_and_async_and_threaded_callers_share_it():
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from testbench_gen import CheckerPool

    crash_golden = AND.replace("module m", "module m /* CRASH_ME */")
    with CheckerPool(workers=2, options=CheckOptions(cycles=50), runner=crash_on_marker) as pool:
        assert pool.check(crash_golden, [AND])[0].kind is VerdictKind.INFRA_ERROR
        assert [v.kind for v in pool.check(OR, [OR, AND])] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH]

        async def both():
            return await asyncio.gather(pool.check_async(AND, [AND, XOR]), pool.check_async(XOR, [XOR]))

        a, b = asyncio.run(both())
        assert [v.kind for v in a] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH]
        assert b[0].kind is VerdictKind.EQUIVALENT
        with ThreadPoolExecutor(4) as threads:
            kinds = list(threads.map(lambda g: pool.check(g, [AND])[0].kind, [AND, OR, XOR, AND]))
        assert kinds == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH, VerdictKind.MISMATCH,
                         VerdictKind.EQUIVALENT]


def crash_on_candidate(golden, candidates, options, names):
    """Runs in the worker: dies like a segfaulting parser would on a marked candidate."""
    if any("CRASH_ME" in c for c in candidates):
        os._exit(139)
    return pool_module.run_task(golden, candidates, options, names)


def test_a_candidate_that_kills_its_worker_is_rejected_and_its_batch_mates_keep_their_verdicts():
    killer = AND.replace("module m", "module m /* CRASH_ME */")
    options = CheckOptions(cycles=50)
    results = check_many([CheckJob(AND, [AND, killer, OR], options), CheckJob(OR, [OR], options)], workers=2,
                         runner=crash_on_candidate)
    assert [v.kind for v in results[0]] == [VerdictKind.EQUIVALENT, VerdictKind.REJECTED, VerdictKind.MISMATCH]
    assert "crashes" in results[0][1].reason
    assert results[1][0].kind is VerdictKind.EQUIVALENT


def test_a_slow_golden_is_split_across_workers():
    """Costs measured on an earlier call: the slow job would hold one worker while the others idle."""
    slow, fast = golden_named(0, "slow"), golden_named(1, "fast")
    jobs = [CheckJob(fast, [f"f{i}" for i in range(16)]), CheckJob(slow, [f"s{i}" for i in range(16)])]
    costs = {slow: 6.0, fast: 0.05}
    tasks = pool_module.plan_tasks(jobs, 2, lambda job: costs[job.golden])
    assert [(t.job, len(t.candidates)) for t in tasks] == [(0, 16), (1, 8), (1, 8)]
    assert [c for t in tasks if t.job == 1 for c in t.candidates] == jobs[1].candidates
    assert len({t.options.seed for t in tasks if t.job == 1}) == 1  # both halves see one stimulus
    # without measured costs: one task per job, in input order
    assert [(t.job, len(t.candidates)) for t in pool_module.plan_tasks(jobs, 2)] == [(0, 16), (1, 16)]


def heavy_runner(golden, candidates, options, names):
    """Runs in the worker: a golden marked HEAVY costs 0.3 s per candidate."""
    import time

    from testbench_gen import Verdict

    if "HEAVY" in golden:
        time.sleep(0.3 * len(candidates))
    return [Verdict(VerdictKind.EQUIVALENT, str(os.getpid())) for _ in candidates]


def test_the_warm_pool_splits_a_job_that_was_slow_on_the_last_call():
    from testbench_gen import CheckerPool

    with CheckerPool(workers=2, runner=heavy_runner) as pool:
        jobs = [CheckJob(golden_named(0, "HEAVY"), [f"c{k}" for k in range(4)]),
                CheckJob(golden_named(1), ["c"]), CheckJob(golden_named(2), ["c"])]
        first = pool.check_many(jobs)
        second = pool.check_many(jobs)
    assert len({v.reason for v in first[0]}) == 1  # nothing measured yet: one task, one worker
    assert len({v.reason for v in second[0]}) == 2  # measured slow: both workers share it
    assert all(v.kind is VerdictKind.EQUIVALENT for job in second for v in job)
