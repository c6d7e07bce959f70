"""Agreement of `codev eval` (variant `official`) with published VerilogEval v1 results, sample by sample.

The official v1 harness writes `<samples>.jsonl_results.jsonl`: each human-eval completion with its
`passed` flag and `result` string ("passed", "failed: 46 out of 440 samples.", "failed: syntax error.").
This scores the same files under every Icarus given (default: PATH's and the cached build of
`codev doctor --install iverilog==12`) and prints, per file and Icarus, how many pass/fail verdicts
and result strings are identical, then every difference with its cause:
- `simulator version`: another Icarus gives exactly the published result;
- `time bound`: a timeout on one side (machine speed, not the answer);
- `unexplained`: neither; the log excerpt is printed (a harness difference or our bug to look at).

    python bench/v1_published_agreement.py RESULTS.jsonl [...] [--bench verilogeval-v1-human] [--iverilog PATH ...]
    python bench/v1_published_agreement.py tests/eval/data/verilogeval_v1_example/ExampleSolution.jsonl_reference.jsonl
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from codev.cli import main as codev_main
from codev.eval.icarus_install import newest_installed
from codev.eval.tools import iverilog_version


def icarus_builds(given: list[str] | None) -> list[str]:
    if given:
        return given
    found = ["iverilog"]
    cached = newest_installed()
    if cached is not None:
        found.append(str(cached))
    return found


def score(results: Path, bench: str, bench_root: Path, iverilog: str, jobs: int) -> tuple[dict, float]:
    """(task_id, index) -> our official record, and the wall time of the run."""
    with tempfile.TemporaryDirectory(prefix="codev-v1-agreement-") as tmp:
        out = Path(tmp) / "run"
        argv = ["eval", "--samples", str(results), "--sample-format", "verilogeval-v1", "--bench", bench,
                "--bench-root", str(bench_root), "--out", str(out), "--jobs", str(jobs), "--k", "1", "--no-progress",
                "--iverilog", iverilog]
        start = time.time()
        if codev_main(argv) != 0:
            raise SystemExit(f"codev eval failed on {results}")
        rows = [json.loads(line) for line in (out / "results.jsonl").open()]
        return {(r["task_id"], r["index"]): r for r in rows if r["variant"] == "official"}, time.time() - start


def cause(key, published: dict, runs: dict[str, dict], version: str) -> str:
    ours = runs[version][key]
    for other, records in runs.items():
        if other != version and records[key]["detail"] == published["result"]:
            return f"simulator version ({other} gives the published result)"
    if "timed out" in (published["result"], ours["detail"]):
        return "time bound"
    return "unexplained"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", type=Path, nargs="+", help="published *_results.jsonl files (task_id, completion, result, passed)")
    parser.add_argument("--bench", default="verilogeval-v1-human")
    parser.add_argument("--bench-root", type=Path, default=None)
    parser.add_argument("--iverilog", action="append", help="an iverilog binary (repeat for several; default: PATH's and the cached build)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    from codev.eval.userconfig import require_bench_root

    args.bench_root = require_bench_root(args.bench_root)  # the one lookup (flag, $CODEV_BENCH_ROOT, fetched copy)
    builds = icarus_builds(args.iverilog)
    for results in args.results:
        published_rows = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]
        keyed, seen = {}, {}
        for row in published_rows:
            index = seen[row["task_id"]] = seen.get(row["task_id"], -1) + 1
            keyed[(row["task_id"], index)] = row
        runs: dict[str, dict] = {}
        for build in builds:
            version = iverilog_version(build).version
            runs[version], seconds = score(results, args.bench, args.bench_root, build, args.jobs)
            print(f"# {results.name}: {len(keyed)} samples scored with {version} in {seconds:.1f} s")
        for version, records in runs.items():
            same_verdict = sum((records[k]["verdict"] == "pass") == row["passed"] for k, row in keyed.items())
            same_result = sum(records[k]["detail"] == row["result"] for k, row in keyed.items())
            print(f"{results.name} with {version}: pass/fail identical {same_verdict}/{len(keyed)}, "
                  f"result string identical {same_result}/{len(keyed)}; published passes "
                  f"{sum(r['passed'] for r in keyed.values())}, ours {sum(r['verdict'] == 'pass' for r in records.values())}")
            for key, row in keyed.items():
                got = records[key]
                if got["detail"] != row["result"]:
                    why = cause(key, row, runs, version)
                    print(f"  differs: {key[0]}#{key[1]} published={row['result']!r} ours={got['verdict']} "
                          f"{got['detail']!r}: {why}")
                    if why == "unexplained":
                        print("    log: " + got["log"][-400:].replace("\n", "\n         "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
