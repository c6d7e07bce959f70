"""SFT then adaptive DAPO on the tiny model with the real checker, in one process and under accelerate (2 CPUs)."""
from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from codev.cli import main
from codev.train.metrics import read_metrics

ROOT = Path(__file__).resolve().parents[2]
# configs/tiny_cpu.yaml with room for the hand-written rows' short answers (the recipe allows generator-length
# answers, 2,048 tokens, which an undertrained tiny model fills with noise: minutes per test on 2 cores)
_TEXT = (ROOT / "configs" / "tiny_cpu.yaml").read_text()
assert "max_completion_length: 2048" in _TEXT
CONFIG = str(Path(tempfile.mkdtemp(prefix="codev-tiny-")) / "tiny_test.yaml")
Path(CONFIG).write_text(_TEXT.replace("max_completion_length: 2048", "max_completion_length: 64"))


def _env() -> dict:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_DATASETS_OFFLINE="1")
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{env.get('PYTHONPATH', '')}"
    return env


@pytest.fixture(scope="module")
def sft_model(tmp_path_factory) -> tuple[Path, Path]:
    from .conftest import rl_rows, sft_rows, write_jsonl

    data = tmp_path_factory.mktemp("data")
    write_jsonl(data / "rl.jsonl", rl_rows())
    write_jsonl(data / "sft.jsonl", sft_rows() * 4)
    out = tmp_path_factory.mktemp("sft")
    # stop half way, then rerun: the second run resumes from the checkpoint instead of starting over
    assert main(["train", "sft", "--config", CONFIG, "--data", str(data), "--output-dir", str(out),
                 "--max-steps", "30"]) == 0
    assert main(["train", "sft", "--config", CONFIG, "--data", str(data), "--output-dir", str(out)]) == 0
    steps = [r["step"] for r in read_metrics(out) if "loss" in r]
    assert steps == [10, 20, 30, 40, 50, 60]  # no step trained twice
    losses = [r["loss"] for r in read_metrics(out) if "loss" in r]
    assert losses[-1] < losses[0] - 1.0
    return data, out / "final"


def _check_rl_run(out: Path, processes: int) -> None:
    records = [r for r in read_metrics(out) if "dapo/rounds" in r]
    assert [r["step"] for r in records] == [1, 2]
    for r in records:
        assert 1 <= r["dapo/rounds"] <= 3
        assert r["dapo/prompts_sampled"] >= 2
        assert 0 < r["dapo/keep_ratio"] <= 1
        assert math.isfinite(r["loss"])
        assert r["time/generate"] > 0 and r["time/reward"] > 0
        for key in ("reward/pass_rate", "reward/format_rate", "masked/timeout", "masked/infra_error",
                    "completions/mean_length", "time/update", "verdicts/equivalent", "verdicts/compile_error"):
            assert key in r
    assert (out / "final" / "model.safetensors").is_file()
    assert list(out.glob("runs/*/events.out.tfevents.*")), "TensorBoard events missing"


def test_rl_one_process(sft_model, tmp_path):
    data, model = sft_model
    out = tmp_path / "rl"
    assert main(["train", "rl", "--config", CONFIG, "--data", str(data), "--model", str(model),
                 "--output-dir", str(out)]) == 0
    _check_rl_run(out, 1)
    assert main(["train", "report", str(out)]) == 0
    report = (out / "report.md").read_text()
    assert "| dapo/keep_ratio |" in report and "Time split" in report
    assert (out / "curves.png").stat().st_size > 10_000


@pytest.mark.slow  # a long end-to-end run (the one-process/one-pool test stays fast): `make test-slow`
def test_rl_two_processes_under_accelerate(sft_model, tmp_path):
    data, model = sft_model
    out = tmp_path / "rl2"
    cmd = [sys.executable, "-m", "accelerate.commands.launch", "--num_processes", "2", "--cpu",
           "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no", "-m", "codev",
           "train", "rl", "--config", CONFIG, "--data", str(data), "--model", str(model), "--output-dir", str(out)]
    proc = subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    _check_rl_run(out, 2)


