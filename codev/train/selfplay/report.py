"""RUN_DIR/selfplay.md: the proposal funnel, solve rates per task type and quoted proposals of a self-play run."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..metrics import METRICS_FILE, read_metrics
from .buffer import PROPOSALS_FILE, TaskBuffer
from .tasks import TASK_TYPES
from .validate import REASONS

REPORT_FILE = "selfplay.md"


def funnel(buffer: TaskBuffer) -> dict[str, dict[str, int]]:
    """Per task type: proposed, valid, learnable (0 < solve rate < 1) and the count of each reject reason."""
    out: dict[str, dict[str, int]] = {}
    for t in TASK_TYPES:
        mine = [p for p in buffer.proposals if p.type == t]
        reasons = Counter(p.reason for p in mine if not p.valid)
        out[t] = {"proposed": len(mine), "valid": sum(p.valid for p in mine),
                  "learnable": sum(p.valid and p.solve_rate is not None and 0 < p.solve_rate < 1 for p in mine),
                  **{r: reasons[r] for r in REASONS if reasons[r]}}
    return out


def solve_rates(run_dir: Path) -> dict[str, tuple[float, float, int]]:
    """Per task type: (first logged, last logged, steps) solver solve rate on buffer tasks."""
    if not (run_dir / METRICS_FILE).is_file():
        return {}
    records = read_metrics(run_dir)
    out = {}
    for t in TASK_TYPES:
        values = [r[f"selfplay/solve_rate/{t}"] for r in records
                  if isinstance(r.get(f"selfplay/solve_rate/{t}"), (int, float))]
        if values:
            out[t] = (values[0], values[-1], len(values))
    return out


def quote(text: str, limit: int = 600) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + " ..."


def write_selfplay_report(run_dir: str | Path, examples: int = 3) -> Path:
    run = Path(run_dir)
    buffer = TaskBuffer(run)
    table = funnel(buffer)
    seeds = Counter(t.type for t in buffer.tasks if t.origin == "seed")
    proposed = Counter(t.type for t in buffer.tasks if t.origin == "proposed")
    lines = [f"# Self-play report: {run.name}", "",
             f"Rounds finished: {len(buffer.rounds)}; buffer: {len(buffer.tasks)} tasks "
             f"({sum(seeds.values())} seeds, {sum(proposed.values())} proposed).", "",
             "## Proposal funnel", "", "| type | proposed | valid | learnable | rejected by |", "|---|---|---|---|---|"]
    for t, row in table.items():
        why = ", ".join(f"{r} {row[r]}" for r in REASONS if row.get(r)) or "-"
        lines.append(f"| {t} | {row['proposed']} | {row['valid']} | {row['learnable']} | {why} |")
    rates = solve_rates(run)
    lines += ["", "## Solver solve rate on buffer tasks (per logged step)", "",
              "| type | first | last | steps | buffer tasks (seed + proposed) |", "|---|---|---|---|---|"]
    for t in TASK_TYPES:
        first, last, steps = rates.get(t, (float("nan"), float("nan"), 0))
        lines.append(f"| {t} | {first:.3f} | {last:.3f} | {steps} | {seeds[t]} + {proposed[t]} |")
    lines += ["", "## Proposals", ""]
    valid = [p for p in buffer.proposals if p.valid][:examples]
    invalid = [p for p in buffer.proposals if not p.valid][:examples]
    for p in valid + invalid:
        status = f"valid, solve rate {p.solve_rate}" if p.valid else f"rejected: {p.reason} ({quote(p.detail, 200)})"
        lines += [f"### round {p.round}, {p.type}: {status}, reward {p.reward:.2f}", "", "```", quote(p.text), "```", ""]
    path = run / REPORT_FILE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def has_selfplay(run_dir: str | Path) -> bool:
    return (Path(run_dir) / PROPOSALS_FILE).is_file() or (Path(run_dir) / "tasks.jsonl").is_file()
