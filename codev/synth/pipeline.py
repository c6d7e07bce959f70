"""`codev synth run`: ingest -> filter -> dedup -> decontam -> degenerate -> round trip -> difficulty, plus the
generator, then the datasets, funnel and report. Every stage streams from the previous stage's checkpoint
file and appends to its own, so rerunning on the same folder resumes where a kill stopped it. Checkpoints
are named by stage (stages/NAME.jsonl), so adding a stage renames none of the others."""
from __future__ import annotations

import json
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable

from codev.llm.backend import BackendConfig, make_backend

from .calibrate import Calibration, measure
from .calibrate import write as write_calibration
from .checking import Checker
from .config import SynthConfig
from .decontam import BenchmarkIndex, Decontaminator
from .dedup import Deduplicator
from .degenerate_stage import DegenerateScreen
from .difficulty import DifficultyFilter
from .ingest_stage import run_ingest
from .items import Item
from .llm_cache import ResponseCache, config_signature
from .outputs import (RL_COLUMNS, SFT_COLUMNS, StageCount, count_stage, save_dataset, write_funnel, write_jsonl,
                      write_report)
from .prompts import code_messages
from .records import RLItem, SFTItem
from .reason import item_of, rl_of
from .roundtrip import RoundTrip
from .static_filters import StaticFilter
from .store import Stage, StageFile, Timing, run_stage



class RunMismatch(Exception):
    """The output folder holds a run made with other settings."""


class StagePending(Exception):
    """A stage left items without an outcome (transient LLM failures); later stages must not run yet."""


@dataclass
class RunSummary:
    sft: int
    rl: int
    stages: list[StageCount]
    llm_usage: dict[str, dict]
    timings: dict[str, Timing]  # this session's work per stage (resumed work is not counted)
    notes: dict[str, str] = field(default_factory=dict)  # what a stage says about its own cost


@dataclass
class RunContext:
    """What a stage's builder may use: the config, the run folder, the run's warm checker, the benchmark index
    (built on first use), the stage checkpoints, the run's LLM response caches (named: the report lists their
    usage) and the report's notes."""
    config: SynthConfig
    out: Path
    bench_root: Path | None
    checker: Checker
    benchmarks: Callable[[], BenchmarkIndex]
    files: dict[str, StageFile]
    caches: dict[str, ResponseCache] = field(default_factory=dict)

    def llm(self, name: str, backend: BackendConfig) -> ResponseCache:
        if name not in self.caches:
            self.caches[name] = llm(self.out, name, backend)
        return self.caches[name]


@dataclass(frozen=True)
class ItemStage:
    """One link of the item chain: streams the kept items of the enabled stage before it into stages/NAME.jsonl.

    Adding a stage is its module (a `store.Stage`) plus one entry in ITEM_STAGES (and, with settings, its
    section in config.py): its checkpoint is named, so no other stage's file moves and older folders resume."""
    name: str
    enabled: Callable[[SynthConfig], bool]
    build: Callable[[RunContext], Stage | None]  # None: nothing to run (its checkpoint is complete)
    notes: Callable[[Stage], dict[str, str]] | None = None  # what it tells the report after it ran


def _decontam(ctx: RunContext) -> Decontaminator | None:
    if ctx.bench_root is None:
        ctx.benchmarks()  # raises: say so even when the stage is complete
    if ctx.files["decontam"].complete:
        return None  # the benchmark index is costly: not built for a finished stage
    return Decontaminator(ctx.benchmarks(), ctx.config.checker, ctx.checker)


def _roundtrip(ctx: RunContext) -> RoundTrip:
    config = ctx.config
    writer = ctx.llm("roundtrip", config.spec_llm())
    separate = config.roundtrip.solver_llm is not None or config.roundtrip.spec_llm is not None
    return RoundTrip(writer, config.checker, ctx.checker, ctx.llm("solver", config.solver_llm()) if separate else None)


def _difficulty(ctx: RunContext) -> DifficultyFilter:
    config = ctx.config
    return DifficultyFilter(ctx.llm("difficulty", config.difficulty_llm()), config.difficulty.k,
                            config.difficulty.max_passes, config.checker, ctx.checker)


