"""CVDP in `codev eval`: datapoints read from its JSONL format, each run through its own cocotb harness
(real cocotb, real Icarus, in the sandbox), unsupported categories listed with a reason, bad input named
by file and line, and `codev bench fetch cvdp` from a local copy with recorded sha256 sums."""
from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from codev.eval.benchmarks import BenchmarkError, load_benchmark
from codev.eval.cvdp_answer import answer_files, extract
from codev.eval.cvdp_format import CvdpFormatError, load_tasks, parse_env
from codev.eval.cvdp_harness import remap, run_harness
from codev.eval.equivalence import pair
from codev.eval.harness import score

from .conftest import read_jsonl, write_jsonl
from .cvdp_problems import (MUX_LEAF, MUX_TOP, RUNNER_COCOTB1, SAT_ADD_FORGED, SAT_ADD_REF, SAT_ADD_SYNTAX, SAT_ADD_WRONG, agentic_sat_add,
                            mux_pair, sat_add, unsupported, write_dataset)

pytest.importorskip("cocotb_tools.runner")


@pytest.fixture
def cvdp_root(tmp_path, iverilog_major):
    write_dataset(tmp_path / "bench", [sat_add(), mux_pair(), *unsupported(), agentic_sat_add()])
    return tmp_path / "bench"


def test_reading_classifies_every_datapoint(cvdp_root):
    problems = {p.id: p for p in load_benchmark("cvdp", cvdp_root)}
    assert set(problems) == {"cvdp_copilot_sat_add_0001", "cvdp_copilot_mux_pair_0004", "cvdp_copilot_sat_add_0010",
                             "cvdp_copilot_sat_add_0012"}
    agentic = {p.id: p for p in load_benchmark("cvdp-agentic", cvdp_root)}  # the agentic ones, in one shot
    assert set(agentic) == {"cvdp_agentic_sat_add_0003", "cvdp_agentic_sat_add_0005"}
    one_shot = agentic["cvdp_agentic_sat_add_0005"]
    assert (one_shot.skip, one_shot.reference, one_shot.top) == ("", SAT_ADD_REF, "sat_add")  # the patch, applied
    assert one_shot.cvdp.context == (("docs/spec.md", "sat_add: y = min(a + b, 255) for 8-bit unsigned a, b.\n"),)
    assert "harness files are not in this copy" in agentic["cvdp_agentic_sat_add_0003"].skip
    ok = problems["cvdp_copilot_sat_add_0001"]
    assert (ok.skip, ok.top, ok.category, ok.reference) == ("", "sat_add", "cid003", SAT_ADD_REF)
    assert ok.cvdp.outputs == ("rtl/sat_add.sv",)
    reasons = {pid: p.skip for pid, p in problems.items() if p.skip}
    assert "BLEU or an LLM judge" in reasons["cvdp_copilot_sat_add_0010"]
    assert "commercial EDA tools" in reasons["cvdp_copilot_sat_add_0012"]
    assert len(reasons) == 2
    needs = sat_add("cvdp_copilot_sat_add_0002")
    needs["harness"]["files"]["Dockerfile"] = "FROM __OSS_SIM_IMAGE__\nRUN pip3 install cocotb==2.0.1 no-such-pkg-codev>=1\n"
    needs["harness"]["files"]["src/.env"] += "SIM = verilator\n"
    (task,) = load_tasks_from([needs])
    assert task.skip.endswith("installs no-such-pkg-codev, not installed here (pip install no-such-pkg-codev)")
    needs["harness"]["files"]["Dockerfile"] = "FROM __OSS_SIM_IMAGE__\n"
    assert "simulator 'verilator'" in load_tasks_from([needs])[0].skip
    legacy = sat_add("cvdp_copilot_sat_add_0004")  # CVDP v1.0.x harnesses: cocotb 1.x's runner
    legacy["harness"]["files"]["src/test_runner.py"] = RUNNER_COCOTB1
    assert "written for cocotb 1.x" in load_tasks_from([legacy])[0].skip
    broken = sat_add("cvdp_copilot_sat_add_0003")
    broken["harness"]["files"]["docker-compose.yml"] = "services:\n  direct:\n    image: x\n"
    assert load_tasks_from([broken])[0].skip == (
        "cid003: the harness cannot be run as written (docker-compose.yml: service direct has no command)")


