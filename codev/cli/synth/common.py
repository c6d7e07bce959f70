"""Shared pieces of the `codev synth` stage commands: config and input loading with one-line errors,
and running one item stage on a JSONL file into DIR/kept.jsonl and DIR/dropped.jsonl (resumable)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable

from codev.errors import UsageError

from codev.synth.config import ConfigError, SynthConfig, config_from_mapping, load_config, missing_llm
from codev.synth.outputs import write_jsonl
from codev.synth.store import KEPT, StageFile, read_items, run_stage


def add_common(p: argparse.ArgumentParser, with_input: bool = True) -> None:
    if with_input:
        p.add_argument("--input", type=Path, required=True, help="JSONL items: {\"id\", \"code\"} (plus any Item fields)")
    p.add_argument("--out", type=Path, required=True, help="output folder (a rerun resumes in it)")
    p.add_argument("--config", type=Path, help="synthesis config (YAML) for this stage's settings")
    p.add_argument("--jobs", type=int, help="checker processes (default: the config's jobs)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


def config_of(args, needs_llm: bool = False) -> SynthConfig:
    if needs_llm and args.config is None:
        raise UsageError("--config CFG.yaml is needed: its roundtrip/difficulty llm: section names the model")
    try:
        if args.config is not None:
            config = load_config(args.config)
        else:
            config = config_from_mapping({"sources": [{"kind": "seed"}], "difficulty": {"enabled": False}}, "defaults")
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if needs_llm and missing_llm(config, str(args.config)):
        raise UsageError(missing_llm(config, str(args.config)))
    jobs = getattr(args, "jobs", None)
    if jobs is not None:
        if jobs < 1:
            raise UsageError("--jobs must be >= 1")
        from dataclasses import replace

        config = replace(config, jobs=jobs)
    return config


def bench_root_of(arg: Path | None, config: SynthConfig) -> Path:
    from codev.eval.userconfig import require_bench_root

    return require_bench_root(arg if arg is not None else (Path(config.decontam.bench_root)
                                                           if config.decontam.bench_root else None))


def rl_file(path: Path) -> Path:
    """A generator output folder's rl.jsonl (or the file itself)."""
    found = path / "rl.jsonl" if path.is_dir() else path
    if not found.is_file():
        raise UsageError(f"--input {path}: no generator rl.jsonl there")
    return found


def is_generator_output(path: Path) -> bool:
    """A generator output folder, or a JSONL of RL rows (a golden and a prompt), rather than items."""
    if path.is_dir():
        return True
    if not path.is_file():
        return False
    with open(path, encoding="utf-8") as fh:
        first = fh.readline()
    try:
        row = json.loads(first)
    except ValueError:
        return False
    return isinstance(row, dict) and "golden" in row and "prompt" in row


def generator_items(args) -> None:
    """Point args.input at DIR/input.jsonl: the generator output's RL rows as stage items (reason.item_of)."""
    from codev.synth.generator.store import iter_jsonl
    from codev.synth.records import RLItem

    from codev.synth.reason import item_of

    source = rl_file(args.input)
    args.out.mkdir(parents=True, exist_ok=True)
    items = args.out / "input.jsonl"
    try:
        write_jsonl(items, (item_of(RLItem.from_row(row)).to_json() for row in iter_jsonl(source)))
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"--input {source}: not generator RL rows ({exc})") from None
    args.input = items


def check_input(path: Path) -> None:
    if not path.is_file():
        raise UsageError(f"--input {path}: file not found")
    try:
        for _ in read_items(path):
            pass
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(str(exc)) from None


def run_item_stage(args, stage, dropped_row: Callable[[dict], dict] | None = None) -> int:
    """Run `stage` over --input into --out: checkpoint.jsonl (resume), kept.jsonl, dropped.jsonl."""
    check_input(args.input)
    args.out.mkdir(parents=True, exist_ok=True)
    checkpoint = StageFile(args.out / "checkpoint.jsonl")
    config = config_of(args)
    from codev.llm.backend import BackendError

    from codev.synth.roundtrip import NoRecordedResponse

    try:
        timing = run_stage(stage, lambda: read_items(args.input), checkpoint, config.chunk, not args.no_progress)
    except NoRecordedResponse as exc:
        raise UsageError(str(exc)) from None
    except BackendError as exc:
        print(f"codev synth {stage.name}: LLM backend failed: {exc} (finished work is saved; rerun to resume)",
              file=sys.stderr)
        return 1
    kept = write_jsonl(args.out / "kept.jsonl",
                       (r["item"] for r in checkpoint.records() if r["status"] == KEPT))
    shape = dropped_row or (lambda r: {"id": r["id"], "reason": r["reason"], "detail": r["detail"]})
    dropped = write_jsonl(args.out / "dropped.jsonl",
                          (shape(r) for r in checkpoint.records() if r["status"] != KEPT))
    print(json.dumps({"stage": stage.name, "kept": kept, "dropped": dropped, "pending": timing.pending}))
    if timing.pending:
        print(f"codev synth {stage.name}: {timing.pending} items got no LLM response; rerun to resume", file=sys.stderr)
        return 1
    return 0


def run_llm_stage(args, name: str, build: Callable) -> int:
    """An LLM stage (roundtrip, difficulty) as a command: `build(config, llm, checker)` makes the stage from the
    config's model for `name` (its responses cached under --out, so a rerun resumes) and a warm checker."""
    from codev.synth.checking import Checker
    from codev.synth.pipeline import llm

    config = config_of(args, needs_llm=True)
    try:
        backend = config.spec_llm() if name == "roundtrip" else config.difficulty_llm()
    except ConfigError as exc:
        raise UsageError(f"{args.config}: {exc}") from None
    with Checker(config.jobs) as checker:
        return run_item_stage(args, build(config, llm(args.out, name, backend), checker))
