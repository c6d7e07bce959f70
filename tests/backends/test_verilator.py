"""Verilator backend: same harness as Icarus, 2-state semantics made explicit, runtime built once."""
from __future__ import annotations

from testbench_gen import CheckOptions, VerdictKind, check, prepare_golden
from testbench_gen.run.simulators.verilator import merge_traces

from .conftest import COUNTER, COUNTER_BUG, FSM_BUG, FSM_GOLDEN, FSM_RECODED

OPTS = CheckOptions(backend="verilator", cycles=400, seed=0)


def test_merge_traces_marks_bits_that_depend_on_initial_state():
    assert merge_traces("0101\n1111\n", "0111\n1111\n") == "01x1\n1111\n"


def test_verdicts_match_icarus_on_fsm_and_counter(verilator, icarus):
    cases = [(FSM_GOLDEN, [FSM_RECODED, FSM_BUG]), (COUNTER, [COUNTER, COUNTER_BUG])]
    for golden, cands in cases:
        vl = check(golden, cands, OPTS)
        iv = check(golden, cands, CheckOptions(cycles=400, seed=0))
        assert [v.kind for v in vl] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH]
        assert [v.kind for v in vl] == [v.kind for v in iv]
        assert all(v.backend == "verilator" for v in vl)
        assert vl[1].counterexample.cycle == iv[1].counterexample.cycle


def test_golden_x_positions_equal_icarus(verilator, icarus):
    """Registers without reset: the two-run merge marks X exactly where Icarus shows X."""
    golden = """module TopModule(input clk, input d, output reg q, output reg [3:0] r);
  always @(posedge clk) begin q <= d; r <= {r[2:0], d}; end
endmodule
"""
    vl = prepare_golden(golden, OPTS)
    iv = prepare_golden(golden, CheckOptions(cycles=400, seed=0))
    assert any("x" in line for line in vl.expected)
    assert vl.expected == iv.expected


def test_initial_reset_edge_is_not_lost(verilator, icarus):
    """The harness drives an active-low reset to 0 at 6 ns: an X->0 edge for Icarus, none for a
    2-state simulator whose register already holds 0 (RTLLM freq_divbyodd). Under Verilator the
    harness starts each data input at the complement of its first value (harness._first_edges)."""
    golden = """module TopModule(input clk, input rst_n, input d, output reg q);
  always @(posedge clk or negedge rst_n) if (!rst_n) q <= 1'b1; else q <= d;
endmodule
"""
    vl = prepare_golden(golden, OPTS).expected
    iv = prepare_golden(golden, CheckOptions(cycles=400, seed=0)).expected
    # Verilator takes the edge at 0 ns, Icarus at 6 ns: equal wherever Icarus knows the value
    assert all(v == i for vs, is_ in zip(vl, iv) for v, i in zip(vs, is_) if i in "01")
    assert vl[1:] == iv[1:]


def test_compile_error_and_runtime_cache(verilator, icarus):
    bad = "module TopModule(input clk, input reset, input en, output reg [3:0] q); always @(posedge clk) q <= ; endmodule"
    v = check(COUNTER, [bad], OPTS)[0]
    assert v.kind is VerdictKind.COMPILE_ERROR and v.backend == "verilator"
    runtime = verilator.runtime_dir()
    assert (runtime / "manifest.json").exists()
    assert sorted(p.name for p in runtime.glob("verilated*.o"))
    assert all(not p.stat().st_mode & 0o222 for p in [runtime, *runtime.iterdir()])  # read-only


def test_poisoned_runtime_cache_is_rebuilt_not_used(verilator, icarus):
    """Native code that rewrites the shared runtime build (objects and manifest alike) must not
    reach later builds: the digests pinned at first use no longer match, so it is rebuilt."""
    import hashlib
    import json

    from testbench_gen.containment.sandbox import Limits

    clean = verilator.runtime_objects(Limits())
    runtime = verilator.runtime_dir()
    runtime.chmod(0o755)
    victim = runtime / "verilated.o"
    victim.chmod(0o644)
    victim.write_bytes(b"poison")
    manifest = json.loads((runtime / "manifest.json").read_text())
    manifest["sha256"]["verilated.o"] = hashlib.sha256(b"poison").hexdigest()
    (runtime / "manifest.json").chmod(0o644)
    (runtime / "manifest.json").write_text(json.dumps(manifest))
    again = verilator.runtime_objects(Limits())
    assert again["verilated.o"] != b"poison" and set(again) == set(clean)
    assert victim.read_bytes() != b"poison"
    assert [v.kind for v in check(COUNTER, [COUNTER, COUNTER_BUG], OPTS)] == [VerdictKind.EQUIVALENT,
                                                                              VerdictKind.MISMATCH]


