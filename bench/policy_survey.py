"""Which benchmark references and RTLLM model samples the candidate policy would reject, and why.

A policy that rejects correct references is wrong; this prints, per corpus, how many files each rule
fires on (`#` delays among them), so a rule's cost on real designs is a measured number.
Usage: python bench/policy_survey.py [BENCH_ROOT]   (default: $CODEV_BENCH_ROOT, the fetched copy, ../shared/benchmarks)
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

from testbench_gen.design.policy import scan


class Text:
    """A reference that lives inside a JSONL file (VerilogEval v1: prompt + canonical solution)."""

    def __init__(self, text: str):
        self.text = text

    def read_text(self, errors: str = "strict") -> str:
        return self.text


def verilogeval_v1(root: Path) -> list[Text]:
    path = root / "verilogeval_v1" / "data" / "VerilogEval_Human.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [Text(row["prompt"] + row["canonical_solution"]) for row in rows]


def corpora(root: Path) -> dict[str, list]:
    return {
        "verilogeval_v1 refs": verilogeval_v1(root),
        "verilogeval_v2 refs": sorted((root / "verilogeval_v2" / "dataset_spec-to-rtl").glob("*_ref.sv")),
        "rtllm_v2 refs": sorted(next(d.glob("verified_*.v")) for d in (root / "rtllm_v2").iterdir() if d.is_dir()),
        "rtllm_v1_1 refs": sorted(next(d.glob("verified_*.v")) for d in (root / "rtllm_v1_1").iterdir()
                                  if d.is_dir() and any(d.glob("verified_*.v"))),
        "rtllm_samples": sorted((root / "rtllm_samples").rglob("*.v")),
    }


def rule(construct: str) -> str:
    """The rule's name without the specific token (`system task $fopen` -> `system task`)."""
    return re.sub(r"\s*\(line \d+\)$", "", re.sub(r"(\$\w+|`\w+|'.*'|\b[A-Za-z_]\w*\.\w+)", "X", construct))


def main(root: Path) -> None:
    for name, files in corpora(root).items():
        fired: Counter[str] = Counter()
        rejected = 0
        for path in files:
            violations = scan(path.read_text(errors="replace"))
            rejected += bool(violations)
            for r in {rule(v.construct) for v in violations}:
                fired[r] += 1
        print(f"{name}: {len(files)} files, {rejected} rejected")
        for r, n in fired.most_common():
            print(f"  {n:4d}  {r}")


if __name__ == "__main__":
    from codev.eval.userconfig import require_bench_root

    main(require_bench_root(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
