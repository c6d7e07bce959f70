"""Agreement with RTLLM's official verdicts on 290 real GPT-3.5/GPT-4 samples (580 rows, v1.1 and v2).

--flow checker (default): `codev verify` against each benchmark's reference; prints the agreement matrix
and every disagreement; --json writes the rows.
--flow testbench: `codev eval` through its RTLLM-folder reader (samples laid out as <design>/tN.v), the
benchmark's own testbench and pass rule, with the Icarus given by --iverilog-bin; verdict per sample
compared with the verdicts.csv column of that Icarus version.

    python bench/rtllm_agreement.py [--bench-root ../shared/benchmarks] [--jobs 2] [--json out.json]
    python bench/rtllm_agreement.py --flow testbench [--iverilog-bin /opt/iverilog-12/bin/iverilog]
"""
from __future__ import annotations

import argparse
import collections
import csv
import json
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


MODELS = ("chatgpt35", "chatgpt4")
BENCH = {"rtllm_v1_1": "rtllm-v1.1", "rtllm_v2": "rtllm-v2"}


def testbench_flow(bench_root: Path, jobs: int, iverilog: str | None, sim_timeout: float) -> None:
    """codev eval's verdict per sample vs verdicts.csv, per benchmark, for the Icarus actually used."""
    import tempfile

    from codev.cli import main as codev_main
    from codev.eval.tools import Icarus, default_icarus, iverilog_version

    icarus = Icarus.at(iverilog) if iverilog else default_icarus()
    major = iverilog_version(icarus.iverilog).major
    column = "verdict_iverilog11" if major == 11 else "verdict_iverilog12"
    with tempfile.TemporaryDirectory(prefix="codev-agreement-") as tmp:
        samples = Path(tmp) / "samples"
        for m, model in enumerate(MODELS):
            for trial in range(1, 6):
                for f in sorted((bench_root / "rtllm_samples" / model / f"t{trial}").glob("*.v")):
                    (samples / f.stem).mkdir(parents=True, exist_ok=True)
                    (samples / f.stem / f"t{m * 5 + trial}.v").write_bytes(f.read_bytes())
        out = Path(tmp) / "run"
        argv = ["eval", "--samples", str(samples), "--bench", "rtllm-v1.1,rtllm-v2", "--bench-root", str(bench_root),
                "--out", str(out), "--jobs", str(jobs), "--k", "1", "--no-progress", "--sim-timeout", str(sim_timeout)]
        start = time.time()
        codev_main(argv + ["--iverilog", icarus.iverilog])
        elapsed = time.time() - start
        ours = {(r["benchmark"], r["task_id"], r["index"]): r for r in map(json.loads, (out / "results.jsonl").open())
                if r["variant"] == "official"}
    print(f"{len(ours)} samples scored in {elapsed:.1f} s with {iverilog_version(icarus.iverilog).version}; "
          f"compared with verdicts.csv column {column}\n")
    for bench_dir, bench in BENCH.items():
        rows = [r for r in load_rows(bench_root) if r["benchmark"] == bench_dir]
        pairs = []
        for r in rows:
            got = ours[(bench, r["problem"], MODELS.index(r["model"]) * 5 + int(r["trial"][1:]) - 1)]
            pairs.append((r[column], got["verdict"], r["sample"]))
        agree = sum(1 for official, mine, _ in pairs if official == mine)
        print(f"{bench}: {agree}/{len(pairs)} verdicts identical")
        matrix = collections.Counter((official, mine) for official, mine, _ in pairs)
        kinds = sorted({k for pair in matrix for k in pair})
        print("  official \\ ours".ljust(20) + "".join(k.rjust(15) for k in kinds))
        for official in kinds:
            print(f"  {official}".ljust(20) + "".join(str(matrix[(official, k)]).rjust(15) for k in kinds))
        for official, mine, sample in pairs:
            if official != mine:
                print(f"  differs: {sample} official={official} ours={mine}")
        other = "verdict_iverilog12" if column == "verdict_iverilog11" else "verdict_iverilog11"
        moved = [r for r in rows if r[column] != r[other]]
        print(f"  {len(moved)} samples whose verdict differs between Icarus 11 and 12 (cause: simulator version):")
        for r in moved:
            got = ours[(bench, r["problem"], MODELS.index(r["model"]) * 5 + int(r["trial"][1:]) - 1)]
            first = next((line for line in got["log"].splitlines() if "error" in line.lower()), got["log"][-120:])
            print(f"    {r['sample']}: {other[8:]}={r[other]} {column[8:]}={r[column]} | {first.strip()[:110]}")
        print()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-root", type=Path, default=None)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--iverilog", default="verdict_iverilog11", help="verdicts.csv column to compare with")
    ap.add_argument("--json")
    ap.add_argument("--flow", choices=("checker", "testbench"), default="checker")
    ap.add_argument("--iverilog-bin", help="--flow testbench: the iverilog binary (default: PATH's)")
    ap.add_argument("--sim-timeout", type=float, default=2.0,
                    help="--flow testbench: simulation bound in s (non-timeout samples end in < 1 s)")
    args = ap.parse_args()
    from codev.eval.userconfig import require_bench_root

    args.bench_root = require_bench_root(args.bench_root)  # the one lookup (flag, $CODEV_BENCH_ROOT, fetched copy)
    if args.flow == "testbench":
        testbench_flow(Path(args.bench_root), args.jobs, args.iverilog_bin, args.sim_timeout)
        return
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