def test_env_and_paths_as_the_container_sees_them(tmp_path):
    assert parse_env("SIM             = icarus\n# note\nTOPLEVEL='x'\nVERILOG_SOURCES = /code/rtl/a.sv /code/rtl/b.sv\n") == {
        "SIM": "icarus", "TOPLEVEL": "x", "VERILOG_SOURCES": "/code/rtl/a.sv /code/rtl/b.sv"}
    text, n = remap('open("/code/rundir/x.log"); PYTHONPATH=/src; cache_dir=/rundir/h; keep /codex /usr/src', tmp_path)
    assert n == 3
    assert text == (f'open("{tmp_path}/rundir/x.log"); PYTHONPATH={tmp_path}/src; cache_dir={tmp_path}/.rundir/h; '
                    "keep /codex /usr/src")


def test_answers_are_read_as_cvdp_reads_them():
    single = load_tasks_from([sat_add()])[0]
    assert extract(single, "Sure:\n```verilog\nmodule a; endmodule\n```\nand\n```\nlater\n```") == ("module a; endmodule\n", "fence")
    assert extract(single, "  module a; endmodule  ") == ("module a; endmodule", "raw")
    assert extract(single, "   ") == (None, "none")
    draft_then_answer = "<think>\n```verilog\nmodule draft; endmodule\n```\n</think>\n<answer>\n```verilog\nmodule a; endmodule\n```\n</answer>"
    assert extract(single, draft_then_answer) == ("module a; endmodule\n", "fence")
    pair = load_tasks_from([mux_pair()])[0]
    response = "Here you go: " + json.dumps({"code": [{"rtl/mux_leaf.sv": f"```verilog\n{MUX_LEAF}```"},
                                                      {"rtl/mux_pair.sv": MUX_TOP}, {"../evil.sv": "x"}]})
    code, how = extract(pair, response)
    assert how == "json"
    assert answer_files(pair, code) == {"rtl/mux_leaf.sv": MUX_LEAF, "rtl/mux_pair.sv": MUX_TOP}  # unsafe path dropped
    extra = json.dumps({"rtl/mux_pair.sv": MUX_TOP, "rtl/helper.sv": "module helper; endmodule\n", "verif/x.py": "",
                        "docs/../../x.sv": ""})
    assert set(answer_files(pair, extra)) == {"rtl/mux_pair.sv", "rtl/helper.sv"}  # new HDL files may be added
    assert extract(pair, "no json here") == (None, "none")


def load_tasks_from(rows):
    with tempfile.TemporaryDirectory() as tmp:
        return load_tasks(write_dataset(Path(tmp), rows))


def test_harness_verdicts_for_broken_answers(cvdp_root, tmp_path):
    """Right and wrong single-file answers run through the CLI below; here: a syntax error, a wrong
    two-file answer (CVDP's JSON form) and a harness that outlives its bound."""
    problems = {p.id: p for p in load_benchmark("cvdp", cvdp_root)}
    sat, pair = problems["cvdp_copilot_sat_add_0001"], problems["cvdp_copilot_mux_pair_0004"]
    # a wrong answer that also ships files making pytest exit 0 at start-up: only the HDL files are written
    exit_early = "import os\nos._exit(0)\n"
    wrong_pair = json.dumps({"rtl/mux_leaf.sv": MUX_LEAF.replace("s ? b : a", "s ? a : b"), "rtl/mux_pair.sv": MUX_TOP,
                             "src/conftest.py": exit_early, "conftest.py": exit_early, "rundir/conftest.py": exit_early,
                             "rtl/conftest.py": exit_early, "src/test_runner.py": exit_early})
    assert set(answer_files(pair.cvdp, wrong_pair)) == {"rtl/mux_leaf.sv", "rtl/mux_pair.sv"}
    with ThreadPoolExecutor(2) as pool:
        syntax = pool.submit(score, sat, SAT_ADD_SYNTAX)
        wrong = pool.submit(score, pair, wrong_pair)
        slow = pool.submit(run_harness, sat.cvdp, {"rtl/sat_add.sv": SAT_ADD_REF}, tmp_path, 0.5)
        forged = pool.submit(score, sat, SAT_ADD_FORGED)
        syntax, wrong, slow, forged = syntax.result(), wrong.result(), slow.result(), forged.result()
    # pytest exits 0 on the forged results file; cocotb's own summary still shows the failure
    assert forged.verdict == "fail" and "cocotb reported 1 failing tests" in forged.code, forged.log
    assert syntax.verdict == "compile-error" and "syntax error" in syntax.log
    assert wrong.verdict == "fail" and "assert" in wrong.log, wrong.log
    assert slow.outcome.verdict == "timeout"


