"""Curves (PNG) and a markdown summary of a run folder's metrics.jsonl."""
from __future__ import annotations

import math
from pathlib import Path

from .metrics import read_metrics

# panel title -> metrics drawn on it (only those present in the run)
PANELS = {
    "reward": ["reward", "reward/pass_rate", "reward/format_rate"],
    "dynamic sampling": ["dapo/keep_ratio", "dapo/rounds", "dapo/groups_short"],
    "prompts sampled per step": ["dapo/prompts_sampled"],
    "masked samples": ["masked/timeout", "masked/infra_error", "masked/invalid_golden"],
    "response length (tokens)": ["completions/mean_length", "completions/mean_terminated_length"],
    "rollouts without signal": ["rollout/clipped_share", "rollout/no_signal"],
    "policy": ["entropy", "clip_ratio/low_mean", "clip_ratio/high_mean", "kl"],
    "learning rate": ["learning_rate"],
    "seconds per step": ["time/generate", "time/reward", "time/update"],
    "loss": ["loss"],
    "self-play solve rate": ["selfplay/solve_rate/spec", "selfplay/solve_rate/deduction", "selfplay/solve_rate/induction"],
    "self-play proposals valid": ["selfplay/valid/spec", "selfplay/valid/deduction", "selfplay/valid/induction"],
}
MAX_CLIPPED_SHARE = 0.25  # share of a rollout's completions cut at the cap above which the report warns
SUMMARY_KEYS = ["loss", "reward", "reward/pass_rate", "reward/format_rate", "dapo/keep_ratio", "dapo/rounds",
                "dapo/prompts_sampled", "masked/timeout", "masked/infra_error", "masked/invalid_golden",
                "completions/mean_length", "rollout/clipped_share", "rollout/no_signal", "entropy",
                "clip_ratio/high_mean", "clip_ratio/low_mean", "kl", "learning_rate",
                "time/generate", "time/reward", "time/update", "mean_token_accuracy"]


def _series(records: list[dict], key: str) -> tuple[list[int], list[float]]:
    points = [(r["step"], r[key]) for r in records if isinstance(r.get(key), (int, float)) and math.isfinite(r[key])]
    return [p[0] for p in points], [p[1] for p in points]


def write_report(run_dir: str | Path) -> tuple[Path, Path]:
    """RUN_DIR/curves.png and RUN_DIR/report.md; returns their paths."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    run = Path(run_dir)
    records = [r for r in read_metrics(run) if "train_runtime" not in r]
    panels = {title: [k for k in keys if _series(records, k)[0]] for title, keys in PANELS.items()}
    panels = {t: ks for t, ks in panels.items() if ks}
    cols = 2
    rows = max(1, math.ceil(len(panels) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(11, 3 * rows), squeeze=False)
    for ax, (title, keys) in zip(axes.flat, panels.items()):
        for key in keys:
            ax.plot(*_series(records, key), marker=".", label=key)
        ax.set_title(title)
        ax.set_xlabel("step")
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    fig.tight_layout()
    png = run / "curves.png"
    fig.savefig(png, dpi=90)
    plt.close(fig)
    md = run / "report.md"
    md.write_text(_markdown(run, records), encoding="utf-8")
    return png, md


def warnings_of(records: list[dict]) -> list[str]:
    """Signs that a run trained on (almost) nothing: SFT rows cut at max_length, RL rollouts without signal."""
    out = []
    for r in records:
        if "data/truncated_share" in r and r["data/truncated_share"] > r.get("data/max_truncated_share", 0.1):
            out.append(f"SFT: {r['data/truncated_rows']} of {r['data/rows']} rows "
                       f"({100 * r['data/truncated_share']:.0f}%) longer than max_length={r['data/max_length']} "
                       f"(longest {r['data/longest_tokens']} tokens) were cut")
    rl = [r for r in records if isinstance(r.get("rollout/no_signal"), (int, float))]
    bad = [r for r in rl if r["rollout/no_signal"] > 0]
    if bad:
        clipped = sum(1 for r in bad if (r.get("rollout/clipped_share") or 0) >= 1.0)
        out.append(f"RL: {len(bad)} of {len(rl)} logged steps had no learning signal ({clipped} with every "
                   f"completion cut at max_completion_length, the others with no answer reaching the checker)")
    cut = [r["rollout/clipped_share"] for r in rl if r["rollout/no_signal"] == 0
           and (r.get("rollout/clipped_share") or 0) > MAX_CLIPPED_SHARE]
    if cut:  # not a stall, but a cut answer earns nothing: the demo's 384-token cap cut 60-75% and paid 0
        out.append(f"RL: {len(cut)} of {len(rl)} logged steps had more than {100 * MAX_CLIPPED_SHARE:.0f}% of their "
                   f"completions cut at max_completion_length (up to {100 * max(cut):.0f}%): raise it above the "
                   f"longest answer")
    return out


def _markdown(run: Path, records: list[dict]) -> str:
    stages = sorted({r.get("stage", "?") for r in records})
    lines = [f"# Run report: {run.name}", "", f"Stages: {', '.join(stages)}; logged steps: {len(records)}.", ""]
    flags = warnings_of(records)
    if flags:
        lines += ["## Warnings", ""] + [f"- **{f}**" for f in flags] + [""]
    lines += ["| metric | first | last | mean |", "|---|---|---|---|"]
    for key in SUMMARY_KEYS:
        _, values = _series(records, key)
        if values:
            lines.append(f"| {key} | {values[0]:.4g} | {values[-1]:.4g} | {sum(values) / len(values):.4g} |")
    totals = {k: sum(_series(records, k)[1]) for k in ("time/generate", "time/reward", "time/update")}
    if any(totals.values()):
        whole = sum(totals.values())
        split = ", ".join(f"{k.split('/')[1]} {v:.1f} s ({100 * v / whole:.0f}%)" for k, v in totals.items())
        lines += ["", f"Time split over logged steps: {split}."]
    lines += ["", "![curves](curves.png)", ""]
    return "\n".join(lines)
