"""Synthesis throughput: items/s per stage and the funnel (prints figures; not run by CI).

Three runs, each in a fresh temporary folder, on the cores given by --jobs:
  builtin   configs/synth_default.yaml: seed corpus, replayed responses, real Icarus round-trip and
            difficulty checks, generator items (the run `make demo` and the tests do)
  serv      the SERV RISC-V CPU from PyPI (pythondata-cpu-serv, ISC licence), read as data: ingest,
            filters, dedup and decontamination of real multi-module code (skipped if not installed)
  scale     --scale synthetic modules (JSONL; families of small designs with many near copies) through
            ingest, filters, dedup and decontamination: the per-item cost of the static stages
  degenerate  the scale run's items after decontamination through the degenerate screen on its own:
            dataflow only, then dataflow plus the golden's own simulation (one check per item)
  ray       the builtin run again with its checker-bound stages on a local Ray instance of --jobs CPUs
            (`codev synth run --ray local`): what the Ray path costs on one machine
  memory    --memory distinct synthetic modules (random logic, few near copies, so the dedup index
            holds most of them) through ingest, dedup and decontamination by text, each stage run on
            its own (no filters, no checker): items/s and the process's peak RSS after each stage;
            decontamination again with 8-gram Dice alone (dice_only), so the Rouge-L screen's cost shows

    python bench/synth_throughput.py [--jobs 2] [--scale 1000] [--bench-root DIR] [--only builtin,serv,scale,...]
    python bench/synth_throughput.py --only scale --scale 20000 --no-compile   # memory at scale (peak RSS)
    python bench/synth_throughput.py --only scale --max-bijections 0   # decontam by port names only (the old check)
    python bench/synth_throughput.py --only memory --memory 100000      # does memory grow with the corpus?
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from codev.synth.config import config_from_mapping, load_config
from codev.synth.pipeline import run_pipeline

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = [
    "module add{i}(input [{w}:0] a, input [{w}:0] b, output [{w1}:0] s);\n  assign s = a + b + {k};\nendmodule\n",
    "module cmp{i}(input [{w}:0] a, output y);\n  assign y = (a > {k}) ^ a[0];\nendmodule\n",
    ("module cnt{i}(input clk, input rst, input en, output reg [{w}:0] q);\n  always @(posedge clk)\n"
     "    if (rst) q <= 0;\n    else if (en) q <= (q == {k}) ? 0 : q + 1;\nendmodule\n"),
    ("module sh{i}(input clk, input [{w}:0] d, input load, output reg [{w}:0] q);\n  always @(posedge clk)\n"
     "    if (load) q <= d;\n    else q <= {{q[{wm}:0], q[{w}] ^ q[0]}};\nendmodule\n"),
]


def synthetic(path: Path, n: int) -> Path:
    rng = random.Random(0)
    with open(path, "w") as fh:
        for i in range(n):
            w = rng.randint(3, 12)
            code = rng.choice(TEMPLATES).format(i=i % (n // 4 + 1), w=w, w1=w + 1, wm=w - 1, k=rng.randint(1, 7))
            fh.write(json.dumps({"code": code, "path": f"synthetic/{i}.v", "licence": "CC0-1.0"}) + "\n")
    return path


OPS = ("+", "-", "^", "&", "|")


def distinct(path: Path, n: int) -> Path:
    """n modules of random logic: a few assigns over random operators, operands and constants."""
    rng = random.Random(1)
    with open(path, "w") as fh:
        for i in range(n):
            w = rng.randint(3, 15)
            lines = []
            names = ["a", "b", "c"]
            for j in range(rng.randint(3, 6)):
                x, y = rng.choice(names), rng.choice(names)
                lines.append(f"  wire [{w}:0] t{j} = ({x} {rng.choice(OPS)} {rng.randint(0, 99)}) "
                             f"{rng.choice(OPS)} ({y} {rng.choice(OPS)} {x}[{rng.randint(0, w)}]);")
                names.append(f"t{j}")
            code = (f"module r{i}(input [{w}:0] a, input [{w}:0] b, input [{w}:0] c, output [{w}:0] y);\n"
                    + "\n".join(lines) + f"\n  assign y = {names[-1]} {rng.choice(OPS)} {names[-2]};\nendmodule\n")
            fh.write(json.dumps({"code": code, "path": f"distinct/{i}.v", "licence": "CC0-1.0"}) + "\n")
    return path


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_run(n: int, folder: Path, bench_root: Path) -> None:
    """Ingest, dedup and decontamination by text on n items, stage by stage, with the peak RSS after each."""
    from codev.synth.decontam import BenchmarkIndex, Decontaminator
    from codev.synth.dedup import Deduplicator
    from codev.synth.ingest_stage import run_ingest
    from codev.synth.pipeline import stage_file
    from codev.synth.store import StageFile, run_stage

    data = distinct(folder / "distinct.jsonl", n)
    config = config_from_mapping({"sources": [{"kind": "jsonl", "path": str(data), "name": "distinct"}],
                                  "decontam": {"function": False}})
    out = folder / "memory"
    files = {name: stage_file(out, name) for name in ("ingest", "dedup", "decontam")}
    print(f"\n== memory ({n} distinct synthetic modules: ingest, dedup, decontam by text; no filters)")
    print(f"{'stage':<11} {'in':>7} {'kept':>7} {'seconds':>8} {'items/s':>8} {'peak RSS MiB':>13}")
    print(f"{'(start)':<11} {'':>7} {'':>7} {'':>8} {'':>8} {peak_mib():13.0f}")
    timing = run_ingest(config.sources, files["ingest"], False)
    stages = [("ingest", timing, peak_mib())]
    timing = run_stage(Deduplicator(config.dedup), lambda: files["ingest"].kept_items(), files["dedup"], 64, False)
    stages.append(("dedup", timing, peak_mib()))
    index = BenchmarkIndex(bench_root, config.decontam)
    timing = run_stage(Decontaminator(index, config.checker, None), lambda: files["dedup"].kept_items(),
                       files["decontam"], 64, False)
    stages.append(("decontam", timing, peak_mib()))
    # the same without the Rouge-L screen (8-gram Dice only): what Rouge-L costs
    files["dice_only"] = StageFile(out / "stages" / "dice_only.jsonl")
    plain = BenchmarkIndex(bench_root, replace(config.decontam, rouge_l=0, rouge_l_code=0))
    timing = run_stage(Decontaminator(plain, config.checker, None), lambda: files["dedup"].kept_items(),
                       files["dice_only"], 64, False)
    stages.append(("dice_only", timing, peak_mib()))
    for name, t, peak in stages:
        kept = sum(1 for _ in files[name].kept_items())
        print(f"{name:<11} {t.items:>7} {kept:>7} {t.seconds:8.1f} {t.rate:8.0f} {peak:13.0f}")
    print(f"peak RSS after all stages: {peak_mib():.0f} MiB; stage files "
          f"{sum(f.path.stat().st_size for f in files.values()) / 2**20:.0f} MiB on disk")


def degenerate_run(out: Path, jobs: int) -> None:
    """The degenerate screen alone over the scale run's decontaminated items: structure, then with simulation."""
    from codev.synth.checking import Checker
    from codev.synth.config import DegenerateConfig
    from codev.synth.degenerate_stage import DegenerateScreen
    from codev.synth.pipeline import stage_file
    from codev.synth.store import StageFile, run_stage
    from testbench_gen import CheckOptions

    source = stage_file(out, "decontam")
    print(f"\n== degenerate (the scale run's {sum(1 for _ in source.kept_items())} decontaminated items, "
          f"--jobs {jobs})")
    print(f"{'screen':<22} {'in':>6} {'kept':>6} {'seconds':>8} {'items/s':>8}  dropped")
    with Checker(jobs) as checker:
        for label, config in (("dataflow only", DegenerateConfig(never_toggles=False)),
                              ("dataflow + simulation", DegenerateConfig())):
            target = StageFile(out / "stages" / f"degenerate_{config.never_toggles}.jsonl")
            timing = run_stage(DegenerateScreen(config, CheckOptions(cycles=500, seeds=2), checker),
                               source.kept_items, target, 64, False)
            kept = sum(1 for _ in target.kept_items())
            dropped = Counter(r["reason"] for r in target.records() if r["status"] != "kept")
            print(f"{label:<22} {timing.items:>6} {kept:>6} {timing.seconds:8.1f} {timing.rate:8.1f}  "
                  f"{json.dumps(dict(dropped))}")


