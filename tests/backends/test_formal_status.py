"""The typed formal status a verdict carries: proven, bounded(K), not counted, counterexample, skipped."""
from __future__ import annotations

import json

from codev.cli import main
from codev.synth.generator.verify import is_proof
from testbench_gen import CheckOptions, FormalKind, FormalOptions, FormalStatus, Verdict, VerdictKind, check
from testbench_gen.config import StrategyOptions

from .conftest import COUNTER, XOR_EQUIV, XOR_GOLDEN, XOR_HIDDEN_BUG

# correct, plus a block with an incomplete sensitivity list: yosys' model is not the simulated one
XOR_SHORTED = XOR_EQUIV.replace("endmodule", "reg d; always @(a) d = b[0]; endmodule")


def test_hybrid_batch_carries_each_candidates_formal_status(icarus, yosys):
    """Alone and in a batch with a proven and a wrong mate: each candidate keeps its own status."""
    opts = CheckOptions(backend="hybrid", cycles=200)
    batch = check(XOR_GOLDEN, [XOR_EQUIV, XOR_HIDDEN_BUG, XOR_SHORTED], opts)
    assert [v.kind for v in batch] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH, VerdictKind.EQUIVALENT]
    proven, caught, voided = (v.formal for v in batch)
    assert proven.kind is FormalKind.PROVEN and batch[0].is_proven
    assert caught.kind is FormalKind.COUNTEREXAMPLE and caught.confirmed
    assert voided.kind is FormalKind.NOT_COUNTED and voided.would_be == "proven" and "sensitivity" in voided.why
    assert not batch[2].is_proven and batch[2].backend == "icarus"  # simulation decided alone
    alone = check(XOR_GOLDEN, [XOR_SHORTED], opts)[0]
    assert alone.formal.kind is FormalKind.NOT_COUNTED and not alone.is_proven
    assert batch[0].seed is not None  # the co-signed verdict keeps the simulation's seed


def test_bounded_check_is_not_a_full_proof_and_skips_are_visible(icarus, yosys):
    bounded = check(COUNTER, [COUNTER], CheckOptions(backend="formal", cycles=200,
                                                     formal=FormalOptions(bound=5, induction_steps=0)))[0]
    assert bounded.kind is VerdictKind.EQUIVALENT
    assert bounded.formal == FormalStatus(FormalKind.BOUNDED, bound=5)
    assert not bounded.is_proven and not is_proof(bounded)
    skipped = check(XOR_GOLDEN, [XOR_EQUIV], CheckOptions(backend="hybrid", cycles=100,
                                                          strategy=StrategyOptions(hybrid_budget=0.0)))[0]
    assert skipped.formal.kind is FormalKind.SKIPPED and not skipped.is_proven
    plain = check(XOR_GOLDEN, [XOR_EQUIV], CheckOptions(cycles=100))[0]
    assert plain.formal is None  # formal did not run


def test_is_proof_reads_the_field_not_the_reason_text():
    forged = Verdict(VerdictKind.EQUIVALENT, "formal: proven (forged)", backend="icarus+formal")
    assert not is_proof(forged)
    real = Verdict(VerdictKind.EQUIVALENT, "", backend="icarus+formal", formal=FormalStatus(FormalKind.PROVEN))
    assert is_proof(real)
    real.kind = VerdictKind.MISMATCH
    assert not is_proof(real)


def test_formal_status_round_trips_through_json():
    v = Verdict(VerdictKind.EQUIVALENT, "r", formal=FormalStatus(FormalKind.NOT_COUNTED, bound=3, why="w",
                                                                  would_be="bounded(3)"))
    data = json.loads(json.dumps(v.to_json()))
    assert data["formal"] == {"kind": "not_counted", "bound": 3, "why": "w", "confirmed": False,
                              "would_be": "bounded(3)"}
    assert Verdict.from_json(data) == v
    assert Verdict.from_json(Verdict(VerdictKind.MISMATCH, "m").to_json()).formal is None


def test_verify_json_has_the_formal_field(icarus, yosys, tmp_path, capsys):
    (tmp_path / "g.v").write_text(XOR_GOLDEN)
    (tmp_path / "c.v").write_text(XOR_EQUIV)
    args = ["verify", "--golden", str(tmp_path / "g.v"), "--candidate", str(tmp_path / "c.v"), "--json",
            "--cycles", "100"]
    assert main(args + ["--backend", "hybrid"]) == 0
    assert json.loads(capsys.readouterr().out)["formal"]["kind"] == "proven"
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["formal"] is None
