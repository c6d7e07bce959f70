"""Orchestrate one `codev eval` run: answers -> parallel scoring (resumable) -> summary, report, chart."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from codev.jsonl import JsonlLog

from . import assemble
from .assemble import FIXED, OFFICIAL, REPAIRED
from .benchmarks import benchmarks_in, load_benchmark
from .flavours import flavour
from .flavours.base import Assembled
from .fixes import Fix, apply_fixes
from .formats import AUTO, SampleSet, read_sample_set
from .flow import Bounds
from .harness import score
from .records import REFERENCE, RESPONSE, Answer, sha1
from .progress import progress_bar
from .report import write_outputs
from .problem import BenchmarkError, Problem
from .tools import Icarus, default_icarus, iverilog_version

if TYPE_CHECKING:
    from .generate import GenerationConfig

ASSEMBLY = "assembly 2"  # bump when assemble.py changes what a variant compiles: old verdicts are redone
RESULTS_FILE = "results.jsonl"


@dataclass
class EvalConfig:
    benchmarks: list[str]
    bench_root: Path
    out: Path
    samples: Path | None = None  # --samples
    sample_format: str = AUTO  # --sample-format (formats.FORMATS)
    icarus: Icarus = field(default_factory=default_icarus)  # --iverilog
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
    variant: str  # assemble.OFFICIAL / REPAIRED / FIXED
    assembled: Assembled


@dataclass
class RunOutput:
    summary: dict
    results: list[dict]
    out: Path


@dataclass
class Answers:
    """What will be scored, and how it was read (the format and its no-code examples go to report.md)."""

    answers: list[Answer]
    sample_set: SampleSet | None = None


def load_problems(config: EvalConfig) -> list[Problem]:
    problems = [p for name in config.benchmarks for p in load_benchmark(name, config.bench_root)]
    if config.problems:
        unknown = config.problems - {p.id for p in problems}
        if unknown:
            raise BenchmarkError(f"--problems: no problem {', '.join(sorted(unknown))} in {', '.join(config.benchmarks)}")
        problems = [p for p in problems if p.id in config.problems]
    return problems


def collect_answers(config: EvalConfig, problems: list[Problem], on_status: Callable[[str], None]) -> Answers:
    if config.references:
        missing = [p.id for p in problems if not p.reference]  # CVDP's hub copy withholds its solutions
        if missing:
            on_status(f"{len(missing)} problems have no reference solution in this copy and are not scored, e.g. {missing[0]}")
        return Answers([Answer(p.benchmark, p.id, 0, p.reference, REFERENCE) for p in problems if p.reference])
    if config.samples is not None:
        # validate against whole benchmarks, then keep the selected problems (--problems)
        full = {name: {p.id for p in load_benchmark(name, config.bench_root)} for name in config.benchmarks}
        selected = {p.key for p in problems}
        sample_set = read_sample_set(config.samples, full, config.sample_format, benchmarks_in(config.bench_root))
        on_status(f"read {len(sample_set.answers)} samples from {config.samples} as {sample_set.format}")
        return Answers([a for a in sample_set.answers if (a.benchmark, a.task_id) in selected], sample_set)
    from .generate import generate_answers

    return Answers(generate_answers(problems, config.generation, config.out, on_status, config.progress))


def scoring_setup(config: EvalConfig) -> str:
    """Everything besides the answer that can change a verdict; records with another setup are redone."""
    b = config.bounds
    setup = (
        f"{iverilog_version(config.icarus.iverilog).version} ({config.icarus.iverilog}) | "
        f"bounds {b.compile_s:g}/{b.verilogeval_v1_s:g}/{b.verilogeval_v2_s:g}/{b.rtllm_s:g} | {ASSEMBLY}"
    )
    registry = benchmarks_in(config.bench_root)
    for rule in dict.fromkeys(registry[name].rule for name in config.benchmarks):
        note = flavour(rule).setup_note(b)
        if note:
            setup += f" | {note}"
    return setup


def _answer_sha1(answer: Answer) -> str:
    """Identifies the answer text and how it is read (a re-read in another format is rescored)."""
    return sha1(answer.completion) if answer.kind in (RESPONSE, REFERENCE) else sha1(f"{answer.kind}\0{answer.completion}")


def _run_job(config: EvalConfig, job: Job, setup: str, checker) -> dict:
    code = job.assembled.source
    scored = score(job.problem, code, config.bounds, config.icarus)
    record = {
        "benchmark": job.answer.benchmark,
        "task_id": job.answer.task_id,
        "index": job.answer.index,
        "variant": job.variant,
        "verdict": scored.verdict,
        "detail": scored.code,
        "extraction": job.assembled.extraction,
        "seconds": round(scored.seconds, 3),
        "log": scored.log,
        "answer_sha1": _answer_sha1(job.answer),
        "code_sha1": sha1(code) if code is not None else None,
        "setup": setup,
        "iverilog": iverilog_version(config.icarus.iverilog).version,
    }
    if job.assembled.repairs:
        record["repairs"] = list(job.assembled.repairs)
    if job.answer.origin:
        record["origin"] = job.answer.origin
    if checker is not None and job.variant == OFFICIAL:
        record["equivalence"] = checker(job.problem, code)
    return record


def _is_done(row: dict | None, answer: Answer, setup: str, want_equivalence: bool, variant: str) -> bool:
    return (
        row is not None
        and row.get("answer_sha1") == _answer_sha1(answer)
        and row.get("setup") == setup
        and (not want_equivalence or variant != OFFICIAL or "equivalence" in row)
    )


def _copy_of(record: dict, job: Job) -> dict:
    """The verdict of an identical answer to the same problem, recorded for this sample."""
    copy = {
        **{k: v for k, v in record.items() if k not in ("origin", "repairs")},
        "index": job.answer.index,
        "answer_sha1": _answer_sha1(job.answer),
        "extraction": job.assembled.extraction,
        "seconds": 0.0,
        "duplicate_of": record.get("duplicate_of", record["index"]),
    }
    if job.assembled.repairs:
        copy["repairs"] = list(job.assembled.repairs)
    if job.answer.origin:
        copy["origin"] = job.answer.origin
    return copy


def run_eval(config: EvalConfig, on_status: Callable[[str], None] = lambda _msg: None) -> RunOutput:
    config.out.mkdir(parents=True, exist_ok=True)
    listed = load_problems(config)
    problems = [p for p in listed if not p.skip]  # skipped ones are only listed in the report
    if len(problems) < len(listed):
        on_status(f"skipping {len(listed) - len(problems)} of {len(listed)} problems (reasons in report.md)")
    by_key = {p.key: p for p in problems}
    collected = collect_answers(config, problems, on_status)

    fixed: dict[tuple[str, str], tuple[Problem, Fix]] = {}
    if config.fixed_testbenches:
        fixed = apply_fixes(problems, config.bench_root, config.out / "fixed_testbenches")

    checker = None
    if config.equivalence:
        from .equivalence import make_checker

        checker = make_checker(config.icarus)

    jobs = []
    for answer in collected.answers:
        problem = by_key[(answer.benchmark, answer.task_id)]
        verbatim = assemble.official(problem, answer)
        jobs.append(Job(problem, answer, OFFICIAL, verbatim))
        salvaged = assemble.repaired(problem, answer)
        if salvaged is not None:
            jobs.append(Job(problem, answer, REPAIRED, salvaged))
        if problem.key in fixed:
            jobs.append(Job(fixed[problem.key][0], answer, FIXED, verbatim))

    store = JsonlLog(config.out / RESULTS_FILE)
    previous = {(r.get("benchmark"), r.get("task_id"), r.get("index"), r.get("variant")): r for r in store}
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

    # identical extracted answers to the same problem are simulated once (sampling repeats itself)
    by_code: dict[tuple, dict] = {
        (r["benchmark"], r["task_id"], r["variant"], r["code_sha1"]): r for r in done.values() if r.get("code_sha1")
    }
    groups: dict[tuple, list[Job]] = {}
    copies = 0
    for job in todo:
        code = job.assembled.source
        code_key = (job.answer.benchmark, job.answer.task_id, job.variant, sha1(code) if code is not None else None)
        if code is None:  # nothing to simulate: never grouped
            code_key = (*code_key, job.answer.index)
        if code is not None and code_key in by_code:
            record = _copy_of(by_code[code_key], job)
            store.append(record)
            done[(*job.answer.key, job.variant)] = record
            copies += 1
        else:
            groups.setdefault(code_key, []).append(job)
    runs = sum(1 for group in groups.values())
    duplicates = sum(len(group) - 1 for group in groups.values()) + copies
    on_status(
        f"scoring {len(todo)} of {len(jobs)} samples ({len(jobs) - len(todo)} already in {store.path}); "
        f"{duplicates} duplicate answers reuse another sample's verdict, {runs} simulations"
    )

    def finish(group: list[Job], record: dict) -> None:
        store.append(record)  # on disk at once: an interrupted run resumes from here
        done[(record["benchmark"], record["task_id"], record["index"], record["variant"])] = record
        for job in group[1:]:
            copy = _copy_of(record, job)
            store.append(copy)
            done[(*job.answer.key, job.variant)] = copy

    pool = ThreadPoolExecutor(max_workers=config.jobs)
    with progress_bar("scoring", runs, config.progress) as advance:
        futures = {pool.submit(_run_job, config, g[0], setup, checker): g for g in groups.values()}
        try:
            for future in as_completed(futures):
                finish(futures[future], future.result())
                advance()
        except BaseException:
            # Ctrl-C or a bug: drop the queue and do not wait for the simulations in flight (the CLI exits)
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    pool.shutdown()

    ordered = [done[(*job.answer.key, job.variant)] for job in jobs]
    # keep results.jsonl to exactly this run's samples, in a stable order
    ordered.sort(key=lambda r: (r["benchmark"], r["task_id"], r["index"], r["variant"]))
    store.rewrite(ordered)
    summary = write_outputs(config_to_json(config), config.out, listed, ordered, fixed, config.icarus, collected.sample_set)
    return RunOutput(summary, ordered, config.out)


def config_to_json(config: EvalConfig) -> dict:
    """Settings as recorded in summary.json and report.md."""
    generation = config.generation
    return {
        "benchmarks": config.benchmarks,
        "bench_root": str(config.bench_root),
        "answers": "references" if config.references else ("samples" if config.samples else "generated"),
        "samples": str(config.samples) if config.samples else None,
        "sample_format": config.sample_format,
        "iverilog": config.icarus.iverilog,
        "generation": generation.to_json() if generation is not None else None,
        "k": config.ks,
        "jobs": config.jobs,
        "bounds_s": asdict(config.bounds),
        "official_bounds": config.bounds == Bounds(),
        "fixed_testbenches": config.fixed_testbenches,
        "equivalence": config.equivalence,
        "problems": sorted(config.problems) if config.problems else None,
    }

