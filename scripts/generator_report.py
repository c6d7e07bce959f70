"""A report on a generator output folder: kept items per family and level, what was dropped and why
(degenerate by reason, duplicates, contaminated, failed), the skeleton-duplicate share, the benchmark
coverage table, and a random sample of items to read.

    python scripts/generator_report.py runs/gen500 [--sample 20] [--seed 0] [--sample-out FILE]

Skeleton (codev.synth.generator.design.skeleton): the golden with comments and layout dropped,
identifiers renamed by first appearance and every number replaced by N: two items with one skeleton
differ only in widths and constants.
"""
from __future__ import annotations

import argparse
import json
import random
from collections import Counter, defaultdict
from pathlib import Path

from codev.synth.coverage import load_coverage, table
from codev.synth.generator.design import skeleton
from codev.synth.generator.store import iter_jsonl


def report(folder: Path, sample: int, seed: int) -> tuple[str, str]:
    attempts = list(iter_jsonl(folder / "attempts.jsonl"))
    rl = list(iter_jsonl(folder / "rl.jsonl"))
    sft = {row["id"]: row for row in iter_jsonl(folder / "sft.jsonl")}
    status = Counter(a["status"] for a in attempts)
    verified = sum(status[s] for s in ("kept", "degenerate", "contaminated"))
    lines = [f"# Generator report: {folder}", "",
             f"{len(attempts)} candidates: " + ", ".join(f"{n} {s}" for s, n in status.most_common()), "",
             f"Verified candidates: {verified}; dropped as degenerate: {status['degenerate']} "
             f"({100 * status['degenerate'] / max(verified, 1):.1f}% of verified)", ""]
    reasons = Counter(a["reason"].split(":")[0] for a in attempts if a["status"] == "degenerate")
    lines += ["| degenerate reason | items | share of verified |", "|---|---|---|"]
    lines += [f"| {r} | {n} | {100 * n / max(verified, 1):.1f}% |" for r, n in reasons.most_common()] or ["| - | 0 | 0% |"]
    contaminated = Counter(a["reason"].split(":")[0] for a in attempts if a["status"] == "contaminated")
    lines += ["", "Contaminated (dropped by decontamination): " +
              (", ".join(f"{n} by {r}" for r, n in contaminated.items()) or "none"), ""]
    per = defaultdict(Counter)
    for row in rl:
        meta = json.loads(row["meta"])
        per[meta["family"]][meta["level"]] += 1
    lines += ["| family | L1 | L2 | L3 | L4 | L5 | kept | degenerate |", "|---|---|---|---|---|---|---|---|"]
    degenerate_by = Counter(a["family"] for a in attempts if a["status"] == "degenerate")
    for family in sorted(set(per) | set(degenerate_by)):
        c = per[family]
        lines.append(f"| {family} | " + " | ".join(str(c[level]) for level in range(1, 6))
                     + f" | {sum(c.values())} | {degenerate_by[family]} |")
    skeletons = Counter(skeleton(row["golden"]) for row in rl)
    shared = sum(n for n in skeletons.values() if n > 1)
    lines += ["", f"Skeleton duplicates: {shared} of {len(rl)} kept items ({100 * shared / max(len(rl), 1):.1f}%) "
              f"share a skeleton with another kept item; {len(skeletons)} distinct skeletons.", "",
              "## Benchmark coverage (codev/synth/data/benchmark_coverage.yaml)", "", table(load_coverage())]
    rng = random.Random(seed)
    picked = rng.sample(rl, min(sample, len(rl)))
    items = []
    for row in picked:
        messages = sft[row["id"]]["messages"]
        items.append(f"===== {row['id']} ({row['source']}, level {row['difficulty']})\n--- spec\n"
                     f"{messages[1]['content']}\n--- answer\n{messages[2]['content']}\n")
    return "\n".join(lines) + "\n", "\n".join(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample-out", type=Path, help="write the sampled items here (default: not written)")
    args = parser.parse_args()
    text, items = report(args.folder, args.sample, args.seed)
    print(text)
    if args.sample_out:
        args.sample_out.write_text(items, encoding="utf-8")


if __name__ == "__main__":
    main()
