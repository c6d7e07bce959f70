"""Agreement of `codev eval` with a published VerilogEval v1 results file, sample by sample.

The official v1 harness writes `<samples>.jsonl_results.jsonl`: each human-eval completion with its
`passed` flag and `result` string ("passed", "failed: 46 out of 440 samples.", "failed: syntax error.").
This scores the same file (read as the verilogeval-v1 format) and prints how many verdicts and result
strings are identical, and every difference.

    python bench/v1_published_agreement.py RESULTS.jsonl [--bench verilogeval-v1-human] [--iverilog PATH]
    python bench/v1_published_agreement.py tests/eval/data/verilogeval_v1_example/ExampleSolution.jsonl_reference.jsonl
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from codev.cli import main as codev_main  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", type=Path, help="a published *_results.jsonl (task_id, completion, result, passed)")
    parser.add_argument("--bench", default="verilogeval-v1-human")
    parser.add_argument("--bench-root", default=os.environ.get("CODEV_BENCH_ROOT", str(REPO.parent / "shared" / "benchmarks")))
    parser.add_argument("--iverilog", help="iverilog binary (default: PATH's)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    published = [json.loads(line) for line in args.results.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory(prefix="codev-v1-agreement-") as tmp:
        out = Path(tmp) / "run"
        argv = ["eval", "--samples", str(args.results), "--sample-format", "verilogeval-v1", "--bench", args.bench,
                "--bench-root", args.bench_root, "--out", str(out), "--jobs", str(args.jobs), "--k", "1", "--no-progress"]
        status = codev_main(argv + (["--iverilog", args.iverilog] if args.iverilog else []))
        if status != 0:
            return status
        ours = {(r["task_id"], r["index"]): r for r in map(json.loads, (out / "results.jsonl").open())}
        icarus = json.loads((out / "summary.json").read_text())["tools"]["iverilog"]
    seen: dict[str, int] = {}
    same_verdict = same_result = 0
    for row in published:
        index = seen[row["task_id"]] = seen.get(row["task_id"], -1) + 1
        got = ours[(row["task_id"], index)]
        same_verdict += (got["verdict"] == "pass") == row["passed"]
        same_result += got["detail"] == row["result"]
        if got["detail"] != row["result"]:
            print(f"  differs: {row['task_id']}#{index} published={row['result']!r} ours={got['verdict']} {got['detail']!r}")
    print(f"{args.results.name} with {icarus}: pass/fail identical {same_verdict}/{len(published)}, "
          f"result string identical {same_result}/{len(published)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
