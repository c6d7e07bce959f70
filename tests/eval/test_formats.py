"""Native sample formats: VerilogEval v1 human-eval files, v2 harness folders, RTLLM folders, our JSONL."""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from codev.eval.formats import JSONL, detect_format, read_sample_set
from codev.eval.records import SamplesError

from .conftest import read_jsonl, write_jsonl

DATA = Path(__file__).parent / "data"
V1_PUBLISHED = DATA / "verilogeval_v1_example" / "ExampleSolution.jsonl_reference.jsonl"
V1 = "verilogeval-v1-human"
V2 = "verilogeval-v2-spec-to-rtl"
VERILOGEVAL_V1, VERILOGEVAL_V2, RTLLM = "verilogeval-v1", "verilogeval-v2", "rtllm"  # the --sample-format names


def _eval(run_cli, samples, bench, bench_root, out, *extra, variant="official"):
    status, _, err = run_cli(
        "eval", "--samples", samples, "--bench", bench, "--bench-root", bench_root, "--out", out,
        "--jobs", "2", "--k", "1", "--no-progress", *extra,
    )
    assert status == 0, err
    return {(r["task_id"], r["index"]): r for r in read_jsonl(out / "results.jsonl") if r["variant"] == variant}


def _repaired_view(out: Path) -> dict:
    """Verdict per sample in the repaired variant: its own row where it changed the sample, else the official one."""
    rows = read_jsonl(out / "results.jsonl")
    view = {(r["task_id"], r["index"]): r["verdict"] for r in rows if r["variant"] == "official"}
    view.update({(r["task_id"], r["index"]): r["verdict"] for r in rows if r["variant"] == "repaired"})
    return view


def test_v1_published_result_file_agrees_sample_by_sample(bench_root, iverilog_major, run_cli, tmp_path):
    """The official harness's own results (passed + result string) are reproduced for every sample."""
    results = _eval(run_cli, V1_PUBLISHED, V1, bench_root, tmp_path / "o")
    published = read_jsonl(V1_PUBLISHED)
    seen: dict[str, int] = {}
    for row in published:
        index = seen[row["task_id"]] = seen.get(row["task_id"], -1) + 1
        ours = results[(row["task_id"], index)]
        assert (ours["verdict"] == "pass", ours["detail"]) == (row["passed"], row["result"]), row
    report = (tmp_path / "o" / "report.md").read_text()
    assert "Sample format: **verilogeval-v1** (detected); 6 samples." in report
    assert "Every sample had code." in report


def test_v1_official_is_verbatim_and_repaired_scores_the_code(bench_root, iverilog_major, run_cli, tmp_path):
    problems = {row["task_id"]: row for row in map(json.loads, (bench_root / "verilogeval_v1/data/VerilogEval_Human.jsonl").open())}
    bodies = [(row["task_id"], row["completion"]) for row in read_jsonl(V1_PUBLISHED)]
    bodies += [(t, problems[t]["canonical_solution"]) for t in ("dff8", "fsm3onehot", "count10")]
    bodies += [("count10", problems["count10"]["canonical_solution"].replace("q == 9", "q == 8"))]
    continuation_rows, module_rows = [], []
    for n, (task, body) in enumerate(bodies):
        whole = problems[task]["prompt"] + body
        # the same answers in the three shapes a v1 file holds: a bare body, the header repeated, a fenced body
        continuation = [body, whole, f"```verilog\n{body}```"][n % 3]
        continuation_rows.append({"task_id": task, "index": n, "completion": continuation})
        module_rows.append({"task_id": task, "index": n, "completion": f"Here it is:\n```verilog\n{whole}```\n"})
    cont = _eval(run_cli, write_jsonl(tmp_path / "c.jsonl", continuation_rows), V1, bench_root, tmp_path / "c",
                 "--sample-format", "verilogeval-v1")
    whole = _eval(run_cli, write_jsonl(tmp_path / "w.jsonl", module_rows), V1, bench_root, tmp_path / "w")
    # official: as the human-eval harness concatenates them, a repeated header or a fence is a syntax error
    for (task, n), row in cont.items():
        if n % 3:
            assert (row["verdict"], row["detail"]) == ("compile-error", "failed: syntax error."), (task, n)
    assert {r["detail"] for r in whole.values()} == {"failed: syntax error."}
    # repaired: every shape scores like the bare body
    bare = {k: r["verdict"] for k, r in cont.items() if k[1] % 3 == 0}
    assert _repaired_view(tmp_path / "c") == _repaired_view(tmp_path / "w")
    assert all(_repaired_view(tmp_path / "c")[k] == v for k, v in bare.items())
    verdicts = sorted(_repaired_view(tmp_path / "c").values())
    assert verdicts.count("pass") == 6 and "fail" in verdicts and "compile-error" in verdicts
    report = (tmp_path / "w" / "report.md").read_text()
    assert "Sample format: **jsonl** (detected)" in report
    assert "## Variant `repaired` (not official)" in report and "repeated module header removed" in report


