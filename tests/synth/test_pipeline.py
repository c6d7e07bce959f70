"""`codev synth run` on the built-in config: contract outputs, resume, refusal to mix runs, and kill -9."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from codev.synth.records import RLItem, SFTItem

from .conftest import DEFAULT_CONFIG, REPO, read_jsonl, seed_config

STAGE_FILES = ("ingest", "filter", "dedup", "decontam", "degenerate", "roundtrip", "difficulty")


@pytest.fixture(scope="module")
def builtin_run(tmp_path_factory, bench_root):
    """The built-in run (seed corpus, replayed responses, generator items), as `make demo` does it."""
    from codev.cli import main

    out = tmp_path_factory.mktemp("synth") / "run"
    status = main(["synth", "run", "--config", str(DEFAULT_CONFIG), "--out", str(out), "--bench-root", str(bench_root),
                   "--no-progress"])
    assert status == 0
    return out


def test_builtin_run_writes_the_contract(builtin_run, iverilog):
    from datasets import load_from_disk

    funnel = json.loads((builtin_run / "funnel.json").read_text())["stages"]
    by_name = {s["name"]: s for s in funnel}
    assert list(by_name) == ["ingest", "filter", "dedup", "decontam", "degenerate", "roundtrip", "difficulty",
                             "generator", "generator_degenerate", "generator_decontam"]
    for stage in funnel:
        assert set(stage) == {"name", "in", "kept", "dropped"}
        assert stage["in"] == stage["kept"] + sum(stage["dropped"].values())
    assert by_name["filter"]["dropped"] == {"compile_error": 1, "parse_error": 1, "no_interface": 1,
                                            "forbidden_construct": 1}
    assert by_name["dedup"]["dropped"] == {"exact_duplicate": 1, "near_duplicate": 1}
    assert by_name["roundtrip"]["dropped"] == {"mismatch": 1, "interface_mismatch": 1, "compile_error": 1, "no_code": 1}
    # the seed's full_adder is VerilogEval's fadd with other port names (ci, s, co): only the port bijection sees it
    assert by_name["decontam"]["dropped"] == {"function": 1}
    assert by_name["degenerate"] == {"name": "degenerate", "in": 7, "kept": 7, "dropped": {}}  # no seed item is degenerate
    assert by_name["roundtrip"]["kept"] == 3 and by_name["difficulty"]["kept"] == 1
    assert by_name["generator_degenerate"]["in"] == by_name["generator"]["kept"]
    assert by_name["generator_decontam"]["in"] == by_name["generator_degenerate"]["kept"]

    sft = [SFTItem.from_row(r) for r in read_jsonl(builtin_run / "sft.jsonl")]
    rl = [RLItem.from_row(r) for r in read_jsonl(builtin_run / "rl.jsonl")]
    assert len(sft) == 3 + by_name["generator_decontam"]["kept"] and len(rl) == 1 + by_name["generator_decontam"]["kept"]
    round_trip = [s for s in sft if s.source == "roundtrip/seed"]
    for item in round_trip:
        assert [m["role"] for m in item.messages] == ["system", "user", "assistant"]
        assert "<think>" in item.messages[2]["content"] and "```verilog" in item.messages[2]["content"]
        assert item.meta["licence"] == "Apache-2.0" and item.meta["path"].endswith(".v")
    hard = [r for r in rl if r.source == "roundtrip/seed"]
    assert {r.meta["top"] for r in hard} == {"edge_detect"}
    assert all(r.difficulty == 3 and r.meta["passes"] == 0 and json.loads(r.interface)["ports"] for r in hard)
    assert len(load_from_disk(str(builtin_run / "sft"))) == len(sft)
    assert load_from_disk(str(builtin_run / "rl")).column_names == list(RLItem.__dataclass_fields__)

    report = (builtin_run / "report.md").read_text()
    for stage in funnel:
        for reason in stage["dropped"]:
            assert f"| {reason} |" in report
    assert "port y is 5 bits wide" in report and "decontamination: 0 by text (8-gram Dice), 0 by Rouge-L, 1 by function" in report
    assert "fadd: equivalent to the reference (ports ci->cin, co->cout, s->sum)" in report
    assert "decontamination of generator items: 0 by text (8-gram Dice), 0 by Rouge-L, " \
        f"{sum(by_name['generator_decontam']['dropped'].values())}" in report


def test_rerun_resumes_without_new_work(builtin_run, synth_cli, bench_root):
    before = {f: (builtin_run / "stages" / f"{f}.jsonl").read_text() for f in STAGE_FILES}
    status, out, err = synth_cli("run", "--config", DEFAULT_CONFIG, "--out", builtin_run, "--bench-root", bench_root,
                                 "--no-progress")
    assert status == 0, err
    after = {f: (builtin_run / "stages" / f"{f}.jsonl").read_text() for f in STAGE_FILES}
    assert after == before
    assert '"requests": 0' in (builtin_run / "report.md").read_text()  # no LLM call this time


def test_a_folder_with_numbered_stage_files_still_resumes(builtin_run, synth_cli, bench_root, tmp_path):
    """Checkpoints were stages/NN_name.jsonl before they were named by stage: such a folder resumes as is."""
    import shutil

    old = tmp_path / "old"
    shutil.copytree(builtin_run, old)
    before = {f: (old / "stages" / f"{f}.jsonl").read_text() for f in STAGE_FILES}
    for number, name in enumerate(STAGE_FILES, 1):
        for suffix in (".jsonl", ".done"):
            (old / "stages" / f"{name}{suffix}").rename(old / "stages" / f"{number:02d}_{name}{suffix}")
    status, _, err = synth_cli("run", "--config", DEFAULT_CONFIG, "--out", old, "--bench-root", bench_root,
                               "--no-progress")
    assert status == 0, err
    assert {f: (old / "stages" / f"{f}.jsonl").read_text() for f in STAGE_FILES} == before
    assert not list((old / "stages").glob("0*")) and '"requests": 0' in (old / "report.md").read_text()


def test_other_settings_in_the_same_folder_are_refused(builtin_run, synth_cli, bench_root, tmp_path):
    config = seed_config(tmp_path, bench_root)
    status, _, err = synth_cli("run", "--config", config, "--out", builtin_run, "--no-progress")
    assert status == 2 and "holds a run with other settings" in err


def test_bad_config_is_one_line_error(synth_cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: [{kind: seed}]\nroundtrip: {llm: {kind: replay, path: x.jsonl, temprature: 1}}\n")
    status, _, err = synth_cli("run", "--config", bad, "--out", tmp_path / "o")
    assert status == 2 and "temprature" in err and "Traceback" not in err
    status, _, err = synth_cli("run", "--config", tmp_path / "none.yaml", "--out", tmp_path / "o")
    assert status == 2 and "none.yaml: no such file" in err


def _run(config: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen([sys.executable, "-m", "codev", "synth", "run", "--config", str(config), "--out", str(out),
                             "--no-progress"], env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _valid_rows(path: Path) -> list[dict]:
    """JSON lines, skipping one a kill tore (the reader does the same)."""
    rows = []
    for line in path.read_text().splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return rows


def _lines(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory, bench_root):
    """The built-in corpus without generator items, one checkpoint per item (chunk 1), run without a kill."""
    tmp = tmp_path_factory.mktemp("ref")
    config = seed_config(tmp, bench_root)
    proc = _run(config, tmp / "ref")
    assert proc.wait(timeout=300) == 0, proc.stderr.read().decode()
    return config, tmp / "ref"


@pytest.mark.parametrize("stage, at_least", [("filter", 3), ("roundtrip", 2)])
def test_kill_9_mid_stage_then_resume_loses_and_duplicates_nothing(uninterrupted, tmp_path, stage, at_least,
                                                                     iverilog):
    config, reference = uninterrupted
    out = tmp_path / "killed"
    proc = _run(config, out)
    target = out / "stages" / f"{stage}.jsonl"
    deadline = time.monotonic() + 400  # a guard only: on a loaded machine the stages before take minutes
    while _lines(target) < at_least and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the run finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = _lines(target)
    assert not (out / "funnel.json").exists() and at_least <= done < _lines(reference / "stages" / f"{stage}.jsonl")
    before = target.read_text()

    resumed = _run(config, out)
    assert resumed.wait(timeout=300) == 0, resumed.stderr.read().decode()
    for name in STAGE_FILES:
        ids = [r["id"] for r in read_jsonl(out / "stages" / f"{name}.jsonl") if "status" in r]
        ref_ids = [r["id"] for r in read_jsonl(reference / "stages" / f"{name}.jsonl") if "status" in r]
        assert Counter(ids) == Counter(ref_ids) and len(set(ids)) == len(ids), name
    assert target.read_text().startswith(before)  # what was recorded before the kill stays, nothing is redone
    for name in ("roundtrip", "difficulty"):  # every LLM answer asked for once, none twice (a torn line aside)
        keys = [row["key"] for row in _valid_rows(out / "llm" / f"{name}.jsonl")]
        ref_keys = [r["key"] for r in read_jsonl(reference / "llm" / f"{name}.jsonl")]
        assert sorted(keys) == sorted(ref_keys), name
    for name in ("sft.jsonl", "rl.jsonl", "funnel.json"):
        assert (out / name).read_text() == (reference / name).read_text(), name


@pytest.mark.parametrize("text, message", [
    ("sources: {kind: seed}\n", "sources: expected a list"),
    ("sources: [{kind: seed}]\njobs: two\n", "jobs: expected an integer, got 'two'"),
    ("sources: [{kind: seed}]\nfilters: {max_lines: many}\n", "filters: max_lines: expected an integer"),
    ("sources: [{kind: seed, columns: text}]\n", "sources[0]: columns: expected a mapping"),
    ("sources: [{kind: git, path: x}]\n", "kind 'git' is not one of"),
    ("sources: [{kind: seed}]\ndifficulty: {k: 0}\n", "must be >= 1"),
])
def test_config_mistakes_name_the_file_and_key(synth_cli, tmp_path, text, message):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(text)
    status, _, err = synth_cli("run", "--config", cfg, "--out", tmp_path / "o")
    assert status == 2 and message in err and str(cfg) in err and "Traceback" not in err


def test_roundtrip_and_difficulty_commands_on_their_own(builtin_run, synth_cli, tmp_path, iverilog):
    items = tmp_path / "items.jsonl"
    items.write_text("".join(json.dumps(r["item"]) + "\n" for r in read_jsonl(builtin_run / "stages" / "decontam.jsonl")
                             if r.get("status") == "kept"))
    status, out, err = synth_cli("roundtrip", "--input", items, "--config", DEFAULT_CONFIG, "--out", tmp_path / "rt",
                                 "--no-progress")
    assert status == 0, err
    assert json.loads(out)["kept"] == 3 and len(read_jsonl(tmp_path / "rt" / "dropped.jsonl")) == 4
    status, out, err = synth_cli("difficulty", "--input", tmp_path / "rt" / "kept.jsonl", "--config", DEFAULT_CONFIG,
                                 "--out", tmp_path / "diff", "--no-progress")
    assert status == 0, err
    kept = read_jsonl(tmp_path / "diff" / "kept.jsonl")
    assert sorted(k["top"] for k in kept) == ["edge_detect"] and all(k["data"]["passes"] == 0 for k in kept)


def test_a_round_trip_without_a_model_is_refused_up_front(synth_cli, tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("sources: [{kind: seed}]\n")
    status, _, err = synth_cli("run", "--config", cfg, "--out", tmp_path / "o")
    assert status == 2 and "roundtrip.llm is missing" in err and not (tmp_path / "o").exists()


class NoEdgeDetectors:
    """A new item stage, written as a stage module would be: drops designs whose top is named like an edge detector."""
    name = "no_edge_detect"

    def prime(self, kept) -> None:
        pass

    def process(self, items):
        from codev.synth.store import Outcome

        for item in items:
            yield Outcome(item, "edge" not in item.top, "" if "edge" not in item.top else "edge_detector", item.top)


def test_a_new_stage_is_one_registry_entry(synth_cli, bench_root, tmp_path, monkeypatch):
    """Issue 19's evidence: a stage is its module (here the class above) plus one ItemStage in pipeline.py; its
    checkpoint is named, the funnel, report and outputs follow, and no other stage's file moves."""
    from codev.synth import pipeline

    chain = list(pipeline.ITEM_STAGES)
    after = [s.name for s in chain].index("decontam") + 1
    chain.insert(after, pipeline.ItemStage("no_edge_detect", lambda c: True, lambda ctx: NoEdgeDetectors()))
    monkeypatch.setattr(pipeline, "ITEM_STAGES", chain)
    out = tmp_path / "run"
    status, _, err = synth_cli("run", "--config", seed_config(tmp_path, bench_root), "--out", out, "--no-progress")
    assert status == 0, err
    assert sorted(p.name for p in (out / "stages").glob("*.jsonl")) == sorted(
        f"{name}.jsonl" for name in (*STAGE_FILES, "no_edge_detect"))
    funnel = {s["name"]: s for s in json.loads((out / "funnel.json").read_text())["stages"]}
    assert list(funnel) == ["ingest", "filter", "dedup", "decontam", "no_edge_detect", "degenerate", "roundtrip",
                            "difficulty"]
    assert funnel["no_edge_detect"]["dropped"] == {"edge_detector": 1}
    assert funnel["degenerate"]["in"] == funnel["no_edge_detect"]["kept"]
    assert funnel["roundtrip"]["in"] == funnel["degenerate"]["kept"]
    assert "| edge_detector |" in (out / "report.md").read_text()
    assert not [r for r in read_jsonl(out / "rl.jsonl") if "edge" in r["meta"].get("top", "")]