def show(name: str, summary) -> None:
    print(f"\n== {name}")
    print(f"{'stage':<18} {'in':>6} {'kept':>6}  {'items':>6} {'seconds':>8} {'items/s':>8}  dropped")
    for stage in summary.stages:
        t = summary.timings.get(stage.name)
        rate = f"{t.rate:8.1f}" if t and t.seconds else f"{'-':>8}"
        secs = f"{t.seconds:8.2f}" if t else f"{'-':>8}"
        print(f"{stage.name:<18} {stage.inputs:>6} {stage.kept:>6}  {t.items if t else 0:>6} {secs} {rate}  "
              f"{json.dumps(dict(stage.dropped))}")
    for what, note in summary.notes.items():
        print(f"{what}: {note}")
    print(f"SFT rows {summary.sft}, RL rows {summary.rl}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--scale", type=int, default=1000)
    ap.add_argument("--memory", type=int, default=20000, help="items of the memory run")
    ap.add_argument("--only", default="builtin,serv,scale,degenerate",
                    help="comma-separated runs (builtin, serv, scale, degenerate (needs scale), ray, memory)")
    ap.add_argument("--max-bijections", type=int, default=24,
                    help="port bijections tried per benchmark problem (0: only items with the problem's port names)")
    ap.add_argument("--no-compile", action="store_true", help="scale run without the Icarus compile filter")
    ap.add_argument("--bench-root", type=Path,
                    default=None)
    args = ap.parse_args()
    from codev.eval.userconfig import require_bench_root

    args.bench_root = require_bench_root(args.bench_root)  # the one lookup (flag, $CODEV_BENCH_ROOT, fetched copy)
    print(f"cores available: {len(os.sched_getaffinity(0))}; --jobs {args.jobs}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        runs = set(args.only.split(","))
        if "builtin" in runs:
            started = time.monotonic()
            config = replace(load_config(REPO / "configs" / "synth_default.yaml"), jobs=args.jobs)
            show("builtin (configs/synth_default.yaml)", run_pipeline(config, tmp / "builtin", args.bench_root, False,
                                                                       lambda s: None))
            print(f"builtin wall: {time.monotonic() - started:.1f} s")
        if "ray" in runs:
            started = time.monotonic()
            config = replace(load_config(REPO / "configs" / "synth_default.yaml"), jobs=args.jobs)
            show(f"builtin on Ray (--ray local, {args.jobs} worker processes)",
                 run_pipeline(config, tmp / "builtin_ray", args.bench_root, False, lambda s: None, ray="local"))
            print(f"builtin on Ray wall (Ray start included): {time.monotonic() - started:.1f} s")

        static = {"roundtrip": {"enabled": False}, "jobs": args.jobs, "chunk": 64,
                  "decontam": {"max_bijections": args.max_bijections},
                  "filters": {"max_lines": 4000, "max_chars": 200000}}
        try:
            import pythondata_cpu_serv as serv
        except ImportError:
            serv = None
            print("\n== serv: skipped (pip install pythondata-cpu-serv)")
        if serv is not None and "serv" in runs:
            root = Path(serv.__file__).parent / "verilog"
            cfg = config_from_mapping({"sources": [{"kind": "folder", "path": str(root), "name": "serv"}], **static})
            show("serv (pythondata-cpu-serv, static stages)", run_pipeline(cfg, tmp / "serv", args.bench_root, False,
                                                                          lambda s: None))
        if "scale" in runs:
            data = synthetic(tmp / "synthetic.jsonl", args.scale)
            cfg = config_from_mapping({"sources": [{"kind": "jsonl", "path": str(data), "name": "synthetic"}],
                                       **{**static, "filters": {"min_lines": 1, "compile": not args.no_compile}}})
            show(f"scale ({args.scale} synthetic modules, static stages{', no compile' if args.no_compile else ''})",
                 run_pipeline(cfg, tmp / "scale", args.bench_root, False, lambda s: None))
            if "degenerate" in runs:
                degenerate_run(tmp / "scale", args.jobs)
        if "memory" in runs:
            memory_run(args.memory, tmp, args.bench_root)
    print(f"\npeak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
