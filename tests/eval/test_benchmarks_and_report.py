"""Benchmark loading, known-issue flags, and the report files."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from codev.eval.benchmarks import DEFAULT_BENCHMARKS, BenchmarkError, load_benchmark
from codev.eval.known_issues import issues_for

from .conftest import write_jsonl


def test_problem_counts_and_categories(bench_root):
    counts = {name: len(load_benchmark(name, bench_root)) for name in DEFAULT_BENCHMARKS}
    assert counts == {
        "verilogeval-v1-human": 156, "verilogeval-v1-machine": 143, "verilogeval-v2-spec-to-rtl": 156,
        "verilogeval-v2-code-complete": 156, "rtllm-v1.1": 29, "rtllm-v2": 50,
    }
    human = {p.id for p in load_benchmark("verilogeval-v1-human", bench_root)}
    assert {p.id for p in load_benchmark("verilogeval-v1-machine", bench_root)} <= human
    v2 = Counter(p.category for p in load_benchmark("rtllm-v2", bench_root))
    assert v2 == {"Arithmetic": 19, "Memory": 5, "Control": 6, "Miscellaneous": 20}  # File_list.md
    assert "uncategorized" not in {p.category for p in load_benchmark("rtllm-v1.1", bench_root)}
    zero = next(p for p in load_benchmark("verilogeval-v2-spec-to-rtl", bench_root) if p.id == "Prob001_zero")
    assert zero.category == "combinational" and "RefModule" in zero.support and "module TopModule" in zero.reference


def test_wrong_bench_root_is_a_clear_error(tmp_path):
    with pytest.raises(BenchmarkError, match="benchmark folder not found"):
        load_benchmark("rtllm-v2", tmp_path)


def test_known_issues_depend_on_icarus_version():
    assert {"review2015_fsm", "review2015_fancytimer", "m2014_q4d"} == set(issues_for("verilogeval-v1-human", 11))
    assert set(issues_for("verilogeval-v1-human", 12)) == {"m2014_q4d"}
    assert "adder_pipe_64bit" in issues_for("rtllm-v2", 12) and "adder_pipe_64bit" not in issues_for("rtllm-v2", 11)
    assert issues_for("rtllm-v2", 11)["ring_counter"].kind == "broken"


def test_report_files(bench_root, iverilog_major, run_cli, tmp_path):
    right = "```verilog\nmodule TopModule(output zero);\n  assign zero = 1'b0;\nendmodule\n```"
    rows = [{"task_id": "Prob001_zero", "completion": right if i % 2 else "no answer"} for i in range(5)]
    rows += [{"task_id": "Prob082_lfsr32", "completion": "no answer"} for _ in range(5)]
    samples = write_jsonl(tmp_path / "s.jsonl", rows)
    out = tmp_path / "r"
    status, stdout, stderr = run_cli(
        "eval", "--samples", samples, "--bench", "verilogeval-v2-code-complete", "--bench-root", bench_root,
        "--problems", "Prob001_zero,Prob082_lfsr32", "--out", out, "--k", "1,5,10", "--no-progress",
    )
    assert status == 0, stderr
    summary = json.loads((out / "summary.json").read_text())
    bench = summary["benchmarks"]["verilogeval-v2-code-complete"]
    assert bench["pass@1"] == pytest.approx((2 / 5 + 0) / 2) and bench["pass@5"] == pytest.approx(0.5)
    assert bench["pass@10"] is None and bench["answered"] == 2 and bench["problems"] == 2  # the --problems subset
    assert bench["flagged"]["Prob082_lfsr32"]["kind"] == "broken"
    assert bench["unflagged"] == {"problems": 1, "pass@1": pytest.approx(0.4), "pass@5": 1.0, "pass@10": None}
    assert summary["tools"]["iverilog"].startswith("Icarus Verilog version")
    report = (out / "report.md").read_text()
    for needle in (
        "| verilogeval-v2-code-complete | 2/2 | 5.0 | 20.00 | 50.00 | – |",
        "| combinational | 1 | 40.00 | 100.00 | – |",
        "| Prob082_lfsr32 | broken | 0/5 |",
        "## Settings", "## Tools", "![pass@k](pass_at_k.png)",
    ):
        assert needle in report, needle
    assert (out / "pass_at_k.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "pass@5" in stdout and "50.00" in stdout