# the item chain after ingest, in order; the outputs read roundtrip's and difficulty's checkpoints
ITEM_STAGES: list[ItemStage] = [
    ItemStage("filter", lambda c: True, lambda ctx: StaticFilter(ctx.config.filters, ctx.config.jobs, ctx.checker)),
    ItemStage("dedup", lambda c: True, lambda ctx: Deduplicator(ctx.config.dedup)),
    ItemStage("decontam", lambda c: c.decontam.enabled, _decontam,
              lambda s: {"decontamination by function (this session)": s.stats.describe()}),
    # before any LLM call is spent on an item that would teach nothing
    ItemStage("degenerate", lambda c: c.roundtrip.enabled and c.degenerate.enabled,
              lambda ctx: DegenerateScreen(ctx.config.degenerate, ctx.config.checker, ctx.checker)),
    ItemStage("roundtrip", lambda c: c.roundtrip.enabled, _roundtrip),
    ItemStage("difficulty", lambda c: c.roundtrip.enabled and c.difficulty.enabled, _difficulty),
]


def stage_names() -> tuple[str, ...]:
    return ("ingest", *(s.name for s in ITEM_STAGES))


def stage_file(out: Path, name: str) -> StageFile:
    """DIR/stages/NAME.jsonl: named by stage, not by position, so a stage added later shifts no other file.

    A folder from before (stages/NN_NAME.jsonl and its .done marker) is renamed on first use and resumes."""
    folder = Path(out) / "stages"
    path = folder / f"{name}.jsonl"
    if not path.exists() and folder.is_dir():
        for legacy in sorted(folder.glob(f"[0-9][0-9]_{name}.jsonl")):
            marker = legacy.with_suffix(".done")
            if marker.exists():
                marker.replace(path.with_suffix(".done"))
            legacy.replace(path)
            break
    return StageFile(path)


def llm(out: Path, name: str, config: BackendConfig) -> ResponseCache:
    return ResponseCache(Path(out) / "llm" / f"{name}.jsonl", make_backend(config), config_signature(config))


def _claim(out: Path, config: SynthConfig) -> None:
    """Refuse to resume a folder made with other settings (it would mix two runs' data)."""
    path = out / "run.json"
    settings = json.loads(json.dumps(asdict(config), default=str))
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))
        if old != settings:
            diff = sorted(k for k in set(old) | set(settings) if old.get(k) != settings.get(k))
            raise RunMismatch(f"{path}: this folder holds a run with other settings ({', '.join(diff)}); use another --out")
    else:
        out.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")


