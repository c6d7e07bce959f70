"""OUT/report.md of `codev demo`: funnel, curves, scores and stage times, read back from what the stages wrote,
so the report can be rebuilt at any time from the run folder alone."""
from __future__ import annotations

import json
from pathlib import Path

from codev.train.metrics import read_metrics

REAL_RUN = """## What a real run changes
- **Model**: `model.path` in the train recipe: a 7B coder (Qwen2.5-Coder-7B-Instruct in CodeV-R1) instead of
  the ~0.6M-parameter tiny Llama; see `configs/codev_r1_7b.yaml` and `configs/gpu_small.yaml`.
- **Endpoint**: the synth config's `llm:` sections name an OpenAI-compatible endpoint (vLLM, DeepSeek-R1 for
  traces) instead of the replayed responses; `codev eval --endpoint URL --model-name NAME` scores served models.
- **Data**: your own corpus under `sources:` (tens of thousands of modules, not the shipped seed and generator).
- **GPU**: `accelerate launch --config_file configs/accelerate_zero3.yaml -m codev train sft|rl ...`
  (DeepSpeed ZeRO-3, bf16), vLLM for rollouts, and thousands of steps instead of a few; the checker pool
  scales with `reward.workers` (or Ray across nodes).
- The scores above are of the tiny model: they show the pipeline runs end to end, not what it can reach.
"""


RL_KEYS = ("reward", "reward/format_rate", "reward/pass_rate", "dapo/keep_ratio", "dapo/rounds",
           "completions/mean_length")


def _load(path: Path):
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _series(records: list[dict], key: str) -> list[float]:
    return [r[key] for r in records if isinstance(r.get(key), (int, float)) and "train_runtime" not in r]


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def _funnel(out: Path) -> list[str]:
    funnel = _load(out / "synth" / "funnel.json")
    if not funnel:
        return ["(no funnel: the synth stage has not finished)"]
    lines = ["| stage | in | kept | dropped (reason: count) |", "|---|---:|---:|---|"]
    for s in funnel["stages"]:
        dropped = ", ".join(f"{k}: {v}" for k, v in s["dropped"].items()) or "-"
        lines.append(f"| {s['name']} | {s['in']} | {s['kept']} | {dropped} |")
    lines.append("\nExamples of every drop: [synth/report.md](synth/report.md).")
    return lines


def _training(out: Path) -> list[str]:
    lines = ["| run | steps | first | last | curves |", "|---|---:|---|---|---|"]
    for name, key in (("sft", "loss"), ("rl", "reward")):
        records = read_metrics(out / name) if (out / name / "metrics.jsonl").is_file() else []
        values = _series(records, key)
        steps = max(_series(records, "step"), default=0)
        png = out / name / "curves.png"
        link = f"[{name}/curves.png]({name}/curves.png)" if png.is_file() else "-"
        lines.append(f"| {name} | {steps:.0f} | {key} {_fmt(values[0] if values else None)} | "
                     f"{key} {_fmt(values[-1] if values else None)} | {link} |")
    rl = read_metrics(out / "rl") if (out / "rl" / "metrics.jsonl").is_file() else []
    if rl:
        last = {key: (_series(rl, key) or [None])[-1] for key in RL_KEYS}
        lines.append("\nLast RL step: " + ", ".join(f"{key} {_fmt(value)}" for key, value in last.items()) + ".")
        lines += ["", *rl_verdict_table(rl)]
    for name in ("sft", "rl"):
        if (out / name / "curves.png").is_file():
            lines.append(f"\n![{name} curves]({name}/curves.png)")
    return lines


def rl_verdict_table(records: list[dict]) -> list[str]:
    """What the checker said about each RL step's well-formed answers (every generation round counted)."""
    steps = [r for r in records if "reward/format_rate" in r]
    kinds = sorted({k.split("/", 1)[1] for r in steps for k in r if k.startswith("verdicts/")})
    if not kinds:
        return ["(this RL run logged no checker verdicts)"]
    lines = ["Checker verdicts in the RL steps (completions with the answer format; the others earn 0 unjudged):", "",
             "| step | format rate | " + " | ".join(kinds) + " |", "|---:|---:|" + "---:|" * len(kinds)]
    totals = dict.fromkeys(kinds, 0.0)
    for r in steps:
        counts = [r.get(f"verdicts/{k}", 0) for k in kinds]
        for k, c in zip(kinds, counts):
            totals[k] += c
        lines.append(f"| {r['step']} | {100 * r['reward/format_rate']:.0f}% | " + " | ".join(f"{c:.0f}" for c in counts) + " |")
    lines.append("| all | | " + " | ".join(f"{totals[k]:.0f}" for k in kinds) + " |")
    if not any(totals.values()):
        lines.append("\nNo completion had the answer format (`<think>` then `<answer>` with a verilog block), so the "
                     "checker judged none: raise `rl.max_completion_length` or train the SFT stage longer.")
    return lines


def _scores(out: Path) -> list[str]:
    summary = _load(out / "eval" / "summary.json")
    if not summary:
        return ["(not scored: no benchmarks found; `codev bench fetch`, then rerun `codev demo`)"]
    lines = ["| benchmark | problems | samples | pass@1 | syntax rate |", "|---|---:|---:|---:|---:|"]
    for name, b in summary["benchmarks"].items():
        cells = [b.get("problems"), b.get("samples"), b.get("pass@1"), b.get("syntax_rate")]
        shown = [str(c) if i < 2 else ("-" if c is None else f"{100 * c:.1f}%") for i, c in enumerate(cells)]
        lines.append(f"| {name} | " + " | ".join(shown) + " |")
    for name, b in summary["benchmarks"].items():
        eq = b.get("equivalence")
        if eq:
            lines.append(f"\n{name}: the benchmark's testbench said {_counts(b.get('verdicts'))}; the equivalence "
                         f"checker against the reference said {_counts(eq['checker_verdicts'])} "
                         f"({eq['agree']}/{eq['compared']} comparable "
                         "samples agree).")
    lines.append("\nPer-sample results: [eval/report.md](eval/report.md).")
    return lines


def _counts(verdicts) -> str:
    return ", ".join(f"{k} {v}" for k, v in (verdicts or {}).items()) or "nothing"


def write_demo_report(out: Path, stages, times: dict[str, float]) -> Path:
    """OUT/report.md from the stage outputs under OUT; `stages` give the commands, `times` the seconds per stage."""
    lines = ["# codev demo", "",
             "The whole pipeline on built-in defaults, offline, on CPU: synthesis -> SFT -> adaptive DAPO -> eval.", "",
             "## Stages (wall time of the run that did the work)", "", "| stage | seconds | command |", "|---|---:|---|"]
    for stage in stages:
        seconds = times.get(stage.name)
        lines.append(f"| {stage.name} | {'-' if seconds is None else f'{seconds:.0f}'} | "
                     f"`codev {' '.join(stage.argv)}` |")
    lines.append(f"| total | {sum(times.values()):.0f} | |")
    lines += ["", "## Synthesis funnel", "", *_funnel(out), "", "## Training", "", *_training(out), "",
              "## Scores", "", *_scores(out), "", REAL_RUN]
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