def test_eval_run_scores_skips_resumes_and_checks_equivalence(cvdp_root, tmp_path, run_cli):
    samples = write_jsonl(tmp_path / "samples.jsonl", [
        {"task_id": "cvdp_copilot_sat_add_0001", "completion": f"```systemverilog\n{SAT_ADD_REF}```"},
        {"task_id": "cvdp_copilot_sat_add_0001", "completion": f"```verilog\n{SAT_ADD_WRONG}```"},
        {"task_id": "cvdp_copilot_sat_add_0010", "completion": "a skipped datapoint's answer is ignored"},
    ])
    out = tmp_path / "run"
    argv = ["eval", "--samples", samples, "--bench", "cvdp", "--bench-root", cvdp_root, "--out", out,
            "--k", "1,2", "--jobs", "2", "--equivalence", "--problems", "cvdp_copilot_sat_add_0001,cvdp_copilot_sat_add_0010"]
    status, stdout, stderr = run_cli(*argv)
    assert status == 0, stderr
    rows = {r["index"]: r for r in read_jsonl(out / "results.jsonl")}
    assert (rows[0]["verdict"], rows[1]["verdict"]) == ("pass", "fail")
    assert "gave" in rows[1]["log"]  # the cocotb test's own assertion message
    assert (rows[0]["equivalence"]["verdict"], rows[1]["equivalence"]["verdict"]) == ("equivalent", "mismatch")
    summary = json.loads((out / "summary.json").read_text())["benchmarks"]["cvdp"]
    assert (summary["problems"], summary["pass@1"], summary["pass@2"]) == (1, 0.5, 1.0)
    assert set(summary["skipped"]) == {"cvdp_copilot_sat_add_0010"}
    report = (out / "report.md").read_text()
    assert "cvdp_copilot_sat_add_0010 | cid010 |" in report and "cocotb" in report
    status, _, stderr = run_cli(*argv)  # rerun: everything is already scored
    assert status == 0 and "scoring 0 of 2 samples" in stderr


def test_references_self_check(cvdp_root, tmp_path, run_cli, monkeypatch):
    """The three harnessed references pass (one written as two files and dumping FST waves, which the
    sandbox turns off, one an agentic patch), with a broken pyproject.toml above the sandbox root that
    pytest's upward config search must not reach."""
    (tmp_path / "pyproject.toml").write_text("[[[ not toml\n")
    monkeypatch.setenv("CODEV_SANDBOX_ROOT", str(tmp_path / "sandboxes"))
    status, stdout, stderr = run_cli("eval", "--references", "--bench", "cvdp,cvdp-agentic", "--bench-root", cvdp_root,
                                     "--out", tmp_path / "refs", "--k", "1", "--jobs", "2", "--no-progress")
    assert status == 0, stderr
    summary = json.loads((tmp_path / "refs" / "summary.json").read_text())["benchmarks"]
    assert summary["cvdp"]["pass@1"] == 1.0 and summary["cvdp"]["answered"] == 2 and len(summary["cvdp"]["skipped"]) == 2
    assert summary["cvdp-agentic"]["pass@1"] == 1.0 and summary["cvdp-agentic"]["answered"] == 1


def test_malformed_line_is_one_line_naming_file_and_line(tmp_path, run_cli):
    path = write_dataset(tmp_path, [sat_add()])
    with open(path, "a") as fh:
        fh.write('{"id": "cvdp_copilot_broken_0001", "categories": ["cid003"\n')
    status, _, stderr = run_cli("eval", "--references", "--bench", "cvdp", "--bench-root", tmp_path, "--out", tmp_path / "o")
    assert status == 2
    assert stderr.strip().count("\n") == 0 and f"{path}:2: not valid JSON" in stderr and "Traceback" not in stderr
    write_dataset(tmp_path, [{"id": "x", "categories": ["cid003"], "input": {"prompt": 3}}])
    with pytest.raises(BenchmarkError, match=r"cvdp_test.jsonl:1: x: 'input' needs a string 'prompt'"):
        load_benchmark("cvdp", tmp_path)
    with pytest.raises(CvdpFormatError, match="unsafe file path"):
        load_tasks_from([{**sat_add(), "output": {"context": {"../../etc/x.sv": "module x; endmodule"}}}])


