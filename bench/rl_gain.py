"""Does RL make the model better? SFT a small model from scratch on generator problems, pick the training
problems it solves sometimes (the learnable band), run adaptive DAPO on them, and score before / after /
compute-matched controls on the band and on held-out problems, for several seeds.

    python bench/rl_gain.py --out runs/rl_gain --seeds 3 [--config configs/small_cpu.yaml] [--resume]

Stages (each timed, with the 1-minute load average when it ends):
- data: held-out problems first (generator seed 1), then training problems that exclude them item by item
  (`--exclude-from`), so no held-out problem (an ALU's operation table, an LFSR's taps and seed) is trained on;
  with `--unseen-levels LO-HI` a second held-out set at levels never trained on (generator seed 2), scored
  with `--unseen-samples` samples per problem for every model.
- sft: the recipe's SFT stage, then `--sft-anneal`'s from its model on the same data (or `--sft-model`, an
  existing SFT model: the stage is skipped and says so).
- band: the SFT model samples every training problem (the first `--band-pool` of them, when set) `--band-samples`
  times at the rollout temperature; the problems it solves sometimes but not always (`--band-low`..`--band-high`
  of them) are RL's training set (the `--rl-pool` nearest a 50% solve rate); the `--band-size` nearest are
  scored in-band for every model.
- temperature sweep: the SFT model on the held-out set at each of `--temperatures` (sampling seed 7); with the
  evaluation temperature's own score ("before") the best point is the "SFT at its best temperature" control.
- per seed s: RL (recipe seed s) on the band; "more SFT" control: the SFT model trained further on the SFT data
  for the same wall time as RL took (sft.max_seconds, lr 0.1x the recipe's, constant; `--control-steps N`
  fixes the steps instead, for reruns), seed s; 1-shot RLVR: `--one-shot-config`'s recipe on the band problem
  nearest a 50% solve rate, as many sampled completions as the DAPO run; mixture search: `codev train mix`'s
  search (train/mixture.py) over the training problems with one source per difficulty level (one level: per
  SFT solve rate on the band pool: unsolved, in the band, always solved), each candidate
  RL run max_steps / `--mix-candidates` steps, chosen on the band (never on held-out problems). Every model of
  seed s is scored with sampling seed 1000+s: fresh for every benchmark seed and shared by the models of one
  seed, so their samples are compared one by one (fail->pass vs pass->fail). `--stages` picks the per-seed
  rows; several invocations may share one OUT (e.g. one process per seed, `--resume --first-seed s --seeds 1`).
  Scoring checks use one fixed stimulus seed (`--check-seed`), so a rerun judges a sample the same way.
Figures: pass@1 and pass@k (k = `--samples`, unbiased estimator) with 95% bootstrap intervals over problems.

Results are always fresh: an existing --out written by this benchmark is cleared first, unless `--resume`
(then each finished stage's result in OUT/results.json is reused: a killed run continues). The last two lines:
`rl_gain: pass@1 before B after A on N held-out problems` and `rl_control: pass@1 C (95% CI lo-hi)` (means over
seeds; the control is the stronger of the two controls on held-out pass@1).

Torch runs on one thread (--threads): on 2 shared cores two threads were 5-8x slower per step than one.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

MARKER = "results.json"


class Results:
    """OUT/results.json: one entry per finished stage, written as each finishes (resume = reuse).

    Several invocations may share one OUT (`--resume --first-seed s --seeds 1`, one process per seed on a
    2-core machine): every write re-reads the file under a lock and adds only its own key.
    """

    def __init__(self, path: Path):
        self.path = path
        self.data = self.read()

    def read(self) -> dict:
        return json.loads(self.path.read_text()) if self.path.is_file() else {}

    def get(self, key: str):
        self.data = self.read()  # another invocation on the same OUT may have finished it
        return self.data.get(key)

    def put(self, key: str, value) -> None:
        import fcntl

        with open(self.path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self.data = {**self.read(), key: value}
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.data, indent=1))
            tmp.replace(self.path)


REPORT_ONLY = False  # set by --report-only: missing stages are skipped, not run


def stage(results: Results, key: str, fn):
    """Run fn() unless results hold `key`; record its value with wall seconds and the load average."""
    done = results.get(key)
    if done is not None or REPORT_ONLY:
        return done
    start = time.perf_counter()
    value = fn()
    results.put(key, {"value": value, "seconds": time.perf_counter() - start, "load": os.getloadavg()[0]})
    return results.get(key)


def generate(out: Path, n: int, seed: int, extra: list[str]) -> None:
    # decontaminated like every generator run: needs the benchmarks ($CODEV_BENCH_ROOT, `codev bench fetch`)
    if (out / "rl.jsonl").is_file() and (out / "summary.json").is_file():
        return
    subprocess.run([sys.executable, "-m", "codev", "synth", "generate", "--n", str(n), "--seed", str(seed),
                    "--out", str(out), "--no-formal", *extra], check=True, cwd=ROOT,
                   env=dict(os.environ, PYTHONPATH=str(ROOT)))


def rl_curve(run_dir: Path) -> dict:
    """Rollout count and per-step curves of an RL run (from its metrics.jsonl)."""
    from codev.train.metrics import read_metrics

    records = read_metrics(run_dir)
    keys = ("reward/pass_rate", "reward/format_rate", "entropy", "clip_ratio/high_mean", "clip_ratio/low_mean",
            "rollout/clipped_share")
    return {"rollouts": sum(1 for m in records if "dapo/rounds" in m),
            "curve": {k: [m.get(k) for m in records if k in m] for k in keys}}


def nearest_half(counts: list[int], low: int, high: int, n: int) -> list[int]:
    """The n problems solved low..high times, nearest a 50% solve rate first (ties: lower index)."""
    mid = (low + high) / 2
    return sorted((i for i, c in enumerate(counts) if low <= c <= high), key=lambda i: (abs(counts[i] - mid), i))[:n]


def load_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def write_rows(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="runs/rl_gain")
    p.add_argument("--config", default=str(ROOT / "configs" / "small_cpu.yaml"))
    p.add_argument("--resume", action="store_true", help="reuse the finished stages of an earlier run in --out")
    p.add_argument("--seeds", type=int, default=3, help="RL/control seeds (each with fresh sampling seeds)")
    p.add_argument("--first-seed", type=int, default=0)
    p.add_argument("--data", help="a folder with heldout/ and train/ generator outputs (else generated in OUT)")
    p.add_argument("--sft-model", help="start from this SFT model instead of running the recipe's SFT stage")
    p.add_argument("--sft-anneal", default=str(ROOT / "configs" / "small_cpu_anneal.yaml"),
                   help="a second SFT recipe, run from the first stage's model on the same data ('': none)")
    p.add_argument("--n-train", type=int, default=1500)
    p.add_argument("--n-heldout", type=int, default=64)
    # level-1 alu+lfsr hold only ~26 distinct problems since functional dedup: alu levels 1-2 hold enough
    p.add_argument("--families", default="alu", help="generator families of both sets")
    p.add_argument("--min-level", type=int, default=2)
    p.add_argument("--max-level", type=int, default=2)
    p.add_argument("--unseen-levels", default="3-3",
                   help="LO-HI: a second held-out set of --families at levels never trained on (e.g. 3-3)")
    p.add_argument("--unseen-samples", type=int, default=2, help="samples per unseen-level problem")
    p.add_argument("--band-pool", type=int, default=96,
                   help="find the band among the first N training problems only (0: all; SFT uses them all)")
    p.add_argument("--samples", type=int, default=8, help="samples per held-out problem (pass@1 and pass@k)")
    p.add_argument("--report-only", action="store_true", help="print the table from OUT/results.json (with --resume)")
    p.add_argument("--band-eval-samples", type=int, default=8, help="samples per band problem")
    p.add_argument("--band-samples", type=int, default=8, help="samples per training problem to find the band")
    p.add_argument("--band-low", type=int, default=1)
    p.add_argument("--band-high", type=int, default=6)
    p.add_argument("--band-size", type=int, default=16, help="band problems scored in-band (the nearest 50%%)")
    p.add_argument("--rl-pool", type=int, default=0,
                   help="band problems RL trains on, nearest 50%% first (at least the --band-size scored ones, "
                        "always among them)")
    p.add_argument("--temperatures", default="0.3",
                   help="other SFT sampling temperatures to try (the evaluation temperature is 'before')")
    p.add_argument("--max-tokens", type=int, help="scoring's answer cap (default: the recipe's rl.max_completion_length)")
    p.add_argument("--gen-batch", type=int, default=1024,
                   help="completions generated together when scoring (a tiny model on CPU: larger is faster)")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads (0: torch's default)")
    p.add_argument("--rl-steps", type=int, help="override rl.max_steps of the recipe")
    p.add_argument("--one-shot-config", default=str(ROOT / "configs" / "rl_one_shot.yaml"),
                   help="the 1-shot RLVR recipe (its rl: section), run on the band problem nearest a 50%% solve rate")
    p.add_argument("--one-shot-steps", type=int, default=0,
                   help="its optimizer steps (default: as many sampled completions as the DAPO run's first rounds)")
    p.add_argument("--mix-candidates", type=int, default=2,
                   help="mixtures `codev train mix` tries (each RL run gets max_steps / candidates: same compute)")
    p.add_argument("--stages", default="rl,control,one_shot,mix", help="per-seed stages to run")
    p.add_argument("--control-steps", type=int, default=0,
                   help="train the more-SFT control this many steps instead of for RL's wall time (the wall time "
                        "varies with the load: a rerun that must give the same figures fixes the steps)")
    p.add_argument("--check-seed", type=int, default=1,
                   help="stimulus seed of every scoring check (fixed, so reruns judge a sample the same way; "
                        "RL's own reward keeps drawing fresh stimulus)")
    args = p.parse_args()

    import torch

    from codev.train.checker_client import RewardChecker
    from codev.train.config import load_recipe
    from codev.train.heldout import score_model
    from codev.train.metrics import read_metrics
    from codev.train.mixture import candidate_mixtures, rl_then_score, search_mixtures
    from codev.train.rl import checker_options, run_rl
    from codev.train.sft import run_sft
    from codev.train.stats import bootstrap_mean, paired_counts, problem_rates

    if args.threads:
        torch.set_num_threads(args.threads)
    global REPORT_ONLY
    REPORT_ONLY = args.report_only
    if args.report_only and not args.resume:
        sys.exit("rl_gain: --report-only needs --resume (it reads OUT/results.json)")
    out = Path(args.out)
    if out.exists() and not args.resume:
        if not (out / MARKER).is_file() and any(out.iterdir()):
            sys.exit(f"rl_gain: --out {out} is not empty and holds no {MARKER}: choose another folder")
        shutil.rmtree(out)  # fresh results: nothing of an earlier run (scores, rl/final) is reused
    out.mkdir(parents=True, exist_ok=True)
    results = Results(out / MARKER)
    recipe = load_recipe(args.config)
    if args.rl_steps:
        recipe.rl.max_steps = args.rl_steps
    stages = {x.strip() for x in args.stages.split(",") if x.strip()}
    eval_t, rollout_t = recipe.rl.eval_temperature, recipe.rl.temperature
    args.max_tokens = args.max_tokens or recipe.rl.max_completion_length
    results.put("eval_t", eval_t)
    started = time.perf_counter()
    load_start = os.getloadavg()[0]

    # ---------------------------------------------------------------- data
    data = Path(args.data) if args.data else out / "data"
    level = ["--min-level", str(args.min_level), "--max-level", str(args.max_level), "--families", args.families]
    unseen_lo, _, unseen_hi = args.unseen_levels.partition("-")
    if args.unseen_levels and (int(unseen_lo) <= args.max_level and int(unseen_hi or unseen_lo) >= args.min_level):
        sys.exit(f"rl_gain: --unseen-levels {args.unseen_levels} overlaps the trained levels "
                 f"{args.min_level}-{args.max_level}")
    unseen_level = ["--min-level", unseen_lo, "--max-level", unseen_hi or unseen_lo, "--families", args.families]

    def data_stage():
        generate(data / "heldout", args.n_heldout, 1, level)
        generate(data / "train", args.n_train, 0, level + ["--exclude-from", str(data / "heldout")])
        if args.unseen_levels:
            generate(data / "unseen", args.n_heldout, 2, unseen_level)
    stage(results, "data", data_stage)
    heldout = load_rows(data / "heldout" / "rl.jsonl")
    train = load_rows(data / "train" / "rl.jsonl")
    unseen = load_rows(data / "unseen" / "rl.jsonl") if args.unseen_levels else []
    overlap = {r["golden"] for r in heldout} & {r["golden"] for r in train}
    if overlap:
        sys.exit(f"rl_gain: {len(overlap)} held-out goldens also appear in the training set")

    # ---------------------------------------------------------------- SFT
    sft_model = args.sft_model or str(out / ("sft_anneal" if args.sft_anneal else "sft") / "final")

    def sft_stage():
        if args.sft_model:
            return {"reused": args.sft_model}
        r = copy.deepcopy(recipe)
        r.sft.data, r.sft.output_dir = str(data / "train"), str(out / "sft")
        run_sft(r.sft, r.model, resume=args.resume)
        if not args.sft_anneal:
            return {"steps": r.sft.max_steps}
        a = load_recipe(args.sft_anneal)
        a.sft.data, a.sft.output_dir = str(data / "train"), str(out / "sft_anneal")
        a.model.path = str(out / "sft" / "final")
        run_sft(a.sft, a.model, resume=args.resume)
        return {"steps": r.sft.max_steps + a.sft.max_steps}
    stage(results, "sft", sft_stage)

    def scored(model: str, rows: list[dict], samples: int, temperature: float, seed: int) -> dict:
        s = score_model(model, rows, checker, samples=samples, temperature=temperature,
                        max_tokens=args.max_tokens, batch_size=args.gen_batch, seed=seed)
        return asdict(s)

    score_options = replace(checker_options(recipe.rl.reward), seed=args.check_seed)
    with RewardChecker(score_options, recipe.rl.reward.workers) as checker:
        # ------------------------------------------------------------ the learnable band
        def band_stage():
            s = scored(sft_model, train[:args.band_pool or None], args.band_samples, rollout_t, 0)
            counts = [sum(o for o in samples if o) for samples in s["outcomes"]]
            band = nearest_half(counts, args.band_low, args.band_high, args.band_size)
            return {"indices": sorted(band), "counts": counts}
        band_info = stage(results, "band", band_stage)["value"]
        band = [train[i] for i in band_info["indices"]]
        pool = [train[i] for i in sorted(nearest_half(band_info["counts"], args.band_low, args.band_high,
                                                      max(args.rl_pool, args.band_size)))]
        if not band:
            sys.exit(f"rl_gain: no training problem solved {args.band_low}-{args.band_high} times in "
                     f"{args.band_samples} by the SFT model (counts {band_info['counts']}): nothing for RL to learn")
        write_rows(out / "band" / "rl.jsonl", band)
        write_rows(out / "rl_pool" / "rl.jsonl", pool)
        counts = band_info["counts"]
        one_shot = min(band, key=lambda row: abs(counts[train.index(row)] / args.band_samples - 0.5))
        write_rows(out / "one_shot" / "rl.jsonl", [one_shot])
        if len({row["difficulty"] for row in train}) > 1:  # one source per difficulty level
            mix_rows = [{**row, "source": f"{row['source']}/level{row['difficulty']}"} for row in train]
        else:  # one level: one source per SFT solve rate on the band pool (unsolved, in the band, solved)
            def bucket(c: int) -> str:
                return "unsolved" if c < args.band_low else "band" if c <= args.band_high else "solved"
            mix_rows = [{**row, "source": f"{row['source']}/{bucket(c)}"} for row, c in zip(train, counts)]
        write_rows(out / "mix_data" / "rl.jsonl", mix_rows)

        # ------------------------------------------------------------ SFT temperature sweep (a control)
        temps = [float(t) for t in args.temperatures.split(",") if t.strip()]
        sweep = {t: stage(results, f"sweep_T{t}", lambda t=t: scored(sft_model, heldout, args.samples, t, 7))
                 for t in temps}
        sweep = {t: v["value"] for t, v in sweep.items() if v is not None}

        # ------------------------------------------------------------ per seed
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            pre = f"seed{seed}/"
            sampling_seed = 1000 + seed  # fresh for every benchmark seed, shared by the models of one seed

            def both(model, temperature=eval_t):
                return {"heldout": scored(model, heldout, args.samples, temperature, sampling_seed),
                        "band": scored(model, band, args.band_eval_samples, temperature, sampling_seed),
                        **({"unseen": scored(model, unseen, args.unseen_samples, temperature, sampling_seed)}
                           if unseen else {})}

            stage(results, pre + "before", lambda: both(sft_model))

            def rl_stage():
                r = copy.deepcopy(recipe)
                r.rl.data, r.rl.output_dir, r.rl.seed = str(out / "rl_pool"), str(out / pre / "rl"), seed
                r.model.path = sft_model
                start = time.perf_counter()
                run_rl(r.rl, r.model, resume=args.resume)
                return {"train_seconds": time.perf_counter() - start, **rl_curve(out / pre / "rl")}
            rl = stage(results, pre + "rl", rl_stage)  # every other row is matched to its wall time or size
            stage(results, pre + "after", lambda: both(str(out / pre / "rl" / "final")))

            def control_stage():
                r = copy.deepcopy(recipe)
                r.sft.data, r.sft.output_dir, r.sft.seed = str(data / "train"), str(out / pre / "control"), seed
                if args.control_steps:
                    r.sft.max_steps = args.control_steps
                else:
                    r.sft.max_seconds = rl["value"]["train_seconds"]  # RL's wall time, model loading included
                    r.sft.max_steps = 100_000
                r.sft.learning_rate = recipe.sft.learning_rate * 0.1
                r.sft.lr_scheduler, r.sft.warmup_ratio = "constant", 0.0
                r.model.path = sft_model
                start = time.perf_counter()
                run_sft(r.sft, r.model, resume=False)
                steps = [m["step"] for m in read_metrics(out / pre / "control") if "loss" in m]
                return {"train_seconds": time.perf_counter() - start, "last_step": steps[-1] if steps else 0}
            if "control" in stages:
                stage(results, pre + "control_sft", control_stage)
                stage(results, pre + "control_sft_score", lambda: both(str(out / pre / "control" / "final")))

            def one_shot_stage():
                # 1-shot RLVR: the sibling recipe as written, on the band problem nearest 50%, scored like RL
                r = load_recipe(args.one_shot_config)
                r.model = copy.deepcopy(recipe.model)
                r.model.path = sft_model
                r.rl.data, r.rl.output_dir, r.rl.seed = str(out / "one_shot"), str(out / pre / "one_shot"), seed
                dapo = recipe.rl  # rollouts x prompts x samples of the DAPO run, in 1-shot steps
                r.rl.max_steps = args.one_shot_steps or max(1, round(
                    dapo.max_steps / (dapo.num_iterations * dapo.steps_per_generation) * dapo.prompts_per_step
                    * dapo.num_generations / (r.rl.prompts_per_step * r.rl.num_generations)))
                # the benchmark's answer length and checker, so no answer is cut and verdicts are comparable
                r.rl.max_completion_length, r.rl.reward = recipe.rl.max_completion_length, recipe.rl.reward
                start = time.perf_counter()
                run_rl(r.rl, r.model, resume=args.resume)
                return {"train_seconds": time.perf_counter() - start, "problem": one_shot["id"],
                        **rl_curve(out / pre / "one_shot")}
            if "one_shot" in stages:
                stage(results, pre + "one_shot", one_shot_stage)
                stage(results, pre + "one_shot_score", lambda: both(str(out / pre / "one_shot" / "final")))

            def mix_stage():
                # `codev train mix` on the training problems with one source per difficulty level; each
                # candidate gets max_steps / candidates, chosen on the band (never on held-out problems)
                r = copy.deepcopy(recipe)
                r.rl.data, r.rl.seed = str(out / "mix_data"), seed
                r.rl.max_steps = max(1, r.rl.max_steps // args.mix_candidates)
                r.model.path = sft_model
                start = time.perf_counter()
                candidates = candidate_mixtures(sorted({row["source"] for row in mix_rows}), args.mix_candidates,
                                                seed=seed)
                best, records = search_mixtures(candidates, rl_then_score(r, band, out / pre / "mix", checker, 4),
                                                out / pre / "mix" / "mixtures.jsonl")
                index = next(rec["index"] for rec in records if rec["mixture"] == best)
                return {"train_seconds": time.perf_counter() - start, "best": best, "model": str(
                    out / pre / "mix" / f"mix-{index}" / "final"), "candidates": records}
            if "mix" in stages:
                mix = stage(results, pre + "mix", mix_stage)
                stage(results, pre + "mix_score", lambda: both(mix["value"]["model"]))

    report(results, args, sweep, len(heldout), len(band), len(pool), load_start, time.perf_counter() - started,
           bootstrap_mean, paired_counts, problem_rates)


def report(results: Results, args, sweep: dict, n_heldout: int, n_band: int, n_pool: int, load_start: float, wall: float,
           bootstrap_mean, paired_counts, problem_rates) -> None:
    k = args.samples
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    rows = [("SFT (before RL)", "before"), ("SFT + adaptive DAPO (after)", "after"),
            ("control: more SFT, same wall time", "control_sft_score"),
            ("1-shot RLVR (rl_one_shot.yaml)", "one_shot_score"), ("mixture search (train mix)", "mix_score")]
    print(f"\nrecipe {args.config}; {n_heldout} held-out problems x {k} samples, {n_band} band problems x "
          f"{args.band_eval_samples} samples, sampling T={results.get('eval_t')}; intervals: 95% bootstrap "
          f"over problems; every model of seed s is sampled with sampling seed 1000+s (paired)")
    unseen = f" unseen-level pass@1 ({args.unseen_levels}, x{args.unseen_samples}) |" if args.unseen_levels else ""
    print(f"\n| seed | model | held-out pass@1 | held-out pass@{k} | band pass@1 | band pass@{k} | format |{unseen}")
    print("|---|---|---|---|---|---|---|" + ("---|" if unseen else ""))
    pooled: dict[str, list[list[float]]] = {}
    for seed in seeds:
        for name, key in rows:
            entry = results.get(f"seed{seed}/{key}")
            if entry is None:
                continue
            v = entry["value"]
            h1, hk = problem_rates(v["heldout"]["outcomes"], 1), problem_rates(v["heldout"]["outcomes"], k)
            b1, bk = problem_rates(v["band"]["outcomes"], 1), problem_rates(v["band"]["outcomes"], k)
            pooled.setdefault(key + "/h1", []).append(h1)
            pooled.setdefault(key + "/b1", []).append(b1)
            u1 = problem_rates(v["unseen"]["outcomes"], 1) if "unseen" in v else None
            if u1 is not None:
                pooled.setdefault(key + "/u1", []).append(u1)
            print(f"| {seed} | {name} | {bootstrap_mean(h1)} | {bootstrap_mean(hk)} | {bootstrap_mean(b1)} | "
                  f"{bootstrap_mean(bk)} | {v['heldout']['format_rate']:.2f} |"
                  + (f" {bootstrap_mean(u1)} |" if u1 is not None else ""))
    for t, v in sweep.items():
        h1, hk = problem_rates(v["outcomes"], 1), problem_rates(v["outcomes"], k)
        pooled[f"sweep_T{t}/h1"] = [h1]
        print(f"| - | control: SFT at T={t} (sampling seed 7) | {bootstrap_mean(h1)} | {bootstrap_mean(hk)} | "
              f"- | - | {v['format_rate']:.2f} |")
    print("\npaired, sample by sample (same sampling seed): fail->pass / pass->fail")
    for seed in seeds:
        before = results.get(f"seed{seed}/before")
        for name, key in rows[1:]:
            other = results.get(f"seed{seed}/{key}")
            if before is None or other is None:
                continue
            hu, hd = paired_counts(before["value"]["heldout"]["outcomes"], other["value"]["heldout"]["outcomes"])
            bu, bd = paired_counts(before["value"]["band"]["outcomes"], other["value"]["band"]["outcomes"])
            print(f"  seed {seed}, SFT -> {name}: held-out {hu} / {hd}; band {bu} / {bd}")
    print("\nRL runs:")
    for seed, run in ((seed, run) for seed in seeds for run in ("rl", "one_shot")):
        rl = results.get(f"seed{seed}/{run}")
        if rl is None:
            continue
        c = rl["value"]["curve"]

        def first_last(key):  # means of the first and the last quarter of the run: one rollout is noisy
            vals = [x for x in c.get(key, []) if x is not None]
            q = max(1, len(vals) // 4)
            return f"{sum(vals[:q]) / q:.3f} -> {sum(vals[-q:]) / q:.3f}" if vals else "n/a"
        clip = max([x or 0 for x in c.get("clip_ratio/high_mean", []) + c.get("clip_ratio/low_mean", [])] or [0])
        control = results.get(f"seed{seed}/control_sft") if run == "rl" else None
        print(f"  seed {seed} {run}: {rl['value']['rollouts']} rollouts in {rl['value']['train_seconds']:.0f} s; train "
              f"(first -> last quarter) pass rate {first_last('reward/pass_rate')}, format {first_last('reward/format_rate')}, entropy "
              f"{first_last('entropy')}, max clip fraction {clip:.3f}"
              + (f"; control SFT steps in the same time: {control['value']['last_step']}" if control else ""))
    for seed in seeds:
        mix = results.get(f"seed{seed}/mix")
        if mix is not None:
            tried = ", ".join(f"{json.dumps(c['mixture'])}: band pass@1 {c['pass_at_1']:.3f}"
                              for c in mix["value"]["candidates"])
            print(f"  seed {seed} mixture search: {tried}; best {json.dumps(mix['value']['best'])}")
    band = results.get("band")
    if band is not None:
        counts = band["value"]["counts"]
        inside = sum(args.band_low <= c <= args.band_high for c in counts)
        rate = sum(counts) / max(1, len(counts)) / args.band_samples
        print(f"  band: {inside} of {len(counts)} training problems solved {args.band_low}-{args.band_high} times "
              f"in {args.band_samples} by the SFT model (mean solve rate {rate:.3f}); RL trains on the {n_pool} "
              f"nearest 50%, {n_band} of them scored")
    print("\nstage seconds (1-minute load average when it ended):")
    for key, entry in results.data.items():
        if isinstance(entry, dict) and "seconds" in entry:
            print(f"  {key}: {entry['seconds']:.0f} s (load {entry['load']:.1f})")
    print(f"total {wall:.0f} s this invocation; load average at start {load_start:.1f}, at end "
          f"{os.getloadavg()[0]:.1f}")

    def mean_over_seeds(key: str):
        per_seed = pooled[key]  # each problem's mean over seeds, then the bootstrap over problems
        return bootstrap_mean([sum(v[i] for v in per_seed) / len(per_seed) for i in range(len(per_seed[0]))])

    if "after/h1" not in pooled:
        return
    before, after = mean_over_seeds("before/h1"), mean_over_seeds("after/h1")
    print(f"band pass@1, mean over seeds: before {mean_over_seeds('before/b1')} after {mean_over_seeds('after/b1')}"
          + (f" control (more SFT) {mean_over_seeds('control_sft_score/b1')}" if "control_sft_score/b1" in pooled
             else ""))
    print(f"held-out pass@1, mean over seeds: before {before} after {after}")
    for name, key in rows[2:]:  # the controls and the sibling recipes, where every seed has the row
        if len(pooled.get(f"{key}/h1", [])) == len(pooled["after/h1"]):
            print(f"held-out pass@1, mean over seeds, {name}: {mean_over_seeds(key + '/h1')}")
    if "after/u1" in pooled:
        print(f"unseen-level ({args.unseen_levels}) pass@1, mean over seeds: before {mean_over_seeds('before/u1')} "
              f"after {mean_over_seeds('after/u1')}")
    controls = {key: mean_over_seeds(key) for key in pooled if key.endswith("/h1")
                and (key.startswith("control") or key.startswith("sweep"))}
    controls["before/h1"] = before  # the SFT model at the evaluation temperature is a point of the sweep
    c = max(controls.values(), key=lambda i: i.mean)
    print(f"rl_gain: pass@1 before {before.mean:.3f} after {after.mean:.3f} on {n_heldout} held-out problems")
    print(f"rl_control: pass@1 {c.mean:.3f} (95% CI {c.low:.3f}-{c.high:.3f})")


if __name__ == "__main__":
    main()
