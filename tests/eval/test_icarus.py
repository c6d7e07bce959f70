"""Which Icarus scores a run: `--iverilog PATH` for one run, named in report.md, summary.json and `codev doctor`."""
from __future__ import annotations

import json
import shutil

from .conftest import read_jsonl

V1 = "verilogeval-v1-human"


def test_iverilog_option_picks_the_binary_and_report_names_it(bench_root, iverilog_major, run_cli, tmp_path):
    tools = tmp_path / "icarus" / "bin"
    tools.mkdir(parents=True)
    for name in ("iverilog", "vvp"):
        (tools / name).symlink_to(shutil.which(name))
    out = tmp_path / "o"
    status, _, err = run_cli("eval", "--references", "--bench", V1, "--problems", "zero", "--bench-root", bench_root,
                             "--out", out, "--iverilog", tools / "iverilog", "--no-progress")
    assert status == 0, err
    summary = json.loads((out / "summary.json").read_text())
    assert summary["settings"]["iverilog"] == str(tools / "iverilog")
    assert summary["tools"]["iverilog path"] == str(tools / "iverilog")
    assert f"Icarus Verilog version {iverilog_major}" in (out / "report.md").read_text()
    assert str(tools / "iverilog") in read_jsonl(out / "results.jsonl")[0]["setup"]


def test_doctor_names_the_icarus_version(iverilog_major, run_cli):
    status, out, _ = run_cli("doctor")
    line = next(l for l in out.splitlines() if "icarus" in l)
    assert status == 0 and f"{iverilog_major}." in line and "codev eval" in line
    if iverilog_major < 12:
        assert "published VerilogEval v1 runs mostly use 12" in out and "--iverilog PATH" in out
