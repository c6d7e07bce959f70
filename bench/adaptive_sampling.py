"""Samples generated per filled batch: plain dynamic sampling vs CodeV-R1's adaptive sizing, across keep ratios.

Plain dynamic sampling (DAPO) asks each round for exactly the missing number of groups; adaptive sizing asks
for missing / running keep ratio, so one round usually fills the batch. Both use the same round cap and the
same rules (codev/train/algorithm.py: KeepRatio, prompts_to_generate), driven by a Bernoulli keep model.
A "filled batch" costs the groups sampled plus, per round, a fixed latency (one generate call and one
checker call, which do not shrink with the round's size on a GPU); the cost ratio uses the measured
per-round overhead given by --round-cost (in groups' worth of time, an assumption), or measured with
--from-run RL_DIR: fixed seconds per round / seconds per group, fitted on a real RL run's per-step metrics
(codev.train.metrics.fit_round_cost; the run needs steps with different round counts).

    python bench/adaptive_sampling.py [--batch 16] [--steps 400] [--round-cost 16 | --from-run runs/rl_gain/rl]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from codev.train.algorithm import simulate_sampling
from codev.train.metrics import fit_round_cost, read_metrics


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch", type=int, default=16, help="groups per optimizer step (paper: 128 prompts)")
    p.add_argument("--steps", type=int, default=400)
    p.add_argument("--max-rounds", type=int, default=8)
    p.add_argument("--round-cost", type=float, default=16.0,
                   help="fixed cost of one round, in units of one group's generation time")
    p.add_argument("--from-run", metavar="RL_DIR",
                   help="measure the round overhead from this RL run's metrics.jsonl instead of --round-cost")
    args = p.parse_args()
    if args.from_run:
        fit = fit_round_cost([r for r in read_metrics(args.from_run) if "dapo/rounds" in r])
        if fit is None:
            p.error(f"{args.from_run}/metrics.jsonl: its steps do not give a positive per-round cost "
                    "(need steps with different round counts, and timings steadier than the difference)")
        args.round_cost = fit[0] / fit[1]
        print(f"measured on {args.from_run}: {fit[0]:.2f} s fixed per round, {fit[1]:.2f} s per group "
              f"-> round overhead {args.round_cost:.2f} groups")
    print(f"batch {args.batch} groups, {args.steps} steps, round cap {args.max_rounds}, "
          f"round overhead {args.round_cost:g} group-equivalents\n")
    print("| keep ratio | plain groups/step | plain rounds/step | plain short/step | adaptive groups/step "
          "| adaptive rounds/step | adaptive short/step | rounds ratio | cost ratio (plain/adaptive) |")
    print("|---|---|---|---|---|---|---|---|---|")
    ratios, rounds = [], []
    for keep in (0.9, 0.7, 0.5, 0.3, 0.2):
        plain = simulate_sampling(keep, args.batch, args.steps, args.max_rounds, adaptive=False, seed=1)
        adaptive = simulate_sampling(keep, args.batch, args.steps, args.max_rounds, adaptive=True, seed=1)
        cost_plain = plain["groups_per_step"] + args.round_cost * plain["rounds_per_step"]
        cost_adaptive = adaptive["groups_per_step"] + args.round_cost * adaptive["rounds_per_step"]
        ratios.append(cost_plain / cost_adaptive)
        rounds.append(plain["rounds_per_step"] / adaptive["rounds_per_step"])
        print(f"| {keep:.1f} | {plain['groups_per_step']:.1f} | {plain['rounds_per_step']:.2f} | "
              f"{plain['short_per_step']:.2f} | {adaptive['groups_per_step']:.1f} | "
              f"{adaptive['rounds_per_step']:.2f} | {adaptive['short_per_step']:.2f} | {rounds[-1]:.2f} | "
              f"{ratios[-1]:.2f} |")
    med = sorted(ratios)[len(ratios) // 2]
    print(f"\nrounds per step, plain/adaptive: median {sorted(rounds)[len(rounds) // 2]:.2f}")
    print(f"adaptive_sampling: plain/adaptive cost ratio median {med:.2f} (range {min(ratios):.2f}-"
          f"{max(ratios):.2f}) at a round overhead of {args.round_cost:g} groups; paper reports 1.25x overall")


if __name__ == "__main__":
    main()
