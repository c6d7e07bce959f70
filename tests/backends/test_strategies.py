"""auto / hybrid / formal policies: who decides, and what formal adds to simulation."""
from __future__ import annotations

from testbench_gen import CheckOptions, VerdictKind, check
from testbench_gen.strategies import StrategyOptions, check_with_strategy, choose_backend

from .conftest import COUNTER, COUNTER_BUG, XOR_EQUIV, XOR_GOLDEN, XOR_HIDDEN_BUG


def test_auto_keeps_small_designs_on_icarus(icarus):
    choice = choose_backend(COUNTER, 4, CheckOptions(cycles=400))
    assert choice.backend == "icarus"
    verdicts = check_with_strategy(COUNTER, [COUNTER, COUNTER_BUG], CheckOptions(backend="auto", cycles=400))
    assert [v.kind for v in verdicts] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH]
    assert {v.backend for v in verdicts} == {"icarus"}


def test_auto_moves_to_verilator_when_icarus_would_be_slower(icarus, verilator):
    golden = COUNTER.replace("[3:0]", "[7:0]")  # distinct golden: the decision is cached per golden
    # free builds and no spot-check allowance: Verilator's route costs nothing
    strategy = StrategyOptions(verilator_fixed=0.0, verilator_per_candidate=0.0, spot_check_seconds=0.0)
    verdicts = check_with_strategy(golden, [golden, golden.replace("q + 1", "q - 1")],
                                   CheckOptions(backend="auto", cycles=400), strategy=strategy)
    assert [v.kind for v in verdicts] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH]
    assert {v.backend for v in verdicts} == {"verilator"}


def test_auto_counts_the_spot_check_in_verilators_cost(icarus, verilator):
    """Verilator's `equivalent`s are re-run on Icarus (up to spot_check_seconds): for a golden Icarus
    runs within that allowance, Verilator's route costs Icarus' run plus its builds, so even free
    builds do not send it there (conwaylife with one candidate cost twice as much on Verilator)."""
    golden = COUNTER.replace("[3:0]", "[6:0]")  # distinct golden: the decision is cached per golden
    free_builds = StrategyOptions(verilator_fixed=0.0, verilator_per_candidate=0.0)
    assert choose_backend(golden, 1, CheckOptions(cycles=400), free_builds).backend == "icarus"
    verdicts = check_with_strategy(golden, [golden, golden.replace("q + 1", "q - 1")],
                                   CheckOptions(backend="auto", cycles=400), strategy=free_builds)
    assert [(v.kind, v.backend) for v in verdicts] == [(VerdictKind.EQUIVALENT, "icarus"),
                                                       (VerdictKind.MISMATCH, "icarus")]


def test_auto_break_even_time_falls_with_the_batch():
    """The probe stops at the Icarus golden time where Verilator's route becomes cheaper: long for
    one candidate (a slow golden such as conwaylife stays on Icarus), short for an RL batch."""
    from testbench_gen.strategies import break_even_seconds, verilator_seconds

    strategy = StrategyOptions()
    assert break_even_seconds(1, strategy) > 8.0 > 3.5 > break_even_seconds(16, strategy)
    assert break_even_seconds(1, StrategyOptions(spot_check_share=1)) == float("inf")
    assert verilator_seconds(1, strategy, 2.0) == strategy.verilator_fixed + strategy.verilator_per_candidate + 2.0
    assert verilator_seconds(1, strategy, 50.0) == strategy.verilator_fixed + strategy.verilator_per_candidate + 10.0


def test_hybrid_removes_a_false_equivalent(icarus, yosys):
    options = CheckOptions(cycles=400)
    sim = check(XOR_GOLDEN, [XOR_EQUIV, XOR_HIDDEN_BUG], options)
    assert [v.kind for v in sim] == [VerdictKind.EQUIVALENT, VerdictKind.EQUIVALENT]  # the miss
    hybrid = check_with_strategy(XOR_GOLDEN, [XOR_EQUIV, XOR_HIDDEN_BUG],
                                 CheckOptions(backend="hybrid", cycles=400))
    assert [v.kind for v in hybrid] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH]
    assert [v.backend for v in hybrid] == ["icarus+formal", "icarus+formal"]
    assert "formal: proven" in hybrid[0].reason
    assert hybrid[1].counterexample.inputs["a"] == format(0x1234ABCD, "032b")


def test_hybrid_respects_its_budget(icarus, yosys):
    verdicts = check_with_strategy(XOR_GOLDEN, [XOR_HIDDEN_BUG], CheckOptions(backend="hybrid", cycles=400),
                                   strategy=StrategyOptions(hybrid_budget=0.0))
    assert verdicts[0].kind is VerdictKind.EQUIVALENT and verdicts[0].backend == "icarus"
    assert "budget" in verdicts[0].reason


def test_formal_on_a_latch_design_and_screening(icarus, yosys):
    latch = "module TopModule(input a, input d, output reg q); always @* if (a) q = d; endmodule\n"
    wrong = latch.replace("q = d", "q = ~d")
    verdicts = check_with_strategy(latch, [latch, wrong, "module TopModule(input a); endmodule"],
                                   CheckOptions(backend="formal", cycles=200))
    assert [v.kind for v in verdicts] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH,
                                          VerdictKind.INTERFACE_MISMATCH]
    assert verdicts[0].backend == "icarus+formal" and "formal: proven" in verdicts[0].reason
    assert verdicts[2].backend == "icarus"  # screening, before any proof
    proven = check_with_strategy(XOR_GOLDEN, [XOR_EQUIV], CheckOptions(backend="formal"))[0]
    # formal co-signs simulation's verdict and says what it does not cover
    assert proven.kind is VerdictKind.EQUIVALENT and proven.backend == "icarus+formal"
    assert "formal: proven" in proven.reason and "not # timing" in proven.reason
