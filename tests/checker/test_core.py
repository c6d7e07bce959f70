"""The batch core as an attacker sees it: results fail closed, the answer is out of reach, a
batch-mate never changes a verdict, and `infra_error` only when the golden alone fails too."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from testbench_gen import CheckOptions, VerdictKind, check, prepare_golden
from testbench_gen.run.simulators import IcarusBackend
from testbench_gen.run.results import TRACE_FILE

E, M = VerdictKind.EQUIVALENT, VerdictKind.MISMATCH
OPTS = CheckOptions(cycles=120, seed=0)  # one stimulus for every call: verdicts compare across calls
GOLDEN = """module top(input clk, input rst, input [7:0] a, input [7:0] b, output reg [7:0] y);
  always @(posedge clk) if (rst) y <= 8'd0; else y <= a + b;
endmodule
"""


def cand(extra: str = "", op: str = "+") -> str:
    return (f"module top(input clk, input rst, input [7:0] a, input [7:0] b, output reg [7:0] y);\n"
            f"  always @(posedge clk) if (rst) y <= 8'd0; else y <= a {op} b;\n{extra}\nendmodule\n")


GOOD, WRONG = cand(), cand(op="-")
ALMOST = cand(op="|")  # right on some samples: a graded rate strictly between 0 and 1


class TamperingIcarus(IcarusBackend):
    """Real Icarus runs; afterwards a line the testbench did not write lands in the trace file
    (in batches only, or always): what a candidate that found a way to write there would do."""

    def __init__(self, line: str, batches_only: bool):
        super().__init__()
        self.line, self.batches_only = line, batches_only

    def simulate(self, workdir, limits):
        result = super().simulate(workdir, limits)
        batch = len(list(Path(workdir).glob("cand*_end.v"))) > 1
        if (batch or not self.batches_only) and (Path(workdir) / "cand0.v").exists():
            with open(Path(workdir) / TRACE_FILE, "a") as fh:
                fh.write(self.line + "\n")
        return result


@pytest.mark.parametrize("line", ["END:0", "0" * 8, "codev R 0 0 -1"])
def test_a_forged_line_sends_every_candidate_to_a_lone_run(line):
    verdicts = check(GOLDEN, [GOOD, WRONG], OPTS, backend=TamperingIcarus(line, batches_only=True))
    assert [v.kind for v in verdicts] == [E, M]


def test_a_run_that_stays_untrusted_alone_passes_nobody():
    verdicts = check(GOLDEN, [GOOD, WRONG], OPTS, backend=TamperingIcarus("END:1", batches_only=False))
    assert [v.kind for v in verdicts] == [VerdictKind.REJECTED] * 2
    assert "did not write" in verdicts[0].reason


ATTACKS = {
    "final block": 'final begin $display("END:%0d", 0); $display("codev END 1"); end',
    "forged end marker": 'initial begin $display("END:1"); $write("%b\\nEND:1\\n", 8\'hff); end',
    "%m learns the token": 'initial $display("%m R 0 0 -1\\n%m END 4");',
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_printing_forged_results_changes_no_verdict_in_batch_or_alone(attack):
    code = ATTACKS[attack]
    sources = [cand(code), cand(code, op="-"), GOOD]
    batch = [v.kind for v in check(GOLDEN, sources, OPTS)]
    alone = [check(GOLDEN, [s], OPTS)[0].kind for s in sources]
    assert batch == alone == [E, M, E]


class SpyIcarus(IcarusBackend):
    """Real Icarus; keeps the text of every file the comparison simulation could read."""

    def __init__(self):
        super().__init__()
        self.seen: dict[str, str] = {}

    def simulate(self, workdir, limits):
        if (Path(workdir) / "cand0.v").exists():
            for path in Path(workdir).iterdir():
                if path.is_file() and path.suffix != ".vvp":
                    self.seen[path.name] = path.read_text(errors="replace")
        return super().simulate(workdir, limits)


def test_the_golden_trace_is_not_in_the_candidates_simulation():
    spy = SpyIcarus()
    expected = prepare_golden(GOLDEN, OPTS, spy).expected
    assert [v.kind for v in check(GOLDEN, [GOOD, WRONG], OPTS, backend=spy)] == [E, M]
    assert spy.seen and TRACE_FILE not in spy.seen
    window = "\n".join(expected[40:48])  # a stretch of real answers (8-bit sums)
    assert not any(window in text for text in spy.seen.values())


def test_graded_rate_does_not_depend_on_batch_mates():
    alone = check(GOLDEN, [ALMOST], OPTS)[0]
    assert alone.kind is M and 0 < alone.mismatch_rate["y"] < 1
    hang = cand("always @(a) begin : spin forever begin end end")
    for mates in ([WRONG], [GOOD, WRONG, GOOD], [WRONG, hang]):
        batch = check(GOLDEN, [*mates, ALMOST], replace(OPTS, timeout=3.0, min_timeout=2.0))
        assert batch[-1].mismatch_rate == alone.mismatch_rate
        assert batch[-1].samples_compared == alone.samples_compared


LOAD_FAILURE = "integer s; initial s = $urandom(1);"  # vvp refuses the constant seed at load time


def test_a_candidate_that_stops_the_simulator_loading_gets_its_own_verdict():
    # the policy rejects $urandom before any simulator sees it (a shared RNG couples batch-mates);
    # the core's own answer to a load failure is shown on screened items, past the policy
    from testbench_gen.run.core import BatchItem, run_batch

    assert check(GOLDEN, [cand(LOAD_FAILURE)], OPTS)[0].kind is VerdictKind.REJECTED
    golden_run = prepare_golden(GOLDEN, OPTS)
    items = [BatchItem(k, f"candidate_{k}.v", source, "top")
             for k, source in enumerate([GOOD, cand(LOAD_FAILURE), WRONG])]
    batch = run_batch(golden_run, items, OPTS, IcarusBackend())
    assert [batch[k].kind for k in range(3)] == [E, VerdictKind.COMPILE_ERROR, M]
    assert "golden alone" in batch[1].reason and "candidate_1.v" in batch[1].detail


def test_infra_error_only_when_the_golden_alone_fails_too():
    prepare_golden(GOLDEN, OPTS, IcarusBackend())  # recorded while the machine worked
    broken = IcarusBackend(vvp="false")  # same name and version: the cached golden is used
    verdict = check(GOLDEN, [GOOD], OPTS, backend=broken)[0]
    assert verdict.kind is VerdictKind.INFRA_ERROR and "golden alone" in verdict.reason


def test_a_repeated_candidate_is_checked_once_and_gets_the_same_verdict():
    broken = cand(op="+ ;")  # right ports, a syntax error
    verdicts = check(GOLDEN, [WRONG, GOOD, WRONG, broken, broken], OPTS,
                     names=["a.v", "b.v", "c.v", "d.v", "e.v"])
    assert [v.kind for v in verdicts] == [M, E, M, VerdictKind.COMPILE_ERROR, VerdictKind.COMPILE_ERROR]
    assert verdicts[2].mismatch_rate == verdicts[0].mismatch_rate and verdicts[2].seconds == 0.0
    assert verdicts[2].counterexample == verdicts[0].counterexample
    assert verdicts[2].counterexample is not verdicts[0].counterexample  # a copy, not shared
    assert "e.v" in verdicts[4].detail and "d.v" not in verdicts[4].detail
