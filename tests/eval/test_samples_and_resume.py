"""--samples validation (errors name the file and line), results.jsonl contents, and resuming."""
from __future__ import annotations

import json

import pytest

from codev.eval.records import SamplesError, read_samples
from codev.eval.runner import EvalConfig, run_eval
from codev.jsonl import JsonlLog

from .conftest import read_jsonl, write_jsonl

KNOWN = {"verilogeval-v1-human": {"mux2to1", "dff"}, "verilogeval-v1-machine": {"mux2to1"}}
RIGHT = "```verilog\nmodule top_module(input a, input b, input sel, output out);\n  assign out = sel ? b : a;\nendmodule\n```"
WRONG = RIGHT.replace("sel ? b : a", "sel ? a : b")
BODY = "  assign out = sel ? b : a;\nendmodule\n"  # a v1 completion: what the official harness compiles verbatim


def test_read_samples_indexes_and_benchmark_field(tmp_path):
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [
            {"benchmark": "verilogeval-v1-human", "task_id": "mux2to1", "completion": "a"},
            {"benchmark": "verilogeval-v1-human", "task_id": "mux2to1", "completion": "b"},
            {"task_id": "dff", "completion": "c", "index": 4},  # only Human has dff
        ],
    )
    answers = read_samples(path, KNOWN)
    assert [(a.benchmark, a.task_id, a.index) for a in answers] == [
        ("verilogeval-v1-human", "mux2to1", 0),
        ("verilogeval-v1-human", "mux2to1", 1),
        ("verilogeval-v1-human", "dff", 4),
    ]


@pytest.mark.parametrize(
    "line, message",
    [
        ("{not json", ":2: not valid JSON"),
        ('{"task_id": "mux2to1"}', ":2: needs string fields 'task_id' and 'completion'"),
        ('{"task_id": "mux2to1", "completion": "x"}', ":2: task_id 'mux2to1' is ambiguous"),
        ('{"benchmark": "verilogeval-v1-human", "task_id": "nope", "completion": "x"}', ":2: task_id 'nope' is not a problem"),
        ('{"benchmark": "rtllm-v2", "task_id": "alu", "completion": "x"}', ":2: benchmark 'rtllm-v2' is not among"),
        ('{"benchmark": "verilogeval-v1-human", "task_id": "dff", "completion": "x", "index": 0}', ":2: duplicate sample 0 of dff"),
    ],
)
def test_read_samples_errors_name_file_and_line(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"benchmark": "verilogeval-v1-human", "task_id": "dff", "completion": "x"}\n' + line + "\n")
    with pytest.raises(SamplesError) as info:
        read_samples(path, KNOWN)
    assert str(info.value).startswith(str(path)) and message in str(info.value)


def test_cli_reports_bad_samples_without_traceback(bench_root, run_cli, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"task_id": "mux2to1", "completion": 3}\n')
    status, _, err = run_cli("eval", "--samples", bad, "--bench", "verilogeval-v1-human", "--bench-root", bench_root, "--out", tmp_path / "o")
    assert status == 2
    assert err.strip() == f"codev eval: error: {bad}:1: needs string fields 'task_id' and 'completion'"
    status, _, err = run_cli("eval", "--samples", tmp_path / "missing.jsonl", "--bench-root", bench_root)
    assert status == 2 and "missing.jsonl: file not found" in err
    status, _, err = run_cli("eval", "--references", "--bench", "verilogeval-v3", "--bench-root", bench_root)
    assert status == 2 and "unknown benchmark verilogeval-v3" in err
    status, _, err = run_cli("eval", "--endpoint", "http://127.0.0.1:9/v1", "--bench-root", bench_root)
    assert status == 2 and "--endpoint needs --model-name" in err
    status, _, err = run_cli("eval", "--references", "--k", "1,x", "--bench-root", bench_root)
    assert status == 2 and "--k '1,x'" in err
    status, _, err = run_cli("eval", "--references", "--bench", "rtllm-v2", "--problems", "alu,nope", "--bench-root", bench_root, "--out", tmp_path / "p")
    assert status == 2 and "--problems: no problem nope in rtllm-v2" in err


