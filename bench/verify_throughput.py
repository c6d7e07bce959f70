"""Checker throughput and detection on VerilogEval v2 references with mutants (prints figures).

Compares these flows on the same designs and candidates, all on the same cores:
  ours-1    one candidate per check call (golden trace cached after the first call)
  ours-16   16 candidates per golden in one call (the RL case), one-shot check_many (new workers)
  pool-cold the same 16-per-golden round on a fresh CheckerPool (workers start, goldens simulated)
  pool-warm a second round over the same goldens on that pool (RL step 2+: traces already held)
  baseline  a CodeV-R1-like per-candidate flow: compile golden + candidate + a random testbench,
            simulate 100 sequences x 1,000 cycles, reset drawn once per sequence, no early stop
Candidates per design: the reference itself (renamed TopModule) and single-site mutants
(testbench_gen.design.mutants). Detection = share of mutants called not-equivalent (some mutants are
equivalent to the original, so 100% is not reachable; compare flows, not absolutes).

    python bench/verify_throughput.py [--designs 30] [--mutants 3] [--jobs 2] [--bench-root DIR] [--skip PROBLEM]
    python bench/verify_throughput.py --small --designs 10 --mutants 9   # small jobs: 9-10 per golden

--small: the 16-per-golden flows check each design's own candidates only (the reference and its
mutants), so a round is many small jobs and each job's fixed cost (golden run, builds) weighs most.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from testbench_gen import CheckerPool, CheckJob, CheckOptions, InvalidGolden, check_many, prepare_golden
from testbench_gen.testbench.harness import compared_ports
from testbench_gen.design.mutants import mutants
from testbench_gen.containment.sandbox import Limits, run_limited, sandbox_dir


def load_designs(bench_root: Path, n: int, seed: int) -> list[tuple[str, str]]:
    folder = bench_root / "verilogeval_v2" / "dataset_spec-to-rtl"
    items = []
    for path in sorted(folder.glob("*_ref.sv")):
        source = path.read_text()
        try:
            prepare_golden(source, CheckOptions())
        except InvalidGolden:
            continue  # e.g. enum casts under iverilog 11
        items.append((path.name[:-7], source))
    random.Random(seed).shuffle(items)
    return sorted(items[:n])


def as_candidate(source: str) -> str:
    return re.sub(r"\bRefModule\b", "TopModule", source)


def baseline_testbench(golden: str, iface, sequences: int, cycles: int) -> str:
    """CodeV-R1-style: $random stimulus, reset value drawn once per sequence, compare every cycle."""
    ins = [p for p in iface.inputs if p.name not in iface.clock_names]
    outs = compared_ports(iface)
    decl = [f"  reg [{p.width - 1}:0] {p.name};" for p in iface.inputs]
    decl += [f"  wire [{p.width - 1}:0] g_{p.name}, c_{p.name};" for p in outs]
    conn_g = ", ".join(f".{p.name}({p.name if p.direction == 'input' else 'g_' + p.name})" for p in iface.ports)
    conn_c = ", ".join(f".{p.name}({p.name if p.direction == 'input' else 'c_' + p.name})" for p in iface.ports)
    rand = []
    for p in ins:
        words = (p.width + 31) // 32
        rand.append(f"      {p.name} = {{{', '.join(['$random(seed)'] * words)}}};")
    resets = [f"      {r.name} = rst_on ? 1'b{int(r.active_high)} : 1'b{int(not r.active_high)};" for r in iface.resets]
    clk_hi = " ".join(f"{c.name} = 1;" for c in iface.clocks)
    clk_lo = " ".join(f"{c.name} = 0;" for c in iface.clocks)
    compare = " || ".join(f"(g_{p.name} !== c_{p.name})" for p in outs)
    return f"""`timescale 1ns/1ps
module base_tb;
{chr(10).join(decl)}
  integer seed, seq, cyc, errors, rst_on;
  RefModule u_golden_ref({conn_g});
  TopModule u_candidate({conn_c});
  initial begin
    seed = 1; errors = 0; {clk_lo}
    for (seq = 0; seq < {sequences}; seq = seq + 1) begin
      rst_on = $random(seed) & 1;
      for (cyc = 0; cyc < {cycles}; cyc = cyc + 1) begin
{chr(10).join(rand)}
{chr(10).join(resets)}
        #5; {clk_hi} #5; {clk_lo}
        if ({compare}) errors = errors + 1;
      end
    end
    $display("ERRORS %0d", errors);
    $finish;
  end
endmodule
"""


def baseline_check(golden: str, candidate: str, sequences: int, cycles: int, timeout: float) -> str:
    iface = prepare_golden(golden, CheckOptions()).interface
    with sandbox_dir("codev-baseline-") as wd:
        (wd / "tb.v").write_text(baseline_testbench(golden, iface, sequences, cycles))
        (wd / "golden.v").write_text(golden)
        (wd / "cand.v").write_text(candidate)
        comp = run_limited(["iverilog", "-g2012", "-o", "b.vvp", "-s", "base_tb", "tb.v", "golden.v", "cand.v"], wd,
                           Limits(wall_seconds=60))
        if not comp.ok:
            return "compile_error"
        sim = run_limited(["vvp", "-n", "b.vvp"], wd, Limits(wall_seconds=timeout))
        if sim.timed_out:
            return "timeout"
        m = re.search(r"ERRORS (\d+)", sim.stdout)
        return "equivalent" if m and m.group(1) == "0" else "mismatch"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-root", type=Path, default=None)
    ap.add_argument("--designs", type=int, default=30)
    ap.add_argument("--mutants", type=int, default=3, help="mutants per design")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--baseline-timeout", type=float, default=120.0)
    ap.add_argument("--skip", action="append", default=[], metavar="PROBLEM",
                    help="leave out a drawn design (e.g. Prob144_conwaylife, where the baseline times out and "
                         "dominates its wall time): the ratio on the rest of the set")
    ap.add_argument("--small", action="store_true",
                    help="jobs of each design's own candidates only (no padding to 16): small rounds")
    args = ap.parse_args()
    from codev.eval.userconfig import require_bench_root

    args.bench_root = require_bench_root(args.bench_root)  # the one lookup (flag, $CODEV_BENCH_ROOT, fetched copy)

    designs = [d for d in load_designs(Path(args.bench_root), args.designs, args.seed) if d[0] not in args.skip]
    per_design = []  # (name, golden, [candidates], [is_mutant])
    for name, golden in designs:
        cands = [as_candidate(golden)] + [as_candidate(m.source) for m in mutants(golden, args.mutants, args.seed)]
        per_design.append((name, golden, cands, [False] + [True] * (len(cands) - 1)))
    n_cands = sum(len(c) for _, _, c, _ in per_design)
    print(f"{len(designs)} designs, {n_cands} candidates ({n_cands - len(designs)} mutants), {args.jobs} workers; "
          f"load average {os.getloadavg()[0]:.1f}")

    def detection(verdicts, flags):
        mutant_verdicts = [v for v, f in zip(verdicts, flags) if f]
        caught = sum(v != "equivalent" for v in mutant_verdicts)
        correct_ok = sum(v == "equivalent" for v, f in zip(verdicts, flags) if not f)
        return caught, len(mutant_verdicts), correct_ok

    # warm the golden cache in the workers fairly: each flow pays its own golden runs
    results = {}
    # ours, one candidate per call
    jobs = [CheckJob(g, [c]) for _, g, cands, _ in per_design for c in cands]
    start = time.perf_counter()
    out = check_many(jobs, workers=args.jobs)
    t1 = time.perf_counter() - start
    verdicts1 = [v[0].kind.value for v in out]
    flags = [f for _, _, _, fl in per_design for f in fl]
    results["ours-1"] = (t1, detection(verdicts1, flags), [v[0].seconds for v in out])

    # ours, 16 candidates per golden (candidates repeated to fill 16 slots, each text made distinct
    # by a comment: the checker checks a repeated text once, which would flatter these figures)
    jobs16, flags16 = [], []
    for _, g, cands, fl in per_design:
        size = len(cands) if args.small else 16
        batch = [cands[i % len(cands)] + f"\n// sample {i}\n" for i in range(size)]
        jobs16.append(CheckJob(g, batch))
        flags16 += [fl[i % len(cands)] for i in range(size)]
    start = time.perf_counter()
    out16 = check_many(jobs16, workers=args.jobs)
    t16 = time.perf_counter() - start
    verdicts16 = [v.kind.value for job in out16 for v in job]
    results["ours-16"] = (t16, detection(verdicts16, flags16), [])

    # the warm pool: one round to start workers and record goldens, then the RL steady state
    start = time.perf_counter()
    with CheckerPool(workers=args.jobs) as pool:
        cold = pool.check_many(jobs16)
        t_cold = time.perf_counter() - start
        start = time.perf_counter()
        warm = pool.check_many(jobs16)
        t_warm = time.perf_counter() - start
        hits = pool.affinity_hits
    for flow, t, out_ in (("pool-cold", t_cold, cold), ("pool-warm", t_warm, warm)):
        results[flow] = (t, detection([v.kind.value for job in out_ for v in job], flags16), [])
    print(f"pool: {hits} tasks went to a worker already holding their golden (2 rounds of {len(jobs16)} jobs; "
          "round 2 splits jobs that were slow in round 1)")

    # baseline
    tasks = [(g, c) for _, g, cands, _ in per_design for c in cands]
    start = time.perf_counter()

    def timed(task):
        s = time.perf_counter()
        r = baseline_check(task[0], task[1], 100, 1000, args.baseline_timeout)
        return r, time.perf_counter() - s

    with ThreadPoolExecutor(args.jobs) as ex:
        verdicts_b, per_call = map(list, zip(*ex.map(timed, tasks)))
    tb = time.perf_counter() - start
    results["baseline"] = (tb, detection(verdicts_b, flags), per_call)

    print(f"\n{'flow':10} {'checks':>7} {'wall s':>8} {'checks/s':>9} {'mutants caught':>15} {'correct passed':>15}")
    counts = {"ours-1": len(verdicts1), "ours-16": len(verdicts16), "pool-cold": len(verdicts16),
              "pool-warm": len(verdicts16), "baseline": len(verdicts_b)}
    for flow, (t, (caught, total, correct_ok), _) in results.items():
        n = counts[flow]
        n_correct = sum(1 for f in (flags if flow in ("ours-1", "baseline") else flags16) if not f)
        print(f"{flow:10} {n:7d} {t:8.1f} {n / t:9.2f} {caught:7d}/{total:<7d} {correct_ok:7d}/{n_correct:<7d}")
    base_rate = counts["baseline"] / results["baseline"][0]
    for flow in ("ours-1", "ours-16", "pool-cold", "pool-warm"):
        rate = counts[flow] / results[flow][0]
        print(f"throughput ratio {flow} / baseline: {rate / base_rate:.1f}x")
    disagreements = [(t, a, b) for t, a, b in zip(range(len(tasks)), verdicts1, verdicts_b) if a != b]
    print(f"\nverdict differences ours-1 vs baseline: {len(disagreements)}")
    names = [n for n, _, cands, _ in per_design for _ in cands]
    for i, a, b in disagreements:
        kind = "correct" if flags[i] is False else "mutant"
        print(f"  {names[i]:40} cand#{i} ({kind}) ours={a:14} baseline={b}")
    if per_call:
        print(f"\nbaseline per-candidate latency: median {statistics.median(per_call):.2f} s, max {max(per_call):.1f} s")
    # where the time goes: the designs that cost most (pool-warm: candidates' simulation seconds;
    # baseline: wall seconds of its per-candidate runs); --skip measures the ratios without one
    warm_cost = {name: sum(v.seconds for v in job) for (name, *_), job in zip(per_design, warm)}
    base_cost: dict[str, float] = {}
    for name, t in zip(names, per_call):
        base_cost[name] = base_cost.get(name, 0.0) + t
    top = sorted(warm_cost, key=warm_cost.get, reverse=True)[:3]
    print("\ncostliest designs: " + "; ".join(
        f"{n} pool-warm {warm_cost[n]:.1f} s, baseline {base_cost.get(n, 0.0):.1f} s" for n in top))
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    lat = results["ours-1"][2]
    print(f"ours-1 per-candidate latency: median {statistics.median(lat):.3f} s, max {max(lat):.2f} s")


if __name__ == "__main__":
    main()
