"""Agreement of `codev verify` with RTLLM's official verdicts on 290 real GPT-3.5/GPT-4 samples.

Each sample is checked against the benchmark's reference (v1.1 and v2 references, 580 rows) and the
verdict is compared with verdicts.csv (the official testbench under Icarus). Prints the agreement
matrix and every disagreement; --json writes the rows.

    python bench/rtllm_agreement.py [--bench-root ../shared/benchmarks] [--jobs 2] [--json out.json]
"""
from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import time
from pathlib import Path

from testbench_gen import CheckJob, CheckOptions, check_many

OFFICIAL_PASS = "pass"


def reference(bench_root: Path, benchmark: str, problem: str) -> str:
    folder = bench_root / benchmark / problem
    return next(folder.glob("verified_*.v")).read_text()


def load_rows(bench_root: Path) -> list[dict]:
    with open(bench_root / "rtllm_samples" / "verdicts.csv") as fh:
        return list(csv.DictReader(fh))


def run(bench_root: Path, jobs: int, options: CheckOptions) -> list[dict]:
    rows = load_rows(bench_root)
    groups: dict[tuple[str, str], list[dict]] = collections.defaultdict(list)
    for row in rows:
        groups[(row["benchmark"], row["problem"])].append(row)
    keys = sorted(groups)
    check_jobs = []
    for bench, problem in keys:
        samples = groups[(bench, problem)]
        cands = [(bench_root / "rtllm_samples" / r["sample"]).read_text(errors="replace") for r in samples]
        check_jobs.append(CheckJob(reference(bench_root, bench, problem), cands, options,
                                   names=[r["sample"] for r in samples]))
    results = check_many(check_jobs, workers=jobs)
    out = []
    for key, verdicts in zip(keys, results):
        for row, v in zip(groups[key], verdicts):
            out.append({**row, "ours": v.kind.value, "reason": v.reason,
                        "counterexample": v.counterexample.__dict__ if v.counterexample else None,
                        "detail": v.detail[:300]})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-root", default=os.environ.get("CODEV_BENCH_ROOT", "../shared/benchmarks"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--iverilog", default="verdict_iverilog11", help="verdicts.csv column to compare with")
    ap.add_argument("--json")
    args = ap.parse_args()
    start = time.time()
    rows = run(Path(args.bench_root), args.jobs, CheckOptions())
    elapsed = time.time() - start
    matrix = collections.Counter((r[args.iverilog], r["ours"]) for r in rows)
    officials = sorted({r[args.iverilog] for r in rows})
    ours = sorted({r["ours"] for r in rows})
    print(f"{len(rows)} rows in {elapsed:.1f} s\n")
    print("official \\ ours".ljust(18) + "".join(o.rjust(20) for o in ours))
    for off in officials:
        print(off.ljust(18) + "".join(str(matrix[(off, o)]).rjust(20) for o in ours))
    agree = sum(1 for r in rows if (r[args.iverilog] == OFFICIAL_PASS) == (r["ours"] == "equivalent"))
    print(f"\npass/equivalent agreement: {agree}/{len(rows)}")
    print("\ndisagreements (official pass vs ours not equivalent, or official fail vs ours equivalent):")
    for r in rows:
        if (r[args.iverilog] == OFFICIAL_PASS) != (r["ours"] == "equivalent"):
            cex = r["counterexample"]
            where = f" cycle {cex['cycle']} {list(cex['outputs'])}" if cex else ""
            print(f"  {r['benchmark']:11} {r['sample']:36} official={r[args.iverilog]:13} ours={r['ours']:18}"
                  f" caveat={r['tb_caveat'] or '-'}{where} | {r['reason'][:90]}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, default=str))


if __name__ == "__main__":
    main()