def _v2_harness_folder(bench_root: Path, root: Path) -> Path:
    """The layout the v2 Makefile writes: build/ProbNNN_name/ProbNNN_name_sampleNN.sv (+ -response.txt)."""
    ref = (bench_root / "verilogeval_v2/dataset_spec-to-rtl/Prob001_zero_ref.sv").read_text()
    good = re.sub(r"\bRefModule\b", "TopModule", ref).strip("\n") + "\n"
    folder = root / "build" / "Prob001_zero"
    folder.mkdir(parents=True)
    (folder / "Prob001_zero_sample01.sv").write_text(good)
    (folder / "Prob001_zero_sample01-response.txt").write_text(f"[BEGIN]\n{good}[DONE]\n")
    (folder / "Prob001_zero_sample02.sv").write_text(good.replace("1'b0", "1'b1"))
    (folder / "Prob001_zero_sample03.sv").write_text("")
    (folder / "Prob001_zero_sample03-response.txt").write_text("I cannot help with that.\n")
    (folder / "Prob001_zero_sample04-response.txt").write_text(f"Sure.\n```verilog\n{good}```\n")
    (folder / "Prob001_zero_sample01-sv-iv-test.log").write_text("Mismatches: 0 in 20 samples\n")
    return root / "build"


def test_v2_harness_folder(bench_root, iverilog_major, run_cli, tmp_path):
    folder = _v2_harness_folder(bench_root, tmp_path)
    assert detect_format(folder, [V2]) == VERILOGEVAL_V2
    results = _eval(run_cli, folder, V2, bench_root, tmp_path / "o")
    got = {i: results[("Prob001_zero", i)] for i in range(4)}
    assert [got[i]["verdict"] for i in range(4)] == ["pass", "fail", "no-code", "pass"]
    assert got[3]["extraction"] == "sv-generate"  # a response without its .sv: extracted as sv-generate would
    report = (tmp_path / "o" / "report.md").read_text()
    assert "Sample format: **verilogeval-v2** (detected); 4 samples." in report
    assert "1 samples had no code (scored `no-code`), e.g. Prob001_zero#2 (`" in report
    assert "Prob001_zero_sample03.sv`)" in report
    with pytest.raises(SamplesError, match="holds one task's samples"):
        read_sample_set(folder, {V2: {"Prob001_zero"}, "verilogeval-v2-code-complete": {"Prob001_zero"}})


