"""`codev demo`: the whole pipeline on built-in defaults, offline: synthesise a verified dataset, distill the tiny
model, a few adaptive DAPO steps with the real checker pool, score it on a VerilogEval v2 / RTLLM subset, and
write OUT/report.md. Each stage is an ordinary codev command run in-process; a stage whose outputs are complete
is skipped, so rerunning resumes (and a killed stage resumes from its own checkpoints)."""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml

from codev.cli import UsageError
from codev.config import build, read_mapping

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "configs" / "demo.yaml"
TIMES_FILE = "stage_times.json"
STAGE_NAMES = ("synth", "sft", "rl", "eval")


@dataclass
class Stage:
    """One pipeline step: the codev command it runs, how to tell it is done, and its one-line summary."""
    name: str
    argv: list[str]
    done: Callable[[], bool]
    summary: Callable[[], str]


def register(sub) -> None:
    p = sub.add_parser("demo", help="run the whole pipeline on built-in defaults (3-5 minutes on 2 busy cores)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="example:\n  codev demo --out runs/demo")
    p.add_argument("--out", type=Path, default=Path("runs/demo"), help="output folder; rerunning on it resumes")
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="demo recipe (YAML)")
    p.add_argument("--bench-root", type=Path,
                   help="benchmarks for decontamination and scoring (default: $CODEV_BENCH_ROOT, the folder "
                        "`codev bench fetch` recorded, else ../shared/benchmarks; without them both are skipped)")
    p.add_argument("--jobs", type=int, default=2, help="checker / simulation processes")
    p.add_argument("--stop-after", choices=STAGE_NAMES, help="stop after this stage (the report covers what ran)")
    p.set_defaults(func=run)


@dataclass(frozen=True)
class StageRecipe:
    """A stage's recipe: `base` (a recipe file beside the demo recipe) with `override`'s keys laid over it."""
    base: str
    override: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DemoEval:
    """The scoring stage's `codev eval` options (the demo's subset of benchmarks and problems)."""
    bench: list[str]
    problems: list[str]
    n: int = 1
    k: list[int] = field(default_factory=lambda: [1])
    max_tokens: int = 128
    temperature: float = 0.2
    prompt_style: str = "official"
    equivalence: bool = False

    def __post_init__(self):
        for key in ("bench", "problems"):
            if not getattr(self, key):
                raise ValueError(f"{key} must be a non-empty list")


@dataclass(frozen=True)
class DemoConfig:
    """configs/demo.yaml: the synthesis and training recipes (base + override) and the scoring subset."""
    synth: StageRecipe
    train: StageRecipe
    eval: DemoEval
    torch_threads: int = 1  # intra-op threads of the in-process stages

    def problems(self) -> list[str]:
        return ["torch_threads must be a whole number >= 1"] if self.torch_threads < 1 else []


def load_demo_config(path: Path) -> DemoConfig:
    return build(DemoConfig, read_mapping(path, what="--config"), str(path))


def merged(base: dict, override: dict) -> dict:
    """`base` with `override` laid over it, nested mappings merged key by key."""
    out = dict(base)
    for key, value in override.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def write_stage_config(section: StageRecipe, config_path: Path, dest: Path, where: str) -> Path:
    base = config_path.parent / section.base
    if not base.is_file():
        raise UsageError(f"{config_path}: {where}.base {section.base!r}: file not found")
    data = merged(read_mapping(base, what=f"{config_path}: {where}.base"), section.override)
    dest.write_text(f"# written by `codev demo` from {base} and {config_path}\n" + yaml.safe_dump(data, sort_keys=False),
                    encoding="utf-8")
    return dest


def _jsonl_rows(path: Path) -> int:
    return sum(1 for line in path.open(encoding="utf-8") if line.strip()) if path.is_file() else 0


def _last(records: list[dict], key: str) -> float | None:
    values = [r[key] for r in records if isinstance(r.get(key), (int, float))]
    return values[-1] if values else None


def _final_done(run_dir: Path) -> bool:
    return (run_dir / "final" / "tokenizer_config.json").is_file()


