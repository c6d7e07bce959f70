"""Icarus, Verilator and formal agree on benchmark references and mutants (the full sweep with every
disagreement listed is bench/backends_throughput.py)."""
from __future__ import annotations

import re

import pytest

from testbench_gen import CheckOptions, VerdictKind, check
from testbench_gen.proof.strategies import check_with_strategy

from .conftest import rtllm_reference, ve2_reference

EQ, MM = VerdictKind.EQUIVALENT, VerdictKind.MISMATCH

CASES = [  # (design, edit that makes a mutant)
    ("ve:Prob038_count15", ("q+1", "q+3")),
    ("ve:Prob119_fsm3", ("C: next = in ? D : A;", "C: next = in ? D : C;")),
    ("ve:Prob125_kmap3", ("4'h7: out = 0;", "4'h7: out = 1;")),
    ("rtllm:edge_detect", ("else if (~a & a0)", "else if (~a & ~a0)")),
]


def _load(design: str) -> str:
    kind, name = design.split(":")
    return ve2_reference(name) if kind == "ve" else rtllm_reference(name)


@pytest.mark.slow  # a sweep: `make test-slow`
@pytest.mark.parametrize("design,edit", CASES, ids=[c[0] for c in CASES])
def test_backends_agree(design, edit, icarus, verilator, yosys):
    golden = _load(design)
    mutant = golden.replace(*edit)
    assert mutant != golden
    options = CheckOptions(cycles=400)
    expected = [EQ, MM]
    assert [v.kind for v in check(golden, [golden, mutant], options)] == expected
    assert [v.kind for v in check(golden, [golden, mutant], CheckOptions(cycles=400, backend="verilator"))] == expected
    formal = check_with_strategy(golden, [golden, mutant], CheckOptions(cycles=400, backend="formal"))
    assert [v.kind for v in formal] == expected
    # the reference: simulation and a clean proof (or bounded check) agree; the mutant: simulation
    assert formal[0].backend == "icarus+formal", formal[0].reason
    assert formal[1].backend == "icarus", formal[1].reason


def test_kmap_dont_care_agrees_across_simulators(icarus, verilator):
    """kmap3's golden assigns 1'bx for three inputs. A candidate choosing 1 there is equivalent for
    Icarus (X matches anything) and for Verilator: the golden's bits that differ between its
    all-zeros and all-ones runs are X in the recorded trace and are not compared."""
    golden = ve2_reference("Prob125_kmap3")
    cand = re.sub(r"1'bx", "1", golden)
    assert check(golden, [cand], CheckOptions(cycles=300))[0].kind is EQ
    assert check(golden, [cand], CheckOptions(cycles=300, backend="verilator"))[0].kind is EQ
