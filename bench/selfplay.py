"""Self-play vs plain RL on 2 CPU cores: pass@1 on held-out generator problems of a level never trained on,
before and after self-play, beside plain adaptive DAPO on generator problems for the same wall time.

    python bench/selfplay.py [--out runs/selfplay_bench] [--config configs/small_cpu.yaml]

1. Problems: train = generator families alu and lfsr at level 1; held-out = the same families at level 2
   (a level never seen in SFT, self-play or RL), drawn with another seed.
2. SFT of the small_cpu.yaml model from scratch on the train problems (--sft-steps).
3. Self-play (codev.train.selfplay) from the SFT model, the buffer seeded with the train problems as spec,
   deduction and induction tasks; its wall time W is measured.
4. Plain RL (`codev train rl`, same RL settings) from the same SFT model on the train problems, stopped
   after W seconds; its last checkpoint is scored.
Resumable: each stage's output is kept in --out and reused by a rerun. The last line reads
`selfplay: pass@1 before B after A (plain RL P) on N held-out problems`.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.rl_gain import generate  # the same generator data as the RL-gain benchmark


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


def timed(path: Path, fn) -> float:
    """Seconds `fn` took, remembered in `path` (a rerun reuses the finished stage)."""
    if path.is_file():
        return float(path.read_text())
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    path.write_text(f"{seconds:.1f}")
    return seconds


def plain_rl(out: Path, recipe, sft_model: str, train: Path, seconds: float, threads: int) -> str:
    """`codev train rl` in a subprocess for `seconds` of wall time (every step checkpointed); its last checkpoint."""
    import yaml

    rl_dir = out / "rl"
    done = rl_dir / "stopped"
    if not done.is_file():
        rl = asdict(recipe.rl)
        rl.update(data=str(train), output_dir=str(rl_dir), max_steps=10_000, save_steps=1)
        (out / "rl_recipe.yaml").write_text(yaml.safe_dump({"model": asdict(recipe.model), "rl": rl}))
        proc = subprocess.Popen([sys.executable, "-m", "codev", "train", "rl", "--config", str(out / "rl_recipe.yaml"),
                                 "--model", sft_model], cwd=ROOT, start_new_session=True,
                                env=dict(os.environ, PYTHONPATH=str(ROOT),  # as many torch threads as self-play
                                         **({"OMP_NUM_THREADS": str(threads)} if threads else {})),
                                stdout=subprocess.DEVNULL,
                                stderr=(out / "rl.log").open("w"))
        try:
            proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        done.write_text(str(seconds))
    checkpoints = sorted(rl_dir.glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1]))
    if not checkpoints:
        raise SystemExit(f"plain RL wrote no checkpoint in {seconds:.0f} s (see {out / 'rl.log'})")
    return str(checkpoints[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="runs/selfplay_bench")
    p.add_argument("--config", default=str(ROOT / "configs" / "small_cpu.yaml"), help="model, SFT and RL settings")
    p.add_argument("--selfplay-config", default=str(ROOT / "configs" / "selfplay_tiny_cpu.yaml"),
                   help="self-play settings (its model: and selfplay.rl: are replaced by --config's)")
    p.add_argument("--families", default="alu,lfsr")
    p.add_argument("--train-level", type=int, default=1)
    p.add_argument("--heldout-level", type=int, default=2)
    p.add_argument("--n-train", type=int, default=80)
    p.add_argument("--n-heldout", type=int, default=12)
    p.add_argument("--sft-steps", type=int, default=400)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--steps-per-round", type=int, default=2)
    p.add_argument("--prompts-per-step", type=int, default=4)
    p.add_argument("--num-generations", type=int, default=4)
    p.add_argument("--solver-samples", type=int, default=4, help="solver answers per valid proposal")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--samples", type=int, default=4, help="samples per held-out problem for pass@1")
    p.add_argument("--temperature", type=float, default=0.5)
    p.add_argument("--max-tokens", type=int, default=320)
    args = p.parse_args()

    import torch

    from codev.train.checker_client import RewardChecker
    from codev.train.config import load_recipe
    from codev.train.rl import checker_options
    from codev.train.selfplay.buffer import TaskBuffer
    from codev.train.selfplay.config import load_selfplay_recipe
    from codev.train.selfplay.loop import run_selfplay
    from codev.train.selfplay.report import funnel, quote
    from codev.train.sft import run_sft

    if args.threads:
        torch.set_num_threads(args.threads)
    load_start = os.getloadavg()[0]
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    recipe = load_recipe(args.config)
    recipe.sft.max_steps = args.sft_steps
    recipe.rl.prompts_per_step = args.prompts_per_step
    recipe.rl.num_generations = args.num_generations
    recipe.rl.logging_steps = 1
    families = ["--families", args.families]
    generate(out / "heldout", args.n_heldout, 1, families + ["--min-level", str(args.heldout_level),
                                                             "--max-level", str(args.heldout_level)])
    generate(out / "train", args.n_train, 0, families + ["--min-level", str(args.train_level), "--max-level",
                                                         str(args.train_level), "--exclude-from", str(out / "heldout")])
    heldout = load_rows(out / "heldout")

    recipe.sft.data = str(out / "train")
    recipe.sft.output_dir = str(out / "sft")
    sft_model = str(out / "sft" / "final")
    sft_seconds = timed(out / "sft.seconds", lambda: run_sft(recipe.sft, recipe.model))

    sp = load_selfplay_recipe(args.selfplay_config).selfplay
    sp.seed_data, sp.output_dir = str(out / "train"), str(out / "selfplay")
    sp.seed_limit = 0
    sp.solver_samples = args.solver_samples
    sp.rounds, sp.steps_per_round = args.rounds, args.steps_per_round
    sp.solver_prompts = max(sp.solver_prompts, 2 * args.prompts_per_step)
    sp.rl = recipe.rl
    model = recipe.model
    model.path = sft_model

    with RewardChecker(checker_options(recipe.rl.reward), recipe.rl.reward.workers) as checker:
        before = score(sft_model, heldout, checker, args, out / "score_before.json")
        final = {}
        sp_seconds = timed(out / "selfplay.seconds", lambda: final.setdefault("m", run_selfplay(sp, model)))
        sp_model = final.get("m") or str(out / "selfplay" / f"round-{args.rounds - 1:03d}" / "final")
        after = score(sp_model, heldout, checker, args, out / "score_selfplay.json")
        rl_model = plain_rl(out, recipe, sft_model, out / "train", sp_seconds, args.threads)
        plain = score(rl_model, heldout, checker, args, out / "score_plain_rl.json")

    buffer = TaskBuffer(out / "selfplay")
    print(f"\nmodel hidden {model.tiny_hidden} x {model.tiny_layers} layers, SFT {args.sft_steps} steps on "
          f"{len(load_rows(out / 'train'))} level-{args.train_level} {args.families} problems; held-out: "
          f"{len(heldout)} level-{args.heldout_level} problems; self-play {args.rounds} rounds x "
          f"{args.steps_per_round} steps of {args.prompts_per_step} prompts x {args.num_generations}; "
          f"plain RL for the same {sp_seconds:.0f} s ({rl_model.rsplit('-', 1)[-1]} steps)")
    print("\n| model | pass@1 | format rate | samples | masked |\n|---|---|---|---|---|")
    for name, s in (("SFT (before)", before), ("SFT + self-play", after), ("SFT + plain RL, same wall time", plain)):
        print(f"| {name} | {s.pass_at_1:.3f} | {s.format_rate:.3f} | {s.samples} | {s.masked} |")
    print("\nproposal funnel (type: proposed / valid / learnable; rejected by):")
    for t, row in funnel(buffer).items():
        why = ", ".join(f"{k} {v}" for k, v in row.items() if k not in ("proposed", "valid", "learnable"))
        print(f"  {t}: {row['proposed']} / {row['valid']} / {row['learnable']}; {why or '-'}")
    for rec in buffer.proposals[:3] + [r for r in buffer.proposals if r.valid][:2]:
        print(f"\n--- round {rec.round} {rec.type}: {'valid' if rec.valid else rec.reason} "
              f"({quote(rec.detail, 160)})\n{quote(rec.text, 400)}")
    print(f"\nwall seconds: SFT {sft_seconds:.0f}, self-play {sp_seconds:.0f}, plain RL {sp_seconds:.0f}; "
          f"1-minute load average at start {load_start:.1f}, at end {os.getloadavg()[0]:.1f}")
    print(f"selfplay: pass@1 before {before.pass_at_1:.3f} after {after.pass_at_1:.3f} "
          f"(plain RL {plain.pass_at_1:.3f}) on {before.problems} held-out problems")


if __name__ == "__main__":
    main()