def plan(out: Path, config: DemoConfig, config_path: Path, bench_root: Path | None, jobs: int) -> list[Stage]:
    """The stages in order, their commands spelled as on the command line (minus the leading `codev`)."""
    synth_cfg = config.synth
    if bench_root is None:  # no benchmarks: nothing to decontaminate against
        synth_cfg = StageRecipe(synth_cfg.base, merged(synth_cfg.override, {"decontam": {"enabled": False}}))
    synth_yaml = write_stage_config(synth_cfg, config_path, out / "synth.yaml", "synth")
    train_yaml = write_stage_config(config.train, config_path, out / "train.yaml", "train")
    synth, sft, rl, ev = out / "synth", out / "sft", out / "rl", out / "eval"
    bench = ["--bench-root", str(bench_root)] if bench_root else []

    def synth_summary() -> str:
        funnel = json.loads((synth / "funnel.json").read_text(encoding="utf-8"))["stages"]
        steps = ", ".join(f"{s['name']} {s['in']}->{s['kept']}" for s in funnel)
        return f"{_jsonl_rows(synth / 'sft.jsonl')} SFT rows, {_jsonl_rows(synth / 'rl.jsonl')} RL rows ({steps})"

    def train_summary(run_dir: Path, key: str) -> Callable[[], str]:
        def summary() -> str:
            from codev.train.metrics import read_metrics

            records = read_metrics(run_dir) if (run_dir / "metrics.jsonl").is_file() else []
            value = _last(records, key)
            shown = "-" if value is None else f"{value:.3f}"
            return f"{_last(records, 'step') or 0:.0f} steps, last {key} {shown}, model {run_dir / 'final'}"
        return summary

    stages = [
        Stage("synth", ["synth", "run", "--config", str(synth_yaml), "--out", str(synth), "--jobs", str(jobs), *bench],
              lambda: (synth / "funnel.json").is_file() and (synth / "sft.jsonl").is_file(), synth_summary),
        Stage("sft", ["train", "sft", "--config", str(train_yaml), "--data", str(synth / "sft.jsonl"),
                      "--output-dir", str(sft)], lambda: _final_done(sft), train_summary(sft, "loss")),
        Stage("rl", ["train", "rl", "--config", str(train_yaml), "--data", str(synth / "rl.jsonl"),
                     "--model", str(sft / "final"), "--output-dir", str(rl)],
              lambda: _final_done(rl), train_summary(rl, "reward")),
    ]
    if bench_root is not None:
        e = config.eval
        stages.append(Stage(
            "eval", ["eval", "--model", str(rl / "final"), "--bench", ",".join(e.bench),
                     "--problems", ",".join(e.problems), "--n", str(e.n),
                     "--k", ",".join(str(k) for k in e.k), "--max-tokens", str(e.max_tokens),
                     "--temperature", str(e.temperature), "--prompt-style", e.prompt_style,
                     *(["--equivalence"] if e.equivalence else []), "--jobs", str(jobs), *bench, "--out", str(ev)],
            lambda: (ev / "summary.json").is_file(), lambda: _eval_line(ev)))
    return stages


def _eval_line(ev: Path) -> str:
    summary = json.loads((ev / "summary.json").read_text(encoding="utf-8"))
    return ", ".join(f"{name} pass@1 {_pct(b.get('pass@1'))} ({b.get('problems', '?')} problems)"
                     for name, b in summary["benchmarks"].items())


def _pct(value) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def run(args) -> int:
    from codev.cli import main as codev_main
    from codev.eval.userconfig import require_bench_root

    from .demo_report import write_demo_report

    config = load_demo_config(args.config)
    if args.jobs < 1:
        raise UsageError("--jobs must be >= 1")
    import torch

    torch.set_num_threads(config.torch_threads)  # the stages run in this process
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    try:
        bench_root = require_bench_root(args.bench_root)
    except UsageError as exc:  # the demo runs without them
        bench_root = None
        print(f"demo: {exc}: decontamination and scoring skipped")
    times_path = out / TIMES_FILE
    times = json.loads(times_path.read_text(encoding="utf-8")) if times_path.is_file() else {}
    stages = plan(out, config, args.config, bench_root, args.jobs)
    for i, stage in enumerate(stages, 1):
        header = f"[{i}/{len(stages)}] {stage.name}"
        if stage.done():
            print(f"{header}: done in an earlier run, skipped. {stage.summary()}", flush=True)
        else:
            print(f"{header}: codev {' '.join(stage.argv)}", flush=True)
            start = time.monotonic()
            status = codev_main(stage.argv)
            times[stage.name] = round(time.monotonic() - start, 1)
            times_path.write_text(json.dumps(times, indent=1), encoding="utf-8")
            if status != 0 or not stage.done():
                print(f"{header}: failed (exit {status}); rerun `codev demo --out {out}` to resume", flush=True)
                return status or 1
            print(f"{header}: {times[stage.name]:.0f} s. {stage.summary()}", flush=True)
        if stage.name == args.stop_after:
            break
    for run_dir in (out / "sft", out / "rl"):
        if (run_dir / "metrics.jsonl").is_file():
            codev_main(["train", "report", str(run_dir)])
    report = write_demo_report(out, stages, times)
    print(f"demo: report {report} (total {sum(times.values()):.0f} s of stage time)")
    return 0