def _status(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_pipeline(config: SynthConfig, out: Path, bench_root: Path | None, show_progress: bool = True,
                 on_status: Callable[[str], None] = _status, ray: str | None = None) -> RunSummary:
    """`ray`: a Ray cluster's address for the checker's jobs (checking.Checker); the outputs do not depend on it."""
    with Checker(config.jobs, ray) as checker:
        return _run(config, Path(out), bench_root, checker, show_progress, on_status)


def _run(config: SynthConfig, out: Path, bench_root: Path | None, checker: Checker, show_progress: bool,
         on_status: Callable[[str], None]) -> RunSummary:
    import datasets

    datasets.disable_progress_bars()  # the stage bars report progress; dataset writes would only add noise
    _claim(out, config)
    files = {name: stage_file(out, name) for name in stage_names()}
    timings: dict[str, Timing] = {}
    notes: dict[str, str] = {}
    indexed: list[BenchmarkIndex] = []

    def benchmarks() -> BenchmarkIndex:
        """The benchmark index, built once and only when a stage needs it."""
        if not indexed:
            if bench_root is None:
                raise ValueError("decontam needs the benchmarks: set decontam.bench_root, --bench-root or "
                                 "$CODEV_BENCH_ROOT")
            started = time.monotonic()
            indexed.append(BenchmarkIndex(bench_root, config.decontam))
            on_status(f"decontam: {len(indexed[0].refs)} benchmark references indexed in "
                      f"{time.monotonic() - started:.1f} s")
        return indexed[0]

    def step(name: str, stage, source: str) -> None:
        timings[name] = run_stage(stage, lambda: files[source].kept_items(), files[name], config.chunk,
                                  show_progress, on_status)
        if timings[name].pending:
            raise StagePending(f"{name}: {timings[name].pending} items got no LLM response (endpoint unavailable "
                               f"or rate limited); finished work is saved in {out}, rerun to resume")

    context = RunContext(config, out, bench_root, checker, benchmarks, files)
    caches = context.caches
    timings["ingest"] = run_ingest(config.sources, files["ingest"], show_progress, on_status)
    last = "ingest"
    for spec in ITEM_STAGES:
        if not spec.enabled(config):
            continue
        stage = spec.build(context)
        if stage is not None:
            step(spec.name, stage, last)
            if spec.notes is not None:
                notes.update(spec.notes(stage))
        last = spec.name

    stages = [count_stage(name, files[name]) for name in stage_names() if files[name].path.exists()]
    generated = out / "generator"
    if config.generator is not None and config.generator.n > 0:
        from .generator import generate

        on_status(f"generator: {config.generator.n} verified items")
        started = time.monotonic()
        before = _generator_count(generated)[0].inputs if generated.exists() else 0
        gen_config = replace(config.generator, decontam=config.decontam.enabled and config.generator.decontam)
        generate(gen_config, generated, screen=lambda items: Decontaminator(benchmarks(), config.checker,
                                                                            checker).screen(items), checker=checker)
        counts = _generator_count(generated)
        stages.extend(counts if gen_config.decontam else counts[:2])
        timings["generator"] = Timing(counts[0].inputs - before, time.monotonic() - started)
        if generator_difficulty(config):
            gen_file = out_stage(generated)
            timings["generator_difficulty"] = run_stage(
                _difficulty(context),  # the same base model and LLM cache as the item chain's difficulty stage
                lambda: (item_of(RLItem.from_row(row)) for row in _generator_rows(generated / "rl.jsonl")),
                gen_file, config.chunk, show_progress, on_status)
            if timings["generator_difficulty"].pending:
                raise StagePending(f"generator_difficulty: {timings['generator_difficulty'].pending} items got no "
                                   f"LLM response; finished work is saved in {out}, rerun to resume")
            stages.append(count_stage("generator_difficulty", gen_file))
            measured = calibration(config, gen_file)
            write_calibration(measured, out / "calibration.yaml")
            notes["generator levels calibrated (base model passes / checked samples; calibration.yaml)"] = \
                measured.describe()

    sft_n = write_jsonl(out / "sft.jsonl", _sft(config, files, generated))
    rl_n = write_jsonl(out / "rl.jsonl", _rl(config, files, generated))
    cache = out / ".datasets-cache"
    save_dataset(out / "sft.jsonl", out / "sft", SFT_COLUMNS, cache)
    save_dataset(out / "rl.jsonl", out / "rl", RL_COLUMNS, cache)
    shutil.rmtree(cache, ignore_errors=True)  # save_to_disk copied the Arrow files out of it
    write_funnel(out / "funnel.json", stages)
    usage = {name: c.backend.usage.to_json() for name, c in caches.items()}
    extra = {"sources": ", ".join(f"{src.name} ({src.kind})" for src in config.sources) or "none",
             **{f"LLM {name}": describe_llm(llm_config) for name, llm_config in
                (("roundtrip", config.spec_llm()), ("solver", config.solver_llm()),
                 ("difficulty", config.difficulty.llm)) if name in caches},
             **{f"LLM {name} usage (this session)": json.dumps(u) for name, u in usage.items()}}
    labels = {"decontam": "decontamination", "generator_decontam": "decontamination of generator items"}
    for decontam in (s for s in stages if s.name in labels):
        extra[labels[decontam.name]] = (f"{decontam.dropped.get('text', 0)} by text (8-gram Dice), "
                                        f"{decontam.dropped.get('rouge_l', 0)} by Rouge-L, "
                                        f"{decontam.dropped.get('function', 0)} by function")
    extra.update(notes)
    extra["throughput (this session)"] = ", ".join(
        f"{name} {t.items} items in {t.seconds:.1f} s ({t.rate:.1f}/s)" for name, t in timings.items() if t.items)
    write_report(out / "report.md", stages, sft_n, rl_n, extra)
    return RunSummary(sft_n, rl_n, stages, usage, timings, notes)


def _sft(config: SynthConfig, files: dict[str, StageFile], generated: Path):
    if config.roundtrip.enabled:
        for item in files["roundtrip"].kept_items():
            messages = code_messages(item.data["spec"]) + [{"role": "assistant", "content": item.data["response"]}]
            yield SFTItem(item.id, messages, f"roundtrip/{item.source}", _provenance(item)).to_row()
    yield from _generator_rows(generated / "sft.jsonl")


def _rl(config: SynthConfig, files: dict[str, StageFile], generated: Path):
    if config.roundtrip.enabled:
        source = files["difficulty"] if config.difficulty.enabled else files["roundtrip"]
        for item in source.kept_items():
            k, passes = item.data.get("k", 0), item.data.get("passes", 0)
            meta = {**_provenance(item), "passes": passes, "k": k}
            yield RLItem(item.id, code_messages(item.data["spec"]), item.code, item.data["interface"], k - passes,
                         f"roundtrip/{item.source}", meta).to_row()
    gen_file = out_stage(generated)
    if generator_difficulty(config) and gen_file.path.exists():
        measured = calibration(config, gen_file)
        for item in gen_file.kept_items():  # the RL row's prompt, interface and meta travel in the item's data
            yield rl_of(item, measured.rate_of_item(item)).to_row()
    else:
        yield from _generator_rows(generated / "rl.jsonl")


def out_stage(generated: Path) -> StageFile:
    return stage_file(generated.parent, "generator_difficulty")


def generator_difficulty(config: SynthConfig) -> bool:
    """Generator items are difficulty-filtered before RL when there is a base model to measure them with."""
    return (config.generator is not None and config.generator.n > 0 and config.roundtrip.enabled
            and config.difficulty.enabled and config.difficulty.generator)


def calibration(config: SynthConfig, stage: StageFile) -> Calibration:
    """The difficulty model's measured pass rate per generator family and level (calibrate.py)."""
    return measure(stage.records(), describe_llm(config.difficulty_llm()), config.difficulty.k)


def describe_llm(config: BackendConfig) -> str:
    where = {"openai": config.base_url, "hf": config.model, "replay": config.path}[config.kind]
    model = f" model {config.model}" if config.kind == "openai" else ""
    return f"{config.kind} {where}{model}, temperature {config.temperature}"


def _provenance(item: Item) -> dict:
    return {"top": item.top, "path": item.path, "licence": item.licence, "corpus": item.source}


def _generator_rows(path: Path):
    if path.exists():
        from .generator.store import iter_jsonl

        yield from iter_jsonl(path)


def _generator_count(folder: Path) -> tuple[StageCount, StageCount, StageCount]:
    """The generator's funnel rows: verification (duplicates, failures), degenerate items (one reason each:
    constant_output, unused_input, never_toggles), then decontamination (text, Rouge-L, function)."""
    from .generator.store import Attempt, iter_jsonl

    made, useful, screened = StageCount("generator"), StageCount("generator_degenerate"), \
        StageCount("generator_decontam")
    for attempt in (Attempt.from_row(row) for row in iter_jsonl(folder / "attempts.jsonl")):
        made.inputs += 1
        if attempt.status in ("duplicate", "failed"):
            counts, reason, detail = made, attempt.status, attempt.reason
        else:
            made.kept += 1
            useful.inputs += 1
            if attempt.status == "degenerate":
                (reason, _, detail), counts = attempt.reason.partition(": "), useful
            else:
                useful.kept += 1
                screened.inputs += 1
                if attempt.status == "kept":
                    screened.kept += 1
                    continue
                (reason, _, detail), counts = attempt.reason.partition(": "), screened
        counts.dropped[reason] += 1
        counts.examples.setdefault(reason, {"id": attempt.id, "where": f"generator:{attempt.family}", "top": "",
                                            "detail": detail})
    return made, useful, screened
