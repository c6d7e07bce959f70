"""The simulator registry is the one place that knows a tool (issue 19, item 1).

A new simulator is one class plus its registration: in the tree that is `testbench_gen/run/simulators/<tool>.py` and
one `register(...)` line in its `__init__.py` (2 files). Here the class is a second Icarus under
another name, defined in this test and registered at run time, with no other module touched: the
check, the CLI's spelling, the formal strategy's replay and its preprocessor all reach it through
the registry. It really runs iverilog (a wrong candidate must come out `mismatch`).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from testbench_gen import CheckOptions, Verdict, VerdictKind, check
from testbench_gen.run.simulators import (BACKENDS, IcarusBackend, VerilatorBackend, get_backend, is_two_state,
                                    reference_name, register, unregister)
from testbench_gen.config import Route, Strategy

pytestmark = pytest.mark.skipif(shutil.which("iverilog") is None, reason="needs iverilog")

GOLDEN = """module top(input [31:0] a, output [31:0] y);
  assign y = a + 32'd1;
endmodule
"""
WRONG = GOLDEN.replace("32'd1", "32'd2")
# differs on one input value in 2^32: random simulation misses it, formal finds it
TROJAN = """module top(input [31:0] a, output [31:0] y);
  assign y = (a == 32'h5eed_c0de) ? 32'd0 : a + 32'd1;
endmodule
"""


class SecondIcarus(IcarusBackend):
    """Icarus again, under another name: a simulator the rest of the checker has never heard of."""

    name = "icarus_two"
    label = "Second Icarus"
    reference = False
    doctor_name = "icarus_two"
    doctor_enables = "--backend icarus_two (a test's simulator)"


@pytest.fixture
def second_icarus():
    register(SecondIcarus)
    yield SecondIcarus
    unregister(SecondIcarus.name)


def test_a_registered_simulator_checks_through_the_normal_entry_point(second_icarus):
    assert "icarus_two" in Route.names()
    assert CheckOptions(backend="icarus_two").route == Route(None, "icarus_two")
    verdicts = check(GOLDEN, [GOLDEN, WRONG], CheckOptions(backend="icarus_two", cycles=100, seed=1))
    assert [v.kind for v in verdicts] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH]
    assert {(v.backend, v.simulator) for v in verdicts} == {("icarus_two", "icarus_two")}
    assert verdicts[1].counterexample is not None  # the run itself found the difference


def test_formal_replays_on_the_simulator_that_decided(second_icarus):
    from testbench_gen.proof.formal import yosys_command
    from testbench_gen.proof.strategies import formal_verdict

    if yosys_command() is None:
        pytest.skip("needs yosys")
    options = CheckOptions(backend="icarus_two", cycles=100, seed=1)
    sim = check(GOLDEN, [TROJAN], options)[0]
    assert sim.kind is VerdictKind.EQUIVALENT and sim.simulator == "icarus_two"  # random stimulus misses it
    verdict, result = formal_verdict(GOLDEN, TROJAN, "trojan.v", sim, options, timeout=60.0)
    assert result.status == "counterexample" and result.confirmed
    assert verdict.kind is VerdictKind.MISMATCH
    assert (verdict.backend, verdict.simulator) == ("icarus_two+formal", "icarus_two")
    assert "confirmed by replaying it on icarus_two" in verdict.reason


def test_each_simulator_declares_what_the_checker_asks():
    assert reference_name() == "icarus" and [n for n, c in BACKENDS.items() if c.reference] == ["icarus"]
    assert not is_two_state("icarus") and is_two_state("verilator") and not is_two_state("auto")
    assert VerilatorBackend.cost.compiled and not IcarusBackend.cost.compiled
    assert get_backend().name == "icarus"  # the default is the reference
    pre = get_backend("icarus").preprocessor("in.v", "out.v")
    assert pre.argv[-1] == "in.v" and pre.output == "out.v"
    assert get_backend("verilator").preprocessor("in.v", "out.v", keep_comments=True).output is None


def test_a_second_reference_is_refused():
    class Another(IcarusBackend):
        name = "another_reference"

    with pytest.raises(ValueError, match="already a reference"):
        register(Another)
    assert "another_reference" not in BACKENDS


def test_backend_spellings_parse_into_two_axes():
    assert Route.parse("icarus") == Route(None, "icarus")
    assert Route.parse("hybrid") == Route(Strategy.HYBRID, None)
    assert Route.parse("cocotb") == Route(None, None, cocotb=True)
    with pytest.raises(ValueError, match=r"unknown backend 'iverilog' \(known: icarus, verilator, auto, "
                                         r"hybrid, formal, cocotb\)"):
        Route.parse("iverilog")


def test_verdicts_carry_the_deciding_simulator():
    verdict = Verdict(VerdictKind.EQUIVALENT, "ok", backend="icarus+formal", simulator="icarus")
    assert Verdict.from_json(verdict.to_json()) == verdict


REPO = Path(__file__).resolve().parents[2]
TOOL_NAMES = r"""["'](icarus|verilator|iverilog|vvp|yosys)["']"""
STRING_TESTS = [  # a tool named where only the registry may name it
    re.compile(TOOL_NAMES + r"\s+(not\s+)?in\s+\w"),  # "verilator" in label
    re.compile(r"(==|!=)\s*" + TOOL_NAMES),  # kind == "icarus"
    re.compile(r"\(\s*" + TOOL_NAMES + r"\s*,\s*" + TOOL_NAMES),  # ("icarus", "verilator")
    re.compile(r"""(environ|getenv)[^\n]*CODEV_(IVERILOG|VVP|VERILATOR|YOSYS)\b"""),  # a second binary resolver
]


def _sources():
    for root in ("testbench_gen", "codev", "bench"):
        for path in sorted((REPO / root).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if "/backends/" in rel or "/simulators/" in rel:  # the registry and the simulators' own modules
                continue
            yield rel, path.read_text(encoding="utf-8")


def test_only_the_registry_names_a_tool():
    found = [f"{rel}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
             for rel, text in _sources() for pattern in STRING_TESTS for m in pattern.finditer(text)
             # codev eval runs the benchmarks' official flows with the Icarus it pins (codev/eval/tools.py),
             # not with the checker's simulators
             if not rel.startswith("codev/eval/")]
    assert found == []
