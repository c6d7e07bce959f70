"""The reward: format cases, verdict combination, masking of unjudgeable samples, real checker runs."""
from __future__ import annotations

import pytest

from codev.train.checker_client import RewardChecker
from codev.train.reward import EquivalenceReward, RewardSettings, extract_answer, score_sample
from testbench_gen import CheckOptions, Verdict, VerdictKind

from .conftest import DESIGNS, answer

CODE = "module m(input a, output y); assign y = a; endmodule\n"


@pytest.mark.parametrize("text, ok", [
    (f"<think>r</think><answer>```verilog\n{CODE}```</answer>", True),
    (f"  <think>multi\nline</think>\n<answer>\nHere:\n```verilog\n{CODE}```\n</answer>\n", True),
    (f"<answer>```verilog\n{CODE}```</answer>", False),                                  # no think
    (f"<think>a</think><think>b</think><answer>```verilog\n{CODE}```</answer>", False),  # two thinks
    (f"<think>a</think><answer>{CODE}</answer>", False),                                # no verilog fence
    (f"<think>a</think>```verilog\n{CODE}```", False),                                   # no answer tags
    (f"<think>a</think><answer>```verilog\n{CODE}```</answer> trailing", False),         # text after answer
    (f"<think>a</think><answer>```verilog\n{CODE}```</answer><answer>x</answer>", False),
    (f"<think>a<answer>```verilog\n{CODE}```</answer>", False),                         # think never closed
])
def test_format(text, ok):
    assert (extract_answer(text) == CODE) is ok


def V(kind, reason="", rates=None):
    return Verdict(VerdictKind(kind), reason, mismatch_rate=rates or {})


def test_score_combination_rules():
    assert score_sample(False, [V("equivalent")]).reward == 0.0  # format gates everything
    assert score_sample(True, [V("equivalent")]).reward == 1.0
    assert score_sample(True, [V("mismatch")]).reward == 0.0
    # max over goldens: one equivalent golden is enough, even if another timed out
    assert score_sample(True, [V("timeout"), V("equivalent")]).reward == 1.0
    # could not judge: masked, never wrong
    for kind in ("timeout", "infra_error"):
        s = score_sample(True, [V("mismatch"), V(kind)])
        assert s.reward is None and s.status == kind
    bad = score_sample(True, [V("invalid_golden", "no module")])
    assert bad.reward is None and bad.status == "invalid_golden"
    # graded: partial credit from the per-output mismatch rate, best golden, below an equivalent answer
    g = score_sample(True, [V("mismatch", rates={"y": 0.5, "z": 0.0}), V("mismatch", rates={"y": 0.9})],
                     graded=True, graded_scale=0.5)
    assert g.reward == pytest.approx(0.5 * 0.75)
    assert score_sample(True, [V("compile_error")], graded=True).reward == 0.0


@pytest.fixture(scope="module")
def checker():
    with RewardChecker(CheckOptions(cycles=100), workers=2) as c:
        yield c


def test_reward_with_real_checker(checker):
    spec, golden = DESIGNS["mux2"]
    wrong = golden.replace("s ? b : a", "s ? a : b")
    reward = EquivalenceReward(checker, RewardSettings())
    completions = [[{"role": "assistant", "content": t}] for t in
                   (answer(golden), answer(wrong), golden, answer("module mux2(input a); endmodule\n"))]
    out = reward(prompts=[[]] * 4, completions=completions, golden=[golden] * 4, id=["p"] * 4)
    assert out == [1.0, 0.0, 0.0, 0.0]
    scores = reward.score(completions, [golden] * 4, id=["p"] * 4)  # the statuses come back with the rewards
    assert [s.reward for s in scores] == out
    assert [s.status for s in scores] == ["scored", "scored", "bad_format", "scored"]
    # the deciding verdict is kept per sample (the demo report counts them); bad format never reaches the checker
    assert [s.verdict for s in scores] == ["equivalent", "mismatch", "", "interface_mismatch"]


def test_invalid_golden_is_masked_and_logged(checker, caplog):
    reward = EquivalenceReward(checker, RewardSettings())
    broken = "module broken(input a, output y); assign y = ; endmodule\n"
    ok_golden = DESIGNS["and2"][1]
    scores = reward.score([answer(ok_golden), answer(ok_golden), "no format"], [broken, ok_golden, broken],
                          id=["bad", "good", "bad"])
    assert scores[0].reward is None and scores[1].reward == 1.0 and scores[2].reward == 0.0
    assert [s.status for s in scores] == ["invalid_golden", "scored", "bad_format"]
    assert "invalid golden" in caplog.text


