"""False alarms: published answers that passed their benchmark's own testbench, checked by `codev verify`.

A correct answer must come back `equivalent` (or a genuine `mismatch` against the reference, when the
benchmark's testbench is weaker than the reference comparison). Any other verdict is a false alarm:
`rejected`, `compile_error`, `interface_mismatch`, `timeout` or `infra_error`. Prints the count per kind
(goal: 0) and every false alarm and mismatch with its reason, so each can be explained.

Sources (data outside the repository, read from --bench-root):
  rtllm       RTLLM GPT-3.5/GPT-4 samples whose official verdict (Icarus 11 column of
              rtllm_samples/verdicts.csv) is pass, against the v1.1 and v2 references;
  v1-example  the VerilogEval v1 example results shipped with the repository's tests
              (tests/eval/data/verilogeval_v1_example), `passed: true` rows, against the v1 reference;
  --jsonl F   any other published results: one JSON object per line with "golden" and "candidate"
              (Verilog text) and optional "name", every row taken to have passed.

    python bench/false_alarms.py [--backend icarus|verilator|auto|hybrid|formal] [--jobs 2]
                                 [--source rtllm --source v1-example] [--jsonl more.jsonl] [--json out.json]
"""
from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from testbench_gen import CheckJob, CheckOptions, check_many

FALSE_ALARMS = ("rejected", "compile_error", "interface_mismatch", "timeout", "infra_error")
V1_EXAMPLE = REPO / "tests" / "eval" / "data" / "verilogeval_v1_example" / "ExampleSolution.jsonl_reference.jsonl"


def rtllm(bench_root: Path) -> list[tuple[str, str, str]]:
    """(name, golden, candidate) of every RTLLM sample that passed its own testbench."""
    with open(bench_root / "rtllm_samples" / "verdicts.csv") as fh:
        rows = [r for r in csv.DictReader(fh) if r["verdict_iverilog11"] == "pass"]
    out = []
    for r in rows:
        golden = next((bench_root / r["benchmark"] / r["problem"]).glob("verified_*.v")).read_text()
        sample = (bench_root / "rtllm_samples" / r["sample"]).read_text(errors="replace")
        out.append((f"{r['benchmark']}/{r['sample']}", golden, sample))
    return out


def v1_example(bench_root: Path) -> list[tuple[str, str, str]]:
    """(name, golden, candidate) of the passing VerilogEval v1 example completions."""
    problems = {}
    for line in (bench_root / "verilogeval_v1" / "data" / "VerilogEval_Human.jsonl").read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            problems[row["task_id"]] = row
    out, seen = [], collections.Counter()
    for line in V1_EXAMPLE.read_text().splitlines():
        row = json.loads(line)
        seen[row["task_id"]] += 1
        if not row["passed"]:
            continue
        problem = problems[row["task_id"]]
        out.append((f"v1/{row['task_id']}#{seen[row['task_id']] - 1}", problem["prompt"] + problem["canonical_solution"],
                    problem["prompt"] + row["completion"]))
    return out


def jsonl(path: Path) -> list[tuple[str, str, str]]:
    out = []
    for n, line in enumerate(path.read_text().splitlines()):
        if line.strip():
            row = json.loads(line)
            out.append((row.get("name", f"{path.name}#{n}"), row["golden"], row["candidate"]))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench-root", type=Path,
                        default=None)
    parser.add_argument("--source", action="append", choices=["rtllm", "v1-example"])
    parser.add_argument("--jsonl", type=Path, action="append", default=[])
    parser.add_argument("--backend", default="icarus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write every row here")
    args = parser.parse_args()
    from codev.eval.userconfig import require_bench_root

    args.bench_root = require_bench_root(args.bench_root)  # the one lookup (flag, $CODEV_BENCH_ROOT, fetched copy)
    if not (args.bench_root / "rtllm_samples").exists():
        print(f"error: {args.bench_root}: no benchmarks there (--bench-root)", file=sys.stderr)
        return 2
    rows = []
    for source in args.source or ["rtllm", "v1-example"]:
        rows += rtllm(args.bench_root) if source == "rtllm" else v1_example(args.bench_root)
    for path in args.jsonl:
        rows += jsonl(path)
    options = CheckOptions(backend=args.backend, seed=args.seed)
    by_golden: dict[str, list[int]] = collections.defaultdict(list)
    for i, (_name, golden, _cand) in enumerate(rows):
        by_golden[golden].append(i)
    goldens = list(by_golden)
    jobs = [CheckJob(g, [rows[i][2] for i in by_golden[g]], options, names=[rows[i][0] for i in by_golden[g]])
            for g in goldens]
    start = time.monotonic()
    results = check_many(jobs, workers=args.jobs)
    seconds = time.monotonic() - start
    verdicts = {}
    for golden, batch in zip(goldens, results):
        for i, verdict in zip(by_golden[golden], batch):
            verdicts[i] = verdict
    counts = collections.Counter(v.kind.value for v in verdicts.values())
    listed = []
    for i in sorted(verdicts):
        v = verdicts[i]
        if v.kind.value != "equivalent":
            cex = v.counterexample
            where = f" [{', '.join(cex.outputs)} at cycle {cex.cycle}]" if cex is not None else ""
            print(f"  {v.kind.value:<18} {rows[i][0]}: {v.reason[:160]}{where} {v.detail[:160]!r}")
        listed.append({"name": rows[i][0], "verdict": v.kind.value, "reason": v.reason, "detail": v.detail[:500]})
    alarms = sum(counts[k] for k in FALSE_ALARMS)
    print(f"{len(rows)} passing answers, backend {args.backend}, seed {args.seed}: "
          + ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))
          + f"; false alarms {alarms} (" + ", ".join(f"{k} {counts[k]}" for k in FALSE_ALARMS) + ")"
          + f"; {seconds:.0f} s, load {os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps(listed, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