def test_difference_only_where_golden_is_x_passes_as_under_icarus(verilator, icarus):
    """The golden's X bits (they differ between the all-zeros and all-ones runs) are not compared,
    so another don't-care choice passes under Verilator as under Icarus, without an Icarus re-check."""
    golden = "module TopModule(input a, input b, output y); assign y = a ? b : 1'bx; endmodule\n"
    cand = "module TopModule(input a, input b, output y); assign y = a ? b : 1'b1; endmodule\n"
    vl = check(golden, [cand], OPTS)[0]
    assert vl.kind is VerdictKind.EQUIVALENT and vl.backend == "verilator"
    assert check(golden, [cand], CheckOptions(cycles=400, seed=0))[0].kind is VerdictKind.EQUIVALENT


MUX = "module TopModule(input en, input [7:0] d, output [7:0] y);\n  assign y = en ? d : 8'd0;\nendmodule\n"
TWO_STATE_FOOLS = {  # wrong under 4-state semantics, equal to MUX in a 2-state simulation
    "float.v": MUX.replace("8'd0;", "8'bz;"),  # z where the golden drives 0
    "short.v": MUX.replace("  assign", "  assign y = 8'd0;\n  assign"),  # two drivers on the output
    "powerup.v": MUX.replace("  assign y = en", "  reg [1:0] m;\n  assign y = (m == 2'b01) ? 8'd0 : en"),
}


def test_explicit_verilator_spot_checks_its_equivalents(verilator, icarus):
    """`--backend verilator` must not pass what only 2-state simulation accepts: alone and in a batch
    between a correct and a wrong mate, whose verdicts stay their own."""
    wrong = MUX.replace("d : 8'd0", "~d : 8'd0")
    opts = CheckOptions(backend="verilator", cycles=200)
    batch = check(MUX, [MUX, wrong, *TWO_STATE_FOOLS.values()], opts)
    assert [v.kind for v in batch] == [VerdictKind.EQUIVALENT] + [VerdictKind.MISMATCH] * 4, [v.reason for v in batch]
    assert batch[0].backend == "verilator" and "spot check" not in batch[0].reason
    assert all("4-state Icarus spot check" in v.reason for v in batch[2:])
    alone = check(MUX, [TWO_STATE_FOOLS["float.v"]], opts)[0]
    assert alone.kind is VerdictKind.MISMATCH and "spot check" in alone.reason


ACC = """module TopModule(input clk, input reset, input [15:0] d, output reg [7:0] q, output reg [15:0] r);
  always @(posedge clk) if (reset) begin q <= 0; r <= 0; end else begin q <= q + 8'd1; r <= r ^ d; end
endmodule
"""
# correct until 120 cycles after reset, then a second driver shorts `r` (x in 4 states, unseen in 2)
LATE_SHORT = """module TopModule(input clk, input reset, input [15:0] d, output reg [7:0] q, output [15:0] r);
  reg [15:0] rr; reg [9:0] n;
  always @(posedge clk) if (reset) begin q <= 0; rr <= 0; n <= 0; end
    else begin q <= q + 8'd1; rr <= rr ^ d; n <= (n == 10'd1023) ? n : n + 10'd1; end
  assign r = rr;
  assign r = (n > 10'd120) ? 16'd0 : 16'bz;
endmodule
"""


def test_a_full_length_spot_check_catches_a_late_four_state_flaw(verilator, icarus):
    """The default spot check (cycles/20) ends before this flaw shows; share 1 runs all of it."""
    from testbench_gen.config import StrategyOptions

    opts = CheckOptions(backend="verilator", cycles=1000, seed=3, strategy=StrategyOptions(spot_check_share=1))
    verdict = check(ACC, [LATE_SHORT], opts)[0]
    assert verdict.kind is VerdictKind.MISMATCH and "spot check" in verdict.reason, verdict.reason
