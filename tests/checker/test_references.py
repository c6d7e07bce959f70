"""Every benchmark reference is equivalent to a copy of itself with its internal signals renamed."""
from __future__ import annotations

import re
import subprocess

import pytest
from pyslang import ast

from testbench_gen import CheckJob, CheckOptions, VerdictKind, check_many
from testbench_gen.design.infer import parse_design

from tests.benchdata import as_top


def iverilog_major() -> int:
    out = subprocess.run(["iverilog", "-V"], capture_output=True, text=True).stdout
    return int(re.search(r"version (\d+)", out).group(1))


# Golden references Icarus 11 cannot compile (enum casts in the reference; see MANIFEST.md).
IVERILOG11_INVALID = {"Prob151_review2015_fsm", "Prob156_review2015_fancytimer"}
# References that are not designs but timed behaviour: a clock generator is nothing but `#` delays,
# which the candidate policy rejects (synthesis ignores them; they can hide glitches).
TIMED_REFERENCES = {"clkgenerator"}


def rename_internal_signals(source: str) -> str:
    """Rename the top module's own nets and variables (not ports), inside the top module only."""
    design = parse_design(source)
    top = design.top
    ports = {p.name for p in top.body.portList}
    names = set()

    def visit(obj):
        if isinstance(obj, (ast.VariableSymbol, ast.NetSymbol)) and obj.name and obj.name not in ports \
                and obj.hierarchicalPath == f"{top.name}.{obj.name}":
            names.add(obj.name)
        return ast.VisitAction.Advance

    top.body.visit(visit)
    match = re.search(r"\bmodule\s+%s\b.*?\bendmodule\b" % re.escape(top.name), source, re.S)
    body = match.group()
    for name in sorted(names, key=len, reverse=True):
        body = re.sub(r"(?<![\w$`.])%s\b" % re.escape(name), f"{name}_renamed", body)
    return source[:match.start()] + body + source[match.end():]


def test_renaming_really_renames():
    src = "module t(input a, output y); wire mid; assign mid = ~a; assign y = mid; endmodule"
    assert "mid_renamed" in rename_internal_signals(src)


def _sweep(items, options=CheckOptions()):
    jobs = [CheckJob(golden, [candidate], options) for _name, golden, candidate in items]
    return [v[0] for v in check_many(jobs, workers=2)]


@pytest.mark.slow
def test_verilogeval_v2_references_equivalent_to_renamed_copies(bench_root):
    folder = bench_root / "verilogeval_v2" / "dataset_spec-to-rtl"
    items = []
    for path in sorted(folder.glob("*_ref.sv")):
        golden = path.read_text()
        items.append((path.name[: -len("_ref.sv")], golden, as_top(rename_internal_signals(golden))))
    assert len(items) == 156
    verdicts = _sweep(items)
    exceptions = IVERILOG11_INVALID if iverilog_major() < 12 else set()
    for (name, _g, _c), v in zip(items, verdicts):
        if name in exceptions:
            assert v.kind is VerdictKind.INVALID_GOLDEN, (name, v)
        else:
            assert v.kind is VerdictKind.EQUIVALENT, (name, v.reason, v.detail)


@pytest.mark.slow
def test_rtllm_v2_references_equivalent_to_renamed_copies(bench_root):
    items = []
    for folder in sorted(p for p in (bench_root / "rtllm_v2").iterdir() if p.is_dir()):
        golden = next(folder.glob("verified_*.v")).read_text()
        items.append((folder.name, golden, rename_internal_signals(golden)))
    assert len(items) == 50
    for (name, _g, _c), v in zip(items, _sweep(items)):
        if name in TIMED_REFERENCES:
            assert v.kind is VerdictKind.REJECTED and "# delay" in v.reason, (name, v)
        else:
            assert v.kind is VerdictKind.EQUIVALENT, (name, v.reason, v.detail)
