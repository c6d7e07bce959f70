"""`codev demo`: the stages run in order as ordinary commands, the report reads back what they wrote, a rerun
skips finished stages, and a bad recipe is a one-line error."""
from __future__ import annotations

import json
from pathlib import Path

import yaml

from codev.config import read_mapping

from codev.cli import main
from codev.cli.demo_report import rl_verdict_table

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def minimal_config(tmp_path: Path) -> Path:
    """configs/demo.yaml shrunk: few generator items, two SFT steps, one RL step, two problems to score."""
    data = read_mapping(CONFIGS / "demo.yaml")
    for section in ("synth", "train"):
        data[section]["base"] = str(CONFIGS / data[section]["base"])
    data["synth"]["override"]["generator"]["n"] = 3
    data["train"]["override"]["model"] = {"tiny_hidden": 32, "tiny_layers": 2, "tiny_vocab": 512}
    data["train"]["override"]["sft"].update(max_steps=2, save_steps=1, logging_steps=1)
    data["train"]["override"]["rl"].update(max_steps=1, max_completion_length=32)
    data["eval"].update(problems=["Prob001_zero", "adder_8bit"], max_tokens=16)
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_demo_recipe_is_complete():
    data = read_mapping(CONFIGS / "demo.yaml")
    assert {"synth", "train", "eval"} <= set(data)
    for section in ("synth", "train"):
        assert (CONFIGS / data[section]["base"]).is_file()


def test_synth_stage_report_and_resume(tmp_path, bench_root, capsys):
    out = tmp_path / "demo"
    args = ["demo", "--out", str(out), "--config", str(minimal_config(tmp_path)), "--bench-root", str(bench_root),
            "--stop-after", "synth"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "[1/4] synth: codev synth run" in printed
    assert "SFT rows" in printed
    sft_rows = sum(1 for _ in (out / "synth" / "sft.jsonl").open())
    assert sft_rows >= 3  # the generator items at least
    assert "generator" in read_mapping(out / "synth.yaml")
    report = (out / "report.md").read_text()
    funnel = json.loads((out / "synth" / "funnel.json").read_text())["stages"]
    assert f"| {funnel[0]['name']} | {funnel[0]['in']} | {funnel[0]['kept']} |" in report
    assert "| synth |" in report and "codev synth run" in report
    first_time = json.loads((out / "stage_times.json").read_text())["synth"]

    assert main(args) == 0  # rerun: the finished stage is skipped, its time kept
    assert "synth: done in an earlier run, skipped" in capsys.readouterr().out
    assert json.loads((out / "stage_times.json").read_text())["synth"] == first_time


def test_bad_recipe_is_one_line_error(tmp_path, capsys):
    bad = tmp_path / "demo.yaml"
    bad.write_text("synth: {base: nowhere.yaml}\ntrain: {base: t.yaml}\neval: {bench: [rtllm-v2], problems: [alu]}\n")
    assert main(["demo", "--out", str(tmp_path / "o"), "--config", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "nowhere.yaml" in err and str(bad) in err
    stages = "synth: {base: s.yaml}\ntrain: {base: t.yaml}\n"
    bad.write_text(stages + "eval: {bench: [rtllm-v2]}\n")
    assert main(["demo", "--out", str(tmp_path / "o"), "--config", str(bad)]) == 2
    assert "eval: missing key(s) problems" in capsys.readouterr().err
    bad.write_text(stages + "eval: {bench: [rtllm-v2], problems: []}\n")
    assert main(["demo", "--out", str(tmp_path / "o"), "--config", str(bad)]) == 2
    assert "problems must be a non-empty list" in capsys.readouterr().err
    bad.write_text(stages + "eval: {bench: [rtllm-v2], problems: [alu]}\ntorch_threads: 0\n")
    assert main(["demo", "--out", str(tmp_path / "o"), "--config", str(bad)]) == 2
    assert "torch_threads must be a whole number >= 1" in capsys.readouterr().err
    bad.write_text(stages + "eval: {bench: [rtllm-v2], problems: [alu], n: two}\n")
    assert main(["demo", "--out", str(tmp_path / "o"), "--config", str(bad)]) == 2
    assert "eval: n: expected an integer" in capsys.readouterr().err
    assert main(["demo", "--config", str(tmp_path / "missing.yaml")]) == 2
    assert "missing.yaml: no such file" in capsys.readouterr().err


def test_whole_demo_on_a_minimal_recipe(tmp_path, bench_root, capsys):
    out = tmp_path / "demo"
    args = ["demo", "--out", str(out), "--config", str(minimal_config(tmp_path)), "--bench-root", str(bench_root)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    for i, stage in enumerate(("synth", "sft", "rl", "eval"), 1):
        assert f"[{i}/4] {stage}: codev " in printed
    assert (out / "rl" / "final").is_dir() and (out / "sft" / "curves.png").is_file()
    summary = json.loads((out / "eval" / "summary.json").read_text())
    assert summary["benchmarks"]["rtllm-v2"]["problems"] == 1
    report = (out / "report.md").read_text()
    assert "| verilogeval-v2-spec-to-rtl | 1 | 1 |" in report and "rl/curves.png" in report
    assert "Checker verdicts in the RL steps" in report and "| 1 |" in report  # one row per RL step
    assert "the equivalence checker against the reference said" in report  # eval runs with --equivalence
    assert main(args) == 0
    assert capsys.readouterr().out.count("done in an earlier run, skipped") == 4


def test_rl_verdict_table_sums_the_steps():
    records = [{"step": 1, "reward/format_rate": 0.5, "verdicts/equivalent": 1, "verdicts/mismatch": 3},
               {"step": 1, "loss": 0.1},  # a plain log line: not a step row
               {"step": 2, "reward/format_rate": 0.25, "verdicts/equivalent": 0, "verdicts/mismatch": 2}]
    lines = rl_verdict_table(records)
    assert "| step | format rate | equivalent | mismatch |" in lines
    assert "| 1 | 50% | 1 | 3 |" in lines and "| 2 | 25% | 0 | 2 |" in lines
    assert lines[-1] == "| all | | 1 | 5 |"
    assert "No completion had the answer format" in rl_verdict_table([{"step": 1, "reward/format_rate": 0.0,
                                                                   "verdicts/equivalent": 0}])[-1]