def test_bench_root_from_environment(bench_root, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("CODEV_BENCH_ROOT", str(bench_root))
    status, out, err = run_cli(
        "eval", "--references", "--bench", "rtllm-v2", "--problems", "alu,accu", "--out", tmp_path / "o", "--no-progress"
    )
    assert status == 0, err
    assert json.loads((tmp_path / "o" / "summary.json").read_text())["settings"]["bench_root"] == str(bench_root)
    monkeypatch.delenv("CODEV_BENCH_ROOT")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    # away from a checkout's ../shared/benchmarks, the last fallback
    monkeypatch.setattr("codev.eval.userconfig.SHARED_BENCHMARKS", tmp_path / "no-such-folder")
    status, _, err = run_cli("eval", "--references", "--out", tmp_path / "o2")
    assert status == 2 and "no benchmark folder" in err
    (tmp_path / "cfg" / "codev").mkdir(parents=True)
    (tmp_path / "cfg" / "codev" / "config.yaml").write_text(f"bench_root: {bench_root}\n")
    status, _, err = run_cli(
        "eval", "--references", "--bench", "rtllm-v2", "--problems", "alu", "--out", tmp_path / "o3", "--no-progress"
    )
    assert status == 0, err


def test_results_are_complete_and_a_rerun_resumes(bench_root, iverilog_major, tmp_path):
    samples = write_jsonl(
        tmp_path / "s.jsonl",
        [
            {"task_id": "mux2to1", "completion": BODY},
            {"task_id": "mux2to1", "completion": BODY.replace("sel ? b : a", "sel ? a : b")},
            {"task_id": "mux2to1", "completion": "no code here"},
            {"task_id": "dff", "completion": "```verilog\nmodule top_module(input clk, input d, output reg q);\n  always @(posedge clk) q <= d;\nendmodule\n```"},
        ],
    )
    config = EvalConfig(
        benchmarks=["verilogeval-v1-human"], bench_root=bench_root, out=tmp_path / "run", samples=samples,
        ks=[1, 2], jobs=2, problems={"mux2to1", "dff"}, progress=False,
    )
    messages: list[str] = []
    first = run_eval(config, messages.append)
    rows = read_jsonl(tmp_path / "run" / "results.jsonl")
    assert [(r["task_id"], r["index"], r["variant"], r["verdict"], r["extraction"]) for r in rows] == [
        ("dff", 0, "official", "compile-error", "verbatim"),  # a fenced module: a syntax error upstream
        ("dff", 0, "repaired", "pass", "fence"),
        ("mux2to1", 0, "official", "pass", "verbatim"),
        ("mux2to1", 1, "official", "fail", "verbatim"),
        ("mux2to1", 2, "official", "compile-error", "verbatim"),  # upstream compiles prose too
    ]
    assert "Mismatches" in rows[3]["log"] and rows[3]["detail"].startswith("failed:")
    assert all(r["iverilog"].startswith("Icarus Verilog version") for r in rows)
    bench = first.summary["benchmarks"]["verilogeval-v1-human"]
    assert bench["answered"] == 2 and bench["pass@1"] == pytest.approx((1 / 3 + 0) / 2)
    assert bench["repaired"]["pass@1"] == pytest.approx((1 / 3 + 1) / 2) and bench["repaired"]["changed"] == 1
    assert bench["pass@2"] is None  # dff has one sample only
    assert bench["syntax_rate"] == pytest.approx(2 / 4)
    assert messages[-1].startswith("scoring 5 of 5 samples")

    # unchanged rerun: nothing is simulated again
    messages.clear()
    second = run_eval(config, messages.append)
    assert messages[-1].startswith("scoring 0 of 5 samples")
    assert second.summary["benchmarks"] == first.summary["benchmarks"]

    # a changed answer is rescored; a crash-torn last line is ignored
    lines = samples.read_text().splitlines()
    lines[1] = json.dumps({"task_id": "mux2to1", "completion": BODY + "\n// v2"})
    samples.write_text("\n".join(lines) + "\n")
    with open(tmp_path / "run" / "results.jsonl", "a") as fh:
        fh.write('{"benchmark": "verilogeval-v1-human", "task_id": "mux')
    messages.clear()
    third = run_eval(config, messages.append)
    assert messages[-1].startswith("scoring 1 of 5 samples")
    assert third.summary["benchmarks"]["verilogeval-v1-human"]["per_problem"]["mux2to1"]["c"] == 2
    assert len(read_jsonl(tmp_path / "run" / "results.jsonl")) == 5


def test_store_repairs_a_torn_line_before_appending(tmp_path):
    store = JsonlLog(tmp_path / "x.jsonl")
    store.append({"a": 1})
    with open(store.path, "a") as fh:
        fh.write('{"a": 2')
    store.append({"a": 3})
    assert list(store) == [{"a": 1}, {"a": 3}]
