"""`codev train selfplay`: rounds of propose -> validate -> solve, each round one adaptive DAPO run.

Round r trains the policy of round r-1 (RUN_DIR/round-NNN/final) on a dataset drawn from the buffer as it
stands: solver rows (buffer tasks of every type) and proposer rows (a task type and reference tasks). The
same model plays both roles. Valid proposals enter the buffer during the round and are drawn from the next
round on. Resume: finished rounds are skipped, an unfinished round resumes from its last checkpoint, and
the buffer files are read back (buffer.py).
"""
from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

from transformers.trainer_utils import get_last_checkpoint

from ..checker_client import RewardChecker
from ..config import ConfigError, ModelSettings
from ..data import load_rl
from ..model import load_tokenizer, resolve_model_path
from ..rl import checker_options, grpo_config, reward_functions
from .buffer import TaskBuffer, seed_tasks
from .config import SelfPlaySettings, validate
from .judge import SelfPlayJudge
from .tasks import Task, proposer_prompt, solver_prompt
from .validate import Validator

ROUND_DIR = "round-{:03d}"


def solver_row(task: Task, n: int) -> dict:
    truth = json.dumps(task.trace_obj().values) if task.type == "deduction" else ""
    return {"id": f"{task.id}#{n}", "prompt": solver_prompt(task), "role": "solver", "task_type": task.type,
            "golden": task.golden, "truth": truth, "meta": "{}"}


def proposer_row(task_type: str, references: list[Task], n: int) -> dict:
    return {"id": f"propose-{task_type}-{n}", "prompt": proposer_prompt(task_type, references), "role": "proposer",
            "task_type": task_type, "golden": "", "truth": "", "meta": "{}"}


def round_rows(buffer: TaskBuffer, settings: SelfPlaySettings, rng: random.Random) -> list[dict]:
    """Solver rows spread over the task types that have tasks, then proposer rows spread over all types
    (an empty buffer gives proposer rows only)."""
    types = settings.task_types
    stocked = [t for t in types if buffer.of_type(t)]
    rows = []
    for n in range(settings.solver_prompts if stocked else 0):
        rows.append(solver_row(rng.choice(buffer.of_type(stocked[n % len(stocked)])), n))
    proposers = settings.proposer_prompts + (0 if stocked else settings.solver_prompts)
    for n in range(proposers):
        t = types[n % len(types)]
        rows.append(proposer_row(t, buffer.sample(rng, t, settings.references), n))
    rng.shuffle(rows)
    return rows


def round_summary(buffer: TaskBuffer, r: int) -> dict:
    proposed = [p for p in buffer.proposals if p.round == r]
    return {"round": r, "proposed": len(proposed), "valid": sum(p.valid for p in proposed),
            "buffer_tasks": len(buffer.tasks)}


def bench_index(settings: SelfPlaySettings):
    if not settings.validation.decontam:
        return None
    from codev.errors import UsageError
    from codev.eval.benchmarks import BenchmarkError
    from codev.eval.userconfig import require_bench_root
    from codev.synth.decontam import BenchmarkIndex, DecontamConfig

    try:
        root = require_bench_root(Path(settings.validation.bench_root) if settings.validation.bench_root else None)
        return BenchmarkIndex(root, DecontamConfig())
    except (UsageError, BenchmarkError) as exc:
        raise ConfigError(f"selfplay.validation.decontam needs the benchmarks: {exc} "
                          "(or set selfplay.validation.decontam: false)") from None


def seed_buffer(buffer: TaskBuffer, settings: SelfPlaySettings) -> None:
    if buffer.seeded:
        return
    from codev.synth.records import RLItem

    added = 0
    if settings.seed_data:
        rows = list(load_rl(settings.seed_data))
        if settings.seed_limit:
            rows = rows[:settings.seed_limit]
        for task in seed_tasks([RLItem.from_row(r) for r in rows], settings.task_types, settings.trace_cycles):
            added += buffer.add(task)
    buffer.mark_seeded({"seed_data": settings.seed_data, "tasks": added})


def run_selfplay(settings: SelfPlaySettings, model: ModelSettings, resume: bool = True,
                 report_to: tuple[str, ...] = ("tensorboard",)) -> str:
    """Run the rounds; returns the folder of the last round's policy."""
    from accelerate import PartialState
    from codev.synth.checking import Checker

    from .report import write_selfplay_report
    from .trainer import SelfPlayMetrics, SelfPlayTrainer, live_sampler

    validate(settings)
    if model.lora:
        raise ConfigError("selfplay: model.lora is not supported (each round saves and reloads a full model)")
    out = Path(settings.output_dir)
    if not resume and (out / "tasks.jsonl").exists():
        raise ConfigError(f"selfplay: {out} holds a run; pass another --output-dir to start over")
    state = PartialState(cpu=settings.rl.use_cpu)
    with state.main_process_first():  # the main process seeds the files, the others then read them
        buffer = TaskBuffer(out, write=state.is_main_process)
        seed_buffer(buffer, settings)
    texts = [m["content"] for t in buffer.tasks for m in solver_prompt(t)] + [t.golden for t in buffer.tasks]
    texts += [m["content"] for t in settings.task_types for m in proposer_prompt(t, [])]
    current = resolve_model_path(model, str(out), texts)
    tokenizer = load_tokenizer(current)
    index = bench_index(settings)
    rl = settings.rl
    with RewardChecker(checker_options(rl.reward), rl.reward.workers, rl.reward.deadline,
                        rl.reward.ray) as checker, \
            Checker(rl.reward.workers or 1) as validation_checker:
        validator = Validator(settings.validation, validation_checker, buffer.of_type, settings.trace_cycles, index)
        judge = SelfPlayJudge(checker, rl.reward, validator, buffer, settings.solver_samples)
        for r in range(settings.rounds):
            round_dir = out / ROUND_DIR.format(r)
            final = round_dir / "final"
            if (final / "config.json").is_file():
                current = str(final)
                if r not in {x.get("round") for x in buffer.rounds}:
                    buffer.finish_round(round_summary(buffer, r))  # killed between saving and recording
                continue
            from datasets import Dataset

            rows = round_rows(buffer, settings, random.Random(rl.seed * 7919 + r))
            round_rl = replace(rl, output_dir=str(round_dir), max_steps=settings.steps_per_round)
            args = grpo_config(round_rl, model, state.num_processes, list(report_to))
            judge.round = r
            trainer = SelfPlayTrainer(
                model=current, reward_funcs=reward_functions(round_rl, judge), args=args,
                train_dataset=Dataset.from_list(rows), processing_class=tokenizer,
                callbacks=[SelfPlayMetrics(out, judge, r, r * settings.steps_per_round)],
                sampling=round_rl.sampling, equivalence=judge, baseline=settings.baseline,
                advantage_std_floor=round_rl.advantage_std_floor, stall_steps=round_rl.stall_steps)
            judge.sampler = live_sampler(trainer, rl.max_completion_length, rl.temperature)
            judge.collective = state.num_processes > 1
            last = get_last_checkpoint(str(round_dir)) if resume and round_dir.is_dir() else None
            trainer.train(resume_from_checkpoint=last)
            trainer.save_model(str(final))
            if trainer.accelerator.is_main_process:
                tokenizer.save_pretrained(str(final))
            buffer.finish_round(round_summary(buffer, r))  # written by the main process only
            current = str(final)
    if state.is_main_process:
        write_selfplay_report(out)
    return current