def _verdicts_csv(bench_root: Path) -> list[dict]:
    with open(bench_root / "rtllm_samples" / "verdicts.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def test_rtllm_trial_folders_as_shipped_by_rtllm(bench_root, rtllm_samples, iverilog_major, run_cli, tmp_path):
    """`<model>/t1/<design>.v` (RTLLM's own `_chatgpt4/t1/...`), scored and compared with verdicts.csv."""
    folder = rtllm_samples / "chatgpt4"
    assert detect_format(folder, ["rtllm-v2"]) == RTLLM
    results = _eval(run_cli, folder, "rtllm-v2", bench_root, tmp_path / "o", "--problems", "accu,adder_8bit,fsm")
    column = "verdict_iverilog11" if iverilog_major < 12 else "verdict_iverilog12"
    expected = {
        (r["problem"], int(r["trial"][1:]) - 1): r[column]
        for r in _verdicts_csv(bench_root)
        if r["benchmark"] == "rtllm_v2" and r["model"] == "chatgpt4" and r["problem"] in ("accu", "adder_8bit", "fsm")
    }
    assert len(expected) == 15 and {k: r["verdict"] for k, r in results.items()} == expected


def test_rtllm_design_folders_both_namings(tmp_path):
    folder = tmp_path / "samples"
    for design, names in (("accu", ["t1.v", "t2.v", "t10.v"]), ("alu", ["alu_1.v", "alu_2.v"])):
        (folder / design).mkdir(parents=True)
        for name in names:
            (folder / design / name).write_text(f"// {name}\nmodule {design}(); endmodule\n")
    sample_set = read_sample_set(folder, {"rtllm-v2": {"accu", "alu"}, "rtllm-v1.1": {"accu", "alu"}})
    assert sample_set.format == RTLLM and sample_set.detected
    got = sorted((a.benchmark, a.task_id, a.index, a.completion.split("\n")[0]) for a in sample_set.answers)
    assert got[:5] == [
        ("rtllm-v1.1", "accu", 0, "// t1.v"), ("rtllm-v1.1", "accu", 1, "// t2.v"), ("rtllm-v1.1", "accu", 2, "// t10.v"),
        ("rtllm-v1.1", "alu", 0, "// alu_1.v"), ("rtllm-v1.1", "alu", 1, "// alu_2.v"),
    ]
    assert len(got) == 10
    (folder / "nope").mkdir()
    (folder / "nope" / "t1.v").write_text("module nope(); endmodule\n")
    with pytest.raises(SamplesError, match=r"samples: design 'nope' is not a problem of rtllm-v2"):
        read_sample_set(folder, {"rtllm-v2": {"accu", "alu"}})


def test_detection_of_jsonl_kinds(tmp_path):
    responses = write_jsonl(tmp_path / "r.jsonl", [{"task_id": "zero", "completion": "```verilog\nmodule top_module(output zero); assign zero = 0; endmodule\n```"}])
    bodies = write_jsonl(tmp_path / "b.jsonl", [{"task_id": "zero", "completion": "  assign zero = 0;\nendmodule\n"}])
    assert detect_format(responses, [V1]) == JSONL
    assert detect_format(bodies, [V1]) == VERILOGEVAL_V1
    commented = write_jsonl(tmp_path / "k.jsonl", [
        {"task_id": "wire", "completion": "// The module top_module simply connects in to out\nassign out = in;\nendmodule\n"}])
    assert detect_format(commented, [V1]) == VERILOGEVAL_V1  # a comment naming the module is no header
    assert detect_format(bodies, ["rtllm-v2"]) == JSONL  # continuations exist only for v1
    assert detect_format(bodies, [V1, "verilogeval-v1-machine", "rtllm-v2"]) == VERILOGEVAL_V1  # --bench all
    with pytest.raises(SamplesError, match="'zero' is ambiguous .* name one benchmark with --bench"):
        read_sample_set(bodies, {V1: {"zero"}, "verilogeval-v1-machine": {"zero"}, "rtllm-v2": {"alu"}})
    only_v1 = read_sample_set(bodies, {V1: {"zero"}, "rtllm-v2": {"alu"}})
    assert only_v1.format == VERILOGEVAL_V1 and [(a.benchmark, a.kind) for a in only_v1.answers] == [(V1, "continuation")]
    assert detect_format(V1_PUBLISHED, [V1]) == VERILOGEVAL_V1
    with pytest.raises(SamplesError, match="need --bench verilogeval-v1"):
        read_sample_set(bodies, {"rtllm-v2": {"zero"}}, VERILOGEVAL_V1)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SamplesError, match="empty: no sample files found"):
        detect_format(empty, [V1])


def test_cli_errors_are_one_line(bench_root, run_cli, tmp_path):
    status, _, err = run_cli("eval", "--samples", V1_PUBLISHED, "--bench", V1, "--bench-root", bench_root,
                             "--out", tmp_path / "o", "--sample-format", "rtllm")
    assert status == 2 and err.strip().endswith("reads a folder (--samples DIR)") and "Traceback" not in err
    status, _, err = run_cli("eval", "--references", "--bench", V1, "--bench-root", bench_root, "--iverilog", tmp_path / "nope")
    assert status == 2 and "no such iverilog binary" in err


def test_identical_answers_are_simulated_once(bench_root, iverilog_major, run_cli, tmp_path):
    right = "module TopModule(output zero);\n  assign zero = 1'b0;\nendmodule"
    wrong = right.replace("1'b0", "1'b1")
    # sv-generate keeps what is between [BEGIN] and [DONE]: the prose before it makes no other file
    texts = [f"[BEGIN]\n{right}\n[DONE]", f"[BEGIN]\n{wrong}\n[DONE]"]
    texts += [f"Answer {i}:\n[BEGIN]\n{right if i % 3 else wrong}\n[DONE]" for i in range(17)]
    rows = [{"task_id": "Prob001_zero", "index": i, "completion": t} for i, t in enumerate(texts)]
    samples = write_jsonl(tmp_path / "s.jsonl", rows)
    results = _eval(run_cli, samples, V2, bench_root, tmp_path / "o")
    simulated = [r for r in results.values() if "duplicate_of" not in r]
    assert len(simulated) == 2  # one right, one wrong: 17 repeats reuse their verdicts
    for r in results.values():
        if "duplicate_of" in r:
            assert r["verdict"] == results[("Prob001_zero", r["duplicate_of"])]["verdict"] and r["seconds"] == 0.0
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["inputs"]["duplicates"] == 17
    assert summary["benchmarks"][V2]["per_problem"]["Prob001_zero"]["c"] == 12
    # more samples later: new repeats reuse the verdicts already on disk
    rows.append({"task_id": "Prob001_zero", "index": 19, "completion": texts[0] + "\n"})
    results = _eval(run_cli, write_jsonl(samples, rows), V2, bench_root, tmp_path / "o")
    assert results[("Prob001_zero", 19)]["duplicate_of"] == 0