def test_max_over_several_goldens(checker):
    spec, golden = DESIGNS["and2"]
    alt = golden.replace("a & b", "b & a")
    reward = EquivalenceReward(checker, RewardSettings())
    nand = golden.replace("a & b", "~(a & b)")
    out = reward(prompts=[[]] * 2, completions=[answer(alt), answer(nand)],
                 golden=[DESIGNS["or2"][1].replace("or2", "and2"), DESIGNS["or2"][1].replace("or2", "and2")],
                 meta=['{"goldens": ["%s"]}' % golden.replace("\n", "\\n")] * 2)
    assert out == [1.0, 0.0]


def test_require_full_proof_tells_a_proof_from_a_bounded_co_signature():
    from testbench_gen import FormalKind, FormalStatus

    proven = Verdict(VerdictKind.EQUIVALENT, "", formal=FormalStatus(FormalKind.PROVEN))
    bounded = Verdict(VerdictKind.EQUIVALENT, "", formal=FormalStatus(FormalKind.BOUNDED, bound=4))
    voided = Verdict(VerdictKind.EQUIVALENT, "", formal=FormalStatus(FormalKind.NOT_COUNTED, why="multiple drivers"))
    # default: today's behaviour, every equivalent earns 1
    assert score_sample(True, [bounded]).reward == 1.0
    for v in (bounded, voided, V("equivalent")):
        s = score_sample(True, [v], require_full_proof=True, unproven_reward=0.25)
        assert s.reward == 0.25 and s.equivalent
    assert score_sample(True, [bounded, proven], require_full_proof=True, unproven_reward=0.25).reward == 1.0
    assert score_sample(True, [V("mismatch")], require_full_proof=True).reward == 0.0


def test_require_full_proof_needs_a_formal_backend():
    from codev.train.config import ConfigError
    from codev.train.rl import checker_options

    with pytest.raises(ConfigError, match="hybrid or formal"):
        checker_options(RewardSettings(require_full_proof=True))
    with pytest.raises(ConfigError, match="unproven_reward"):
        checker_options(RewardSettings(backend="hybrid", require_full_proof=True, unproven_reward=2.0))
    assert checker_options(RewardSettings(backend="hybrid", require_full_proof=True)).backend == "hybrid"


def test_untoggled_reward_pays_less_for_a_pass_that_compared_a_constant(checker):
    """An `equivalent` whose golden left an output bit untoggled (Verdict.coverage < 1) earns
    `untoggled_reward` when set; a fully exercised one still earns 1; the default changes nothing."""
    partial = Verdict(VerdictKind.EQUIVALENT, "", coverage=0.75)
    full = Verdict(VerdictKind.EQUIVALENT, "", coverage=1.0)
    assert score_sample(True, [partial]).reward == 1.0
    assert score_sample(True, [partial], untoggled_reward=0.6).reward == 0.6
    assert score_sample(True, [partial, full], untoggled_reward=0.6).reward == 1.0  # max over goldens
    assert score_sample(True, [V("equivalent")], untoggled_reward=0.6).reward == 1.0  # no coverage: not judged
    # real checks: `never` cannot be 1 (a*a is never 2 mod 16), `y` toggles
    golden = ("module t(input clk, input rst, input [3:0] a, output reg [3:0] y, output never);\n"
              "  always @(posedge clk) if (rst) y <= 0; else y <= a ^ y;\n  assign never = (a * a == 4'd2);\nendmodule\n")
    toggling = golden.replace(", output never", "").replace("  assign never = (a * a == 4'd2);\n", "")
    reward = EquivalenceReward(checker, RewardSettings(untoggled_reward=0.6))
    out = reward(prompts=[[]] * 2, completions=[answer(golden), answer(toggling)], golden=[golden, toggling])
    assert out == [0.6, 1.0]
    from codev.train.config import ConfigError
    from codev.train.rl import checker_options

    with pytest.raises(ConfigError, match="untoggled_reward"):
        checker_options(RewardSettings(untoggled_reward=1.5))
