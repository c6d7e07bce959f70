"""Orchestrate one `codev eval` run: answers -> parallel scoring (resumable) -> summary, report, chart."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .benchmarks import BenchmarkError, Problem, load_benchmark
from .extract import extract_code
from .fixes import Fix, apply_fixes
from .harness import Bounds, score
from .records import Answer, JsonlStore, read_samples, sha1
from .progress import progress_bar
from .tools import iverilog_version

if TYPE_CHECKING:
    from .generate import GenerationConfig

OFFICIAL = "official"
FIXED = "fixed"
RESULTS_FILE = "results.jsonl"


@dataclass
class EvalConfig:
    benchmarks: list[str]
    bench_root: Path
    out: Path
    samples: Path | None = None  # --samples
    references: bool = False  # --references
    generation: "GenerationConfig | None" = None  # --model / --endpoint
    ks: list[int] = field(default_factory=lambda: [1, 5, 10])
    jobs: int = max(1, os.cpu_count() or 1)
    bounds: Bounds = Bounds()
    fixed_testbenches: bool = False
    equivalence: bool = False
    problems: set[str] | None = None  # restrict to these ids
    progress: bool = True


@dataclass
class Job:
    problem: Problem
    answer: Answer
    variant: str


@dataclass
class RunOutput:
    summary: dict
    results: list[dict]
    out: Path


def load_problems(config: EvalConfig) -> list[Problem]:
    problems = [p for name in config.benchmarks for p in load_benchmark(name, config.bench_root)]
    if config.problems:
        unknown = config.problems - {p.id for p in problems}
        if unknown:
            raise BenchmarkError(f"--problems: no problem {', '.join(sorted(unknown))} in {', '.join(config.benchmarks)}")
        problems = [p for p in problems if p.id in config.problems]
    return problems


def collect_answers(config: EvalConfig, problems: list[Problem], on_status: Callable[[str], None]) -> list[Answer]:
    if config.references:
        return [Answer(p.benchmark, p.id, 0, p.reference) for p in problems]
    if config.samples is not None:
        # validate against whole benchmarks, then keep the selected problems (--problems)
        full = {name: {p.id for p in load_benchmark(name, config.bench_root)} for name in config.benchmarks}
        selected = {p.key for p in problems}
        return [a for a in read_samples(config.samples, full) if (a.benchmark, a.task_id) in selected]
    from .generate import generate_answers

    return generate_answers(problems, config.generation, config.out, on_status, config.progress)


def scoring_setup(config: EvalConfig) -> str:
    """Everything besides the answer that can change a verdict; records with another setup are redone."""
    b = config.bounds
    return f"{iverilog_version().version} | bounds {b.compile_s:g}/{b.verilogeval_v1_s:g}/{b.verilogeval_v2_s:g}/{b.rtllm_s:g}"


def _extract(config: EvalConfig, answer: Answer) -> tuple[str | None, str]:
    if config.references:
        return answer.completion, "reference"
    extraction = extract_code(answer.completion)
    return extraction.code, extraction.source


def _run_job(config: EvalConfig, job: Job, setup: str, checker) -> dict:
    code, source = _extract(config, job.answer)
    scored = score(job.problem, code, config.bounds)
    record = {
        "benchmark": job.answer.benchmark,
        "task_id": job.answer.task_id,
        "index": job.answer.index,
        "variant": job.variant,
        "verdict": scored.verdict,
        "detail": scored.code,
        "extraction": source,
        "seconds": round(scored.seconds, 3),
        "log": scored.log,
        "answer_sha1": sha1(job.answer.completion),
        "setup": setup,
    }
    if checker is not None and job.variant == OFFICIAL:
        record["equivalence"] = checker(job.problem, code)
    return record


def _is_done(row: dict | None, answer: Answer, setup: str, want_equivalence: bool, variant: str) -> bool:
    return (
        row is not None
        and row.get("answer_sha1") == sha1(answer.completion)
        and row.get("setup") == setup
        and (not want_equivalence or variant != OFFICIAL or "equivalence" in row)
    )


def run_eval(config: EvalConfig, on_status: Callable[[str], None] = lambda _msg: None) -> RunOutput:
    from .report import write_outputs

    config.out.mkdir(parents=True, exist_ok=True)
    problems = load_problems(config)
    by_key = {p.key: p for p in problems}
    answers = collect_answers(config, problems, on_status)

    fixed: dict[tuple[str, str], tuple[Problem, Fix]] = {}
    if config.fixed_testbenches:
        fixed = apply_fixes(problems, config.bench_root, config.out / "fixed_testbenches")

    checker = None
    if config.equivalence:
        from .equivalence import make_checker

        checker = make_checker()

    jobs = []
    for answer in answers:
        problem = by_key[(answer.benchmark, answer.task_id)]
        jobs.append(Job(problem, answer, OFFICIAL))
        if problem.key in fixed:
            jobs.append(Job(fixed[problem.key][0], answer, FIXED))

    store = JsonlStore(config.out / RESULTS_FILE)
    previous = {(r.get("benchmark"), r.get("task_id"), r.get("index"), r.get("variant")): r for r in store.load()}
    setup = scoring_setup(config)
    done: dict[tuple, dict] = {}
    todo: list[Job] = []
    for job in jobs:
        key = (*job.answer.key, job.variant)
        row = previous.get(key)
        if _is_done(row, job.answer, setup, config.equivalence, job.variant):
            done[key] = row
        else:
            todo.append(job)
    on_status(f"scoring {len(todo)} of {len(jobs)} samples ({len(jobs) - len(todo)} already in {store.path})")

    with progress_bar("scoring", len(todo), config.progress) as advance, ThreadPoolExecutor(max_workers=config.jobs) as pool:
        futures = [pool.submit(_run_job, config, job, setup, checker) for job in todo]
        try:
            for future in as_completed(futures):
                record = future.result()
                store.append(record)  # on disk at once: an interrupted run resumes from here
                done[(record["benchmark"], record["task_id"], record["index"], record["variant"])] = record
                advance()
        except BaseException:
            for future in futures:  # Ctrl-C or a bug: do not wait for the whole queue
                future.cancel()
            raise

    ordered = [done[(*job.answer.key, job.variant)] for job in jobs]
    # keep results.jsonl to exactly this run's samples, in a stable order
    ordered.sort(key=lambda r: (r["benchmark"], r["task_id"], r["index"], r["variant"]))
    store.rewrite(ordered)
    summary = write_outputs(config, problems, ordered, fixed)
    return RunOutput(summary, ordered, config.out)


def config_to_json(config: EvalConfig) -> dict:
    """Settings as recorded in summary.json and report.md."""
    generation = config.generation
    return {
        "benchmarks": config.benchmarks,
        "bench_root": str(config.bench_root),
        "answers": "references" if config.references else ("samples" if config.samples else "generated"),
        "samples": str(config.samples) if config.samples else None,
        "generation": generation.to_json() if generation is not None else None,
        "k": config.ks,
        "jobs": config.jobs,
        "bounds_s": asdict(config.bounds),
        "official_bounds": config.bounds == Bounds(),
        "fixed_testbenches": config.fixed_testbenches,
        "equivalence": config.equivalence,
        "problems": sorted(config.problems) if config.problems else None,
    }

