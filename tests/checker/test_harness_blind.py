"""A design cannot tell it is under the checker (issue 16, item 1.1).

A probe design records everything it can observe about where it runs (format specifiers into
strings, type and scope names, macros of the file) on an output. Differential test: every probe the
checker accepts shows the same value under codev's harness (alone, and in a batch beside a correct
and a wrong batch-mate, at another batch position) as under a plain testbench; every probe that
would see the harness (`%m`, `%l`, `%t`, `%v`, a format held in a variable, `$typename`,
`` `__FILE__ ``) is rejected by name, under every backend. (hybrid and formal are left out of the
accepted probe: yosys 0.23 cannot read `$sformat`, so they reject it as a design formal cannot model.)
"""
from __future__ import annotations

import shutil
import subprocess

import pytest

from testbench_gen import CheckOptions, VerdictKind, check
from testbench_gen.run.simulators import get_backend
from testbench_gen.run.cocotb_driver import CocotbBackend
from testbench_gen.design.policy import scan

WIDTH = 8 * 24  # bits of each observation (24 characters)
PORTS = "input [7:0] a, output [7:0] y, output [{w}:0] obs"


def probe(statements: list[str], decls: str = "") -> str:
    """A correct `y = a` whose `obs` output concatenates one string per observation statement."""
    regs = ", ".join(f"s{k}" for k in range(len(statements)))
    body = "\n".join(f"    {st.format(s=f's{k}')}" for k, st in enumerate(statements))
    cat = ", ".join(f"s{k}" for k in range(len(statements)))
    return (f"module TopModule({PORTS.format(w=WIDTH * len(statements) - 1)});\n"
            f"  reg [{WIDTH - 1}:0] {regs};\n{decls}"
            f"  initial begin\n{body}\n  end\n"
            f"  assign obs = {{{cat}}};\n  assign y = a;\nendmodule\n")


# what a design may observe and the checker accepts: it must not differ from a plain testbench
ACCEPTED = [
    '$sformat({s}, "%0d|%h|%b|%s", $bits(a), 8\'hA5, 4\'b1010, "ab");',
    '$swrite({s}, "%d", 7\'d5);',
    '$sformat({s}, "%%m %%l %%t");',  # escaped percent signs: literal text, not specifiers
    '$sformat({s}, "%0d", $bits(obs));',
    '$display("%m %t", 1); {s} = "displayed";',  # printing %m reaches nobody's input
]

# what would show the harness (instance path `codev_tb_<token>.u_<token>_d0`, renamed modules
# `TopModule__c0_<token>`, the harness's time precision, its drivers' strength, the file name)
REVEALING = {
    "%m in $sformat": '$sformat({s}, "%m");',
    "%0m with a width": '$sformat({s}, "%0m");',
    "%l (Verilator prints the module name)": '$sformat({s}, "%l");',
    "%m in $swrite": '$swrite({s}, "%m");',
    "%m spelled as an octal escape": '$swrite({s}, "\\045m");',
    "%m in $sformatf": 'begin : b string t; t = $sformatf("%m"); {s} = t; end',
    "%t shows the time precision": '$sformat({s}, "%t", 1);',
    "%v shows driver strength": '$sformat({s}, "%v", a[0]);',
    "a format held in a variable": 'begin : b reg [15:0] f; f = "%m"; $sformat({s}, f); end',
    "$typename names the scope": 'begin : b string t; t = $typename(a); {s} = t; end',
    "`__FILE__": '{s} = `__FILE__;',
}


def plain_value(source: str) -> str | None:
    """`obs` under a plain testbench (`tb.dut`, 1 ns / 1 ns), as hex; None when Icarus refuses it."""
    tb = ("`timescale 1ns/1ns\nmodule tb; reg [7:0] a; wire [7:0] y; wire [{w}:0] obs;\n"
          "  TopModule dut(.a(a), .y(y), .obs(obs));\n"
          "  initial begin a = 0; #1 $display(\"OBS=%h\", obs); $finish; end\nendmodule\n")
    width = int(source.split("output [", 2)[2].split(":")[0])
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "d.v").write_text(source + tb.format(w=width))
        comp = subprocess.run(["iverilog", "-g2012", "-o", "x", "d.v"], cwd=tmp, capture_output=True, text=True)
        if comp.returncode:
            return None
        out = subprocess.run(["vvp", "-n", "x"], cwd=tmp, capture_output=True, text=True).stdout
    return next(line[4:] for line in out.split("\n") if line.startswith("OBS="))


