"""The generator's evidence report (issue 18): N verified items, then what the run kept and dropped.

Runs `codev synth generate` (every family, levels 1..5, decontamination and the formal proof on: the
defaults) into OUT (resumed when it exists), then prints markdown from OUT/attempts.jsonl and OUT/rl.jsonl:
kept items per family and level; every candidate's fate (kept, exact duplicate, skeleton cap,
degenerate by reason, contaminated, failed); the skeleton-duplicate share of the kept items (items whose
golden has the same skeleton, i.e. the same code up to widths and constants, as another kept item); and
the benchmark coverage table (codev/synth/data/benchmark_coverage.yaml).

    python bench/generator_report.py [--n 500] [--seed 0] [--out runs/gen-report] [--jobs 2] [--report FILE]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from codev.synth.coverage import load_coverage, table
from codev.synth.generator import MAX_LEVEL
from codev.synth.generator.design import skeleton


def fate(attempt: dict) -> str:
    """One funnel row per candidate: degenerate ones by reason, duplicates split by kind."""
    status = attempt["status"]
    if status == "degenerate":
        return "degenerate: " + attempt["reason"].split(":")[0]
    if status == "duplicate":
        return "duplicate: skeleton cap" if "skeleton" in attempt["reason"] else "duplicate: same golden"
    return status


def report(out: Path) -> str:
    attempts = [json.loads(line) for line in (out / "attempts.jsonl").read_text().splitlines() if line.strip()]
    items = [json.loads(line) for line in (out / "rl.jsonl").read_text().splitlines() if line.strip()]
    lines = [f"Generator report: {len(items)} kept items of {len(attempts)} candidates ({out})", ""]
    kept = Counter((a["family"], a["level"]) for a in attempts if a["status"] == "kept")
    families = sorted({a["family"] for a in attempts})
    levels = range(1, MAX_LEVEL + 1)
    lines += ["| family | " + " | ".join(f"L{lv}" for lv in levels) + " | kept | candidates |",
              "|---" * (MAX_LEVEL + 3) + "|"]
    for family in families:
        tried = sum(a["family"] == family for a in attempts)
        lines.append(f"| {family} | " + " | ".join(str(kept[family, lv]) for lv in levels)
                     + f" | {sum(kept[family, lv] for lv in levels)} | {tried} |")
    fates = Counter(fate(a) for a in attempts)
    verified = sum(n for f, n in fates.items() if f == "kept" or f.startswith("degenerate") or f == "contaminated")
    lines += ["", "| candidates by fate | count | share of candidates |", "|---|---|---|"]
    lines += [f"| {f} | {n} | {n / len(attempts):.1%} |" for f, n in sorted(fates.items(), key=lambda kv: -kv[1])]
    degenerate = sum(n for f, n in fates.items() if f.startswith("degenerate"))
    lines += ["", f"Degenerate: {degenerate} of {verified} verified candidates ({degenerate / max(verified, 1):.1%}) "
              "dropped; by reason above."]
    by_family = Counter(a["family"] for a in attempts if a["status"] == "degenerate")
    if by_family:
        lines.append("Degenerate by family: " + ", ".join(f"{f} {n}" for f, n in by_family.most_common()) + ".")
    shapes = Counter(skeleton(item["golden"]) for item in items)
    shared = sum(n for n in shapes.values() if n > 1)
    lines += [f"Skeleton duplicates among kept items: {shared} of {len(items)} ({shared / max(len(items), 1):.1%}) share "
              f"their skeleton with another kept item ({len(shapes)} distinct skeletons).", ""]
    lines.append(table(load_coverage()))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("runs/gen-report"))
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--report", type=Path, help="also write the markdown here")
    parser.add_argument("--no-generate", action="store_true", help="only report on OUT as it is")
    args = parser.parse_args()
    if not args.no_generate:  # the documented command, decontamination and proofs on (its defaults)
        command = [sys.executable, "-m", "codev", "synth", "generate", "--n", str(args.n), "--seed", str(args.seed),
                   "--out", str(args.out)] + (["--jobs", str(args.jobs)] if args.jobs else [])
        done = subprocess.run(command, check=False)
        if done.returncode not in (0, 1):  # 1: fewer items than asked; still worth a report
            raise SystemExit(done.returncode)
    text = report(args.out)
    print(text)
    if args.report:
        args.report.write_text(text)


if __name__ == "__main__":
    main()