def test_fetch_from_a_local_copy_records_sums_and_refuses_changes(tmp_path, run_cli):
    source = write_dataset(tmp_path / "download", [sat_add(), *unsupported()], name="cvdp_v1_example.jsonl")
    dest = tmp_path / "benchmarks"
    status, stdout, stderr = run_cli("bench", "fetch", "cvdp", "--from", source.parent, "--dest", dest, "--no-record")
    assert status == 0, stderr
    marker = json.loads((dest / "cvdp" / ".codev-fetched.json").read_text())
    assert marker["files"] == {"cvdp_v1_example.jsonl": hashlib.sha256(source.read_bytes()).hexdigest()}
    assert (marker["datapoints"], marker["supported"], marker["agentic_one_shot"]) == (4, 1, 0)
    assert "4 datapoints from" in stdout and "1 non-agentic ones run on free tools" in stdout
    assert len(load_benchmark("cvdp", dest)) == 3 and len(load_benchmark("cvdp-agentic", dest)) == 1
    with open(dest / "cvdp" / "cvdp_v1_example.jsonl", "a") as fh:
        fh.write("\n")
    with pytest.raises(BenchmarkError, match="sha256 differs"):
        load_benchmark("cvdp", dest)
    bad = write_dataset(tmp_path / "bad", [sat_add()])
    bad.write_text(bad.read_text() + "not json\n")
    status, _, stderr = run_cli("bench", "fetch", "cvdp", "--from", bad, "--dest", tmp_path / "d2", "--no-record")
    assert status == 1 and f"{bad}:2: not valid JSON" in stderr
    assert not (tmp_path / "d2" / "cvdp").exists()


def test_a_datasets_folder_reads_like_the_jsonl(tmp_path):
    datasets = pytest.importorskip("datasets")
    rows = [sat_add(), mux_pair(), *unsupported()[:2]]
    saved = tmp_path / "saved"
    datasets.Dataset.from_list(rows).save_to_disk(str(saved))  # the HF struct columns: None where a row lacks a path
    parquet = tmp_path / "hub" / "data" / "train.parquet"  # the hub's converted layout
    parquet.parent.mkdir(parents=True)
    datasets.Dataset.from_list(rows).to_parquet(str(parquet))
    from_jsonl = {t.id: t for t in load_tasks_from(rows)}
    for folder in (saved, tmp_path / "hub"):
        loaded = {t.id: t for t in load_tasks(folder)}
        assert set(loaded) == set(from_jsonl), folder
        for task_id, task in from_jsonl.items():
            got = loaded[task_id]
            assert (dict(got.context), dict(got.solution), dict(got.harness), got.outputs, got.skip) == (
                dict(task.context), dict(task.solution), dict(task.harness), task.outputs, task.skip)


class _ServedModel(BaseHTTPRequestHandler):
    """An OpenAI-compatible /v1/chat/completions that answers every CVDP prompt with the sat_add reference."""

    prompts: list[list[dict]] = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).prompts.append(body["messages"])
        content = f"Here is the design.\n```systemverilog\n{SAT_ADD_REF}```\nIt saturates."
        data = json.dumps({"id": "c", "object": "chat.completion", "created": 0, "model": body["model"],
                           "choices": [{"index": 0, "finish_reason": "stop",
                                        "message": {"role": "assistant", "content": content}}],
                           "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def test_generated_answers_are_prompted_and_scored(cvdp_root, tmp_path, run_cli, monkeypatch):
    _ServedModel.prompts = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ServedModel)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    try:
        status, _, stderr = run_cli(
            "eval", "--endpoint", f"http://127.0.0.1:{server.server_address[1]}/v1", "--model-name", "m",
            "--bench", "cvdp", "--bench-root", cvdp_root, "--problems", "cvdp_copilot_sat_add_0001",
            "--out", tmp_path / "gen", "--k", "1", "--no-progress")
    finally:
        server.shutdown()
        server.server_close()
    assert status == 0, stderr
    (messages,) = _ServedModel.prompts
    assert messages[0]["role"] == "system" and "rtl/" in messages[0]["content"]
    assert "saturates at 255" in messages[1]["content"] and "`rtl/sat_add.sv`" in messages[1]["content"]
    (row,) = read_jsonl(tmp_path / "gen" / "results.jsonl")
    assert (row["verdict"], row["extraction"]) == ("pass", "fence")


def test_references_of_a_copy_without_solutions_are_not_scored(tmp_path, run_cli):
    write_dataset(tmp_path, [sat_add(with_solution=False)])
    (problem,) = load_benchmark("cvdp", tmp_path)
    assert (problem.skip, problem.cvdp.outputs, problem.reference) == ("", ("rtl/sat_add.sv",), "")
    status, _, stderr = run_cli("eval", "--references", "--bench", "cvdp", "--bench-root", tmp_path,
                                "--out", tmp_path / "o", "--k", "1", "--equivalence")
    assert status == 0, stderr
    assert "1 problems have no reference solution in this copy" in stderr
    assert json.loads((tmp_path / "o" / "summary.json").read_text())["benchmarks"]["cvdp"]["answered"] == 0
    assert pair(problem, SAT_ADD_REF) == "no reference solution in this copy of the dataset"  # --equivalence
    # no `output` at all: the answer's file is the VERILOG_SOURCES entry the datapoint does not give
    bare = {k: v for k, v in sat_add().items() if k != "output"}
    assert load_tasks_from([bare])[0].outputs == ("rtl/sat_add.sv",)