def constant_golden(width: int, value: str) -> str:
    return (f"module TopModule({PORTS.format(w=width - 1)});\n  assign y = a;\n"
            f"  assign obs = {width}'h{value};\nendmodule\n")


def _available(name: str) -> bool:
    if name == "verilator":
        return get_backend("verilator").available()
    if name == "cocotb":
        return CocotbBackend().available()
    return shutil.which("iverilog") is not None


BACKENDS = ["icarus", "auto", pytest.param("verilator", marks=pytest.mark.slow),
            pytest.param("cocotb", marks=pytest.mark.slow)]


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path_factory, monkeypatch):
    if not shutil.which("iverilog") or not _available(request.param):
        pytest.skip(f"{request.param} not installed")
    monkeypatch.setenv("CODEV_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "codev-cache"))
    return request.param


def test_every_accepted_probe_sees_what_a_plain_testbench_shows(backend):
    design = probe(ACCEPTED)
    assert scan(design) == []
    value = plain_value(design)
    width = WIDTH * len(ACCEPTED)
    golden = constant_golden(width, value)
    wrong = constant_golden(width, "1" + value[1:] if value[0] != "1" else "2" + value[1:])
    options = CheckOptions(backend=backend, cycles=40, seeds=1, long_cycles=0)
    alone = check(golden, [design], options)[0]
    assert alone.kind is VerdictKind.EQUIVALENT, alone
    batch = check(golden, [golden, wrong, design], options)  # another batch position, beside mates
    assert [v.kind for v in batch] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH, VerdictKind.EQUIVALENT], batch


@pytest.mark.parametrize("name", sorted(REVEALING))
def test_a_probe_that_would_see_the_harness_is_rejected_by_the_policy(name):
    violations = scan(probe([REVEALING[name]]))
    assert violations, name
    assert not any("syntax" in str(v) for v in violations)


def test_the_revealing_probes_would_see_something_else_than_a_plain_testbench():
    """Why they are rejected: where Icarus runs them, the plain testbench's value names `tb.dut`
    or depends on its time precision, which codev's harness does not reproduce."""
    seen = {name: plain_value(probe([REVEALING[name]])) for name in ("%m in $sformat", "%t shows the time precision")}
    text = {name: bytes.fromhex(v).decode(errors="replace").strip("\0") for name, v in seen.items() if v}
    assert text["%m in $sformat"] == "tb.dut"
    # 1 in the probe's default units printed at the plain testbench's 1 ns precision (codev's
    # `timescale 1ns/1ps header and precision would print 1000)
    assert text["%t shows the time precision"].strip() == "1000000000"


@pytest.fixture(params=["icarus", pytest.param("hybrid", marks=pytest.mark.slow),
                        pytest.param("formal", marks=pytest.mark.slow)])
def strategy(request):
    if not shutil.which("iverilog") or (request.param != "icarus" and not shutil.which("yosys")):
        pytest.skip(f"{request.param} not installed")
    return request.param


def test_revealing_probes_are_rejected_under_the_formal_strategies_too(strategy):
    test_revealing_probes_are_rejected_alone_and_in_a_batch(strategy)


def test_revealing_probes_are_rejected_alone_and_in_a_batch(backend):
    options = CheckOptions(backend=backend, cycles=40, seeds=1, long_cycles=0)
    design = probe([REVEALING["%m in $sformat"]])
    golden = constant_golden(WIDTH, plain_value(design))
    wrong = constant_golden(WIDTH, "0" * (WIDTH // 4))
    alone = check(golden, [design], options)[0]
    assert alone.kind is VerdictKind.REJECTED and "%m" in alone.reason, alone
    others = [probe([REVEALING[n]]) for n in ("%l (Verilator prints the module name)", "a format held in a variable",
                                               "$typename names the scope")]
    batch = check(golden, [golden, wrong, design, *others], options)
    assert [v.kind for v in batch] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH] + [VerdictKind.REJECTED] * 4, batch