def test_bad_recipe_is_one_line_error(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("rl:\n  prompts_per_step: two\n")
    assert main(["train", "rl", "--config", str(bad), "--data", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "bad.yaml" in err and "prompts_per_step" in err
    assert main(["train", "sft", "--config", CONFIG, "--data", str(tmp_path / "missing.jsonl")]) == 2
    assert "missing.jsonl" in capsys.readouterr().err


def test_heldout_pass_at_1(sft_model):
    from codev.train.checker_client import RewardChecker
    from codev.train.heldout import score_model
    from testbench_gen import CheckOptions

    from .conftest import rl_rows

    rows = rl_rows()[:2]
    with RewardChecker(CheckOptions(cycles=100), workers=2) as checker:
        score = score_model(str(sft_model[1]), rows, checker, samples=2, temperature=0.5, max_tokens=64)
    assert score.problems == 2 and score.samples == 4
    assert 0.0 <= score.pass_at_1 <= 1.0 and 0.0 <= score.format_rate <= 1.0
    assert score.seconds_generate > 0


def test_sft_lora_with_packing_saves_a_plain_model(tmp_path):
    from transformers import AutoModelForCausalLM

    from .conftest import sft_rows, write_jsonl

    write_jsonl(tmp_path / "sft.jsonl", sft_rows())
    recipe = tmp_path / "lora.yaml"
    recipe.write_text("model:\n  path: tiny\n  lora: true\n  lora_r: 4\n  lora_targets: [q_proj, v_proj]\n"
                      "sft:\n  max_steps: 2\n  batch_size: 4\n  packing: true\n  max_length: 256\n  save_steps: 10\n")
    out = tmp_path / "run"
    assert main(["train", "sft", "--config", str(recipe), "--data", str(tmp_path), "--output-dir", str(out)]) == 0
    model = AutoModelForCausalLM.from_pretrained(out / "final")  # the adapter is folded in: a plain Llama
    assert not any("lora" in name for name, _ in model.named_parameters())


def _recipe(tmp_path: Path, name: str, rl_body: str) -> str:
    path = tmp_path / name
    path.write_text(Path(CONFIG).read_text().split("\nrl:\n")[0] + "\nrl:\n" + rl_body)
    return str(path)


def test_rl_ratio_moves_clipping_acts_and_lr_follows_the_schedule(sft_model, tmp_path):
    """num_iterations 2: the second pass over a rollout sees a moved policy (ratio != 1), so the clip
    fractions leave 0; the applied learning rate per step is the configured linear warm-up and decay."""
    data, model = sft_model
    # the soft overlong punishment spreads the rewards within every group, so advantages are never all 0
    config = _recipe(tmp_path, "clip.yaml", (
        "  max_steps: 4\n  learning_rate: 0.05\n  lr_scheduler: linear\n  warmup_ratio: 0.5\n"
        "  prompts_per_step: 2\n  num_generations: 4\n  steps_per_generation: 1\n  num_iterations: 2\n"
        "  max_completion_length: 48\n  overlong_buffer: 46\n  mask_truncated: false\n  temperature: 1.0\n"
        "  epsilon: 0.2\n  epsilon_high: 0.28\n  sampling: {dynamic: false}\n"
        "  reward: {workers: 2, cycles: 50}\n  save_steps: 10\n  logging_steps: 1\n  stall_steps: 0\n"))
    out = tmp_path / "clip"
    assert main(["train", "rl", "--config", config, "--data", str(data), "--model", str(model),
                 "--output-dir", str(out)]) == 0
    records = [r for r in read_metrics(out) if "loss" in r]
    assert [r["step"] for r in records] == [1, 2, 3, 4]
    # linear, 2 warm-up steps of 4: optimizer step s applies 0.05 * [0, 1/2, 1, 1/2][s - 1] (the schedule's
    # value before its own step: warm-up starts at 0)
    assert [r["learning_rate"] for r in records] == pytest.approx([0.0, 0.025, 0.05, 0.025])
    # steps 2 and 4 re-use the rollouts of steps 1 and 3. Step 1 applied lr 0, so step 2 still sees ratio 1
    # and nothing is clipped; step 3 applied 0.05, so step 4 sees a moved policy and clipping acts
    clipped = [r["clip_ratio/low_mean"] + r["clip_ratio/high_mean"] for r in records]
    assert clipped[:3] == [0.0, 0.0, 0.0]
    assert clipped[3] > 0.0


def test_rl_stops_when_every_completion_is_clipped(sft_model, tmp_path, capsys):
    data, model = sft_model
    config = _recipe(tmp_path, "clipped.yaml", (
        "  max_steps: 5\n  prompts_per_step: 2\n  num_generations: 2\n  max_completion_length: 3\n"
        "  sampling: {dynamic: false}\n  reward: {workers: 1, cycles: 50}\n  stall_steps: 2\n"
        "  save_steps: 10\n  logging_steps: 1\n"))
    out = tmp_path / "clipped"
    assert main(["train", "rl", "--config", config, "--data", str(data), "--model", str(model),
                 "--output-dir", str(out)]) == 1
    err = capsys.readouterr().err
    assert "2 rollouts in a row without a learning signal" in err and "max_completion_length" in err
    assert not (out / "final").exists()
    assert main(["train", "report", str(out)]) == 0
    assert "no learning signal" in capsys.readouterr().out


def test_sft_warns_about_cut_rows_and_report_flags_them(tmp_path, caplog, capsys):
    from .conftest import sft_rows, write_jsonl

    write_jsonl(tmp_path / "sft.jsonl", sft_rows())
    out = tmp_path / "cut"
    recipe = tmp_path / "cut.yaml"
    recipe.write_text("model: {path: tiny}\nsft: {max_steps: 1, max_length: 16, batch_size: 2, save_steps: 10}\n")
    with caplog.at_level("WARNING"):
        assert main(["train", "sft", "--config", str(recipe), "--data", str(tmp_path), "--output-dir", str(out)]) == 0
    assert "6 of 6 SFT rows (100%) are longer than sft.max_length=16" in caplog.text
    assert main(["train", "report", str(out)]) == 0
    assert "SFT: 6 of 6 rows (100%) longer than max_length=16" in capsys.readouterr().out
