"""RL gain on 2 CPU cores: SFT a small model from scratch on generator problems, then adaptive DAPO;
pass@1 on held-out generated problems (items never trained on) before and after RL, with the time split.

    python bench/rl_gain.py [--out runs/rl_gain] [--config configs/small_cpu.yaml]

Problems: generator families alu and lfsr at level 1 (100 distinct problems, ~280-token answers). The
held-out set is drawn first (seed 1) and the train set excludes it (`--exclude-from`), so no held-out problem
(an ALU's operation table, an LFSR's taps and seed) is trained on; the model must read the prompt's table,
taps and seed to answer, which is what RL can sharpen.

Torch runs on one thread by default (--threads): on 2 shared cores two threads were 5-8x slower per step
than one (OpenMP threads spin against the checker and other load).

Resumable: each stage's output is kept in --out and reused by a rerun. The last line reads
`rl_gain: pass@1 before B after A on N held-out problems`.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def generate(out: Path, n: int, seed: int, extra: list[str]) -> float:
    # decontaminated like every generator run (never train on benchmark problems): needs the benchmarks
    # ($CODEV_BENCH_ROOT, `codev bench fetch`, or ../shared/benchmarks beside the checkout)
    if (out / "rl.jsonl").is_file() and (out / "summary.json").is_file():
        return 0.0
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "codev", "synth", "generate", "--n", str(n), "--seed", str(seed),
                    "--out", str(out), "--no-formal", *extra], check=True, cwd=ROOT,
                   env=dict(os.environ, PYTHONPATH=str(ROOT)))
    return time.perf_counter() - start


def load_rows(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "rl.jsonl").read_text().splitlines() if line]


def score(model: str, rows, checker, args, cache: Path):
    from codev.train.heldout import HeldoutScore, score_model

    if cache.is_file():
        return HeldoutScore(**json.loads(cache.read_text()))
    result = score_model(model, rows, checker, samples=args.samples, temperature=args.temperature,
                         max_tokens=args.max_tokens, batch_size=64)
    cache.write_text(json.dumps(asdict(result)))
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="runs/rl_gain")
    p.add_argument("--config", default=str(ROOT / "configs" / "small_cpu.yaml"))
    p.add_argument("--n-train", type=int, default=80)
    p.add_argument("--n-heldout", type=int, default=16)
    p.add_argument("--families", default="alu,lfsr",
                   help="generator families (level-1 alu and lfsr: many distinct problems, short answers)")
    p.add_argument("--max-level", type=int, default=1)
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads (0: torch's default)")
    p.add_argument("--samples", type=int, default=16, help="samples per held-out problem for pass@1")
    p.add_argument("--temperature", type=float, default=0.5)
    p.add_argument("--max-tokens", type=int, default=320)
    p.add_argument("--rl-steps", type=int, help="override rl.max_steps of the recipe (a loaded machine)")
    p.add_argument("--rl-max-rounds", type=int, help="override rl.sampling.max_rounds of the recipe")
    args = p.parse_args()

    from codev.train.checker_client import RewardChecker
    from codev.train.config import load_recipe
    from codev.train.metrics import read_metrics
    from codev.train.rl import checker_options, run_rl
    from codev.train.sft import run_sft

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    load_start = os.getloadavg()[0]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    recipe = load_recipe(args.config)
    if args.rl_steps:
        recipe.rl.max_steps = args.rl_steps
    if args.rl_max_rounds:
        recipe.rl.sampling.max_rounds = args.rl_max_rounds
    seconds = {}
    level = ["--max-level", str(args.max_level), "--families", args.families]
    seconds["data"] = generate(out / "heldout", args.n_heldout, 1, level)
    seconds["data"] += generate(out / "train", args.n_train, 0, level + ["--exclude-from", str(out / "heldout")])
    heldout = load_rows(out / "heldout")

    recipe.sft.data = str(out / "train")
    recipe.sft.output_dir = str(out / "sft")
    start = time.perf_counter()
    sft_model = str(out / "sft" / "final")
    if not (Path(sft_model) / "config.json").is_file():
        run_sft(recipe.sft, recipe.model)
    seconds["sft"] = time.perf_counter() - start

    with RewardChecker(checker_options(recipe.rl.reward), recipe.rl.reward.workers) as checker:
        start = time.perf_counter()
        before = score(sft_model, heldout, checker, args, out / "score_before.json")
        seconds["eval_before"] = time.perf_counter() - start

        recipe.rl.data = str(out / "train")
        recipe.rl.output_dir = str(out / "rl")
        recipe.model.path = sft_model
        start = time.perf_counter()
        rl_model = str(out / "rl" / "final")
        if not (Path(rl_model) / "config.json").is_file():
            run_rl(recipe.rl, recipe.model)
        seconds["rl"] = time.perf_counter() - start

        start = time.perf_counter()
        after = score(rl_model, heldout, checker, args, out / "score_after.json")
        seconds["eval_after"] = time.perf_counter() - start

    rl_steps = [r for r in read_metrics(out / "rl") if "dapo/rounds" in r]
    print(f"\nrecipe {args.config}: model hidden {recipe.model.tiny_hidden} x {recipe.model.tiny_layers} layers, "
          f"SFT {recipe.sft.max_steps} steps, RL {recipe.rl.max_steps} steps of {recipe.rl.prompts_per_step} "
          f"prompts x {recipe.rl.num_generations} (max {recipe.rl.sampling.max_rounds} rounds); {len(load_rows(out / 'train'))} train problems, "
          f"held-out {len(heldout)} ({', '.join(sorted(set(r['source'] for r in heldout)))})")
    split = {k: sum(r.get(f"time/{k}", 0.0) or 0.0 for r in rl_steps) for k in ("generate", "reward", "update")}
    print("\n| model | pass@1 | format rate | samples | masked | generate s | check s |")
    print("|---|---|---|---|---|---|---|")
    for name, s in (("SFT (before RL)", before), ("SFT + adaptive DAPO", after)):
        print(f"| {name} | {s.pass_at_1:.3f} | {s.format_rate:.3f} | {s.samples} | {s.masked} | "
              f"{s.seconds_generate:.0f} | {s.seconds_check:.0f} |")
    print(f"\nwall seconds per stage (0 = reused from an earlier run): "
          + ", ".join(f"{k} {v:.0f}" for k, v in seconds.items())
          + f"; 1-minute load average at start {load_start:.1f}, at end {os.getloadavg()[0]:.1f}")
    total = sum(split.values()) or 1.0
    print(f"RL steps: {len(rl_steps)}; RL time split: " +
          ", ".join(f"{k} {v:.0f} s ({100 * v / total:.0f}%)" for k, v in split.items()))
    if rl_steps:
        print(f"RL mean over steps: rounds {sum(r['dapo/rounds'] for r in rl_steps) / len(rl_steps):.2f}, "
              f"keep ratio (last) {rl_steps[-1]['dapo/keep_ratio']:.2f}, train pass rate first/last "
              f"{rl_steps[0]['reward/pass_rate']:.3f}/{rl_steps[-1]['reward/pass_rate']:.3f}")
    print(f"rl_gain: pass@1 before {before.pass_at_1:.3f} after {after.pass_at_1:.3f} on {before.problems} "
          f"held-out problems")


if __name__ == "__main__":
    main()
