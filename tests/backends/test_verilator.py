"""Verilator backend: same harness as Icarus, 2-state semantics made explicit, runtime built once."""
from __future__ import annotations

from testbench_gen import CheckOptions, VerdictKind, check, prepare_golden
from testbench_gen.backends.verilator import merge_results, merge_traces
from testbench_gen.strategies import check_with_strategy

from .conftest import COUNTER, COUNTER_BUG, FSM_BUG, FSM_GOLDEN, FSM_RECODED

OPTS = CheckOptions(backend="verilator", cycles=400)


def test_merge_traces_marks_bits_that_depend_on_initial_state():
    assert merge_traces("0101\n1111\n", "0111\n1111\n") == "01x1\n1111\n"


def test_merge_results_takes_the_run_where_a_candidate_failed():
    zeros = "t R 0 0 -1\nt O 0 0\nt R 1 0 -1\nt O 1 0\nt END 40\n"
    ones = "t R 0 0 -1\nt O 0 0\nt R 1 3 7\nt O 1 3\nt M 1 7 1\nt END 40\n"
    merged = merge_results([zeros, ones])
    assert "t R 0 0 -1" in merged and "t R 1 3 7" in merged and "t M 1 7 1" in merged
    assert merged.strip().endswith("t END 40")


def test_verdicts_match_icarus_on_fsm_and_counter(verilator, icarus):
    cases = [(FSM_GOLDEN, [FSM_RECODED, FSM_BUG]), (COUNTER, [COUNTER, COUNTER_BUG])]
    for golden, cands in cases:
        vl = check(golden, cands, OPTS)
        iv = check(golden, cands, CheckOptions(cycles=400))
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
    iv = prepare_golden(golden, CheckOptions(cycles=400))
    assert any("x" in line for line in vl.expected)
    assert vl.expected == iv.expected


def test_initial_reset_edge_is_not_lost(verilator, icarus):
    """The harness drives an active-low reset to 0 at 6 ns: an X->0 edge for Icarus, none for a
    2-state simulator whose register already holds 0 (RTLLM freq_divbyodd). --x-initial-edge."""
    golden = """module TopModule(input clk, input rst_n, input d, output reg q);
  always @(posedge clk or negedge rst_n) if (!rst_n) q <= 1'b1; else q <= d;
endmodule
"""
    vl = prepare_golden(golden, OPTS).expected
    iv = prepare_golden(golden, CheckOptions(cycles=400)).expected
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

    from testbench_gen.sandbox import Limits

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


def test_difference_only_where_golden_is_x_goes_back_to_icarus(verilator, icarus):
    """Verilator compares the golden's X bits as values (all-zeros and all-ones runs); a candidate
    that only differs there (another don't-care choice) is a Verilator mismatch without differing
    outputs, and auto re-checks it with Icarus, for which X matches anything."""
    golden = "module TopModule(input a, input b, output y); assign y = a ? b : 1'bx; endmodule\n"
    cand = "module TopModule(input a, input b, output y); assign y = a ? b : 1'b1; endmodule\n"
    vl = check(golden, [cand], OPTS)[0]
    assert vl.kind is VerdictKind.MISMATCH and not vl.counterexample.outputs
    assert check(golden, [cand], CheckOptions(cycles=400))[0].kind is VerdictKind.EQUIVALENT
    from testbench_gen.strategies import StrategyOptions
    auto = check_with_strategy(golden, [cand], CheckOptions(backend="auto", cycles=400),
                               strategy=StrategyOptions(verilator_fixed=0.0, verilator_per_candidate=0.0))[0]
    assert auto.kind is VerdictKind.EQUIVALENT and auto.backend == "icarus"
    assert "re-checked with Icarus" in auto.reason
