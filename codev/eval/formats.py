"""Read the sample sets people already have, in the layouts the official harnesses write.

Users arrive with samples from VerilogEval's or RTLLM's own scripts; converting them by hand loses
samples silently (a v1 `completion` has no `module` line, so a generic extractor finds no code).
Each reader returns `Answer`s whose `kind` says how the text becomes code (see records.py).

Formats (`--sample-format`, detected when `auto`): `jsonl`, ours, {"task_id", "completion" (raw
response), optional "index", "benchmark"} per line; and the layout of each benchmark flavour's own
harness (flavours/), which reads it:
- `verilogeval-v1`: human-eval JSONL ({"task_id", "completion"} where completion continues the
  problem's header; the official `*_results.jsonl` with `result`/`passed` fields reads the same).
- `verilogeval-v2`: the v2 harness's build folder: `ProbNNN_name/ProbNNN_name_sampleNN.sv` (the code the
  harness compiled) with `..._sampleNN-response.txt` (the raw response) beside it.
- `rtllm`: one folder per design holding `t1.v ... tN.v` or `<design>_N.v`, or one folder per trial
  holding `<design>.v` (RTLLM's `_chatgpt4/t1/accu.v`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .benchmarks import BENCHMARKS
from .flavours import FLAVOURS, Flavour
from .problem import BenchmarkSpec
from .records import RESPONSE, Answer, SamplesError, read_samples

AUTO = "auto"
JSONL = "jsonl"
_LAYOUTS: dict[str, Flavour] = {f.sample_format: f for f in FLAVOURS.values() if f.sample_format}
FORMATS = (JSONL, *_LAYOUTS)


@dataclass(frozen=True)
class SampleSet:
    """Answers read from --samples, and which format they were read as (stated in report.md)."""

    format: str
    answers: list[Answer]
    detected: bool  # True when the format was detected, False when forced


def detect_format(path: Path, benchmarks: list[str], registry: dict[str, BenchmarkSpec] = BENCHMARKS) -> str:
    """The format of `path` for the selected `benchmarks`: folders by their file names, JSONL by what
    the completions hold."""
    path = Path(path)
    names = [p.name for p in path.rglob("*") if p.is_file()] if path.is_dir() else []
    selected_rules = {registry[name].rule for name in benchmarks}
    for fmt, layout in _LAYOUTS.items():
        if layout.claims(path, names, selected_rules):
            return fmt
    if path.is_dir():
        hints = ", or ".join(f.sample_hint for f in _LAYOUTS.values() if f.samples_are_folder)
        raise SamplesError(f"{path}: no sample files found (expected {hints})")
    return JSONL


def read_sample_set(path: Path, known: dict[str, set[str]], fmt: str = AUTO,
                    registry: dict[str, BenchmarkSpec] = BENCHMARKS) -> SampleSet:
    """All answers under `path` for the selected benchmarks (`known`: benchmark -> task ids; `registry`:
    where they are registered, benchmarks.benchmarks_in)."""
    path = Path(path)
    detected = fmt == AUTO
    if detected:
        fmt = detect_format(path, list(known), registry)
    if fmt != JSONL and fmt not in _LAYOUTS:
        raise SamplesError(f"unknown sample format {fmt!r} (known: {', '.join(FORMATS)}, auto)")
    folder = fmt != JSONL and _LAYOUTS[fmt].samples_are_folder
    if not folder and path.is_dir():
        raise SamplesError(f"{path}: --sample-format {fmt} reads a file, not a folder")
    if folder and not path.is_dir():
        raise SamplesError(f"{path}: --sample-format {fmt} reads a folder (--samples DIR)")
    if fmt == JSONL:
        return SampleSet(fmt, read_samples(path, known, RESPONSE), detected)
    rules = {name: registry[name].rule for name in known}
    return SampleSet(fmt, _LAYOUTS[fmt].read_samples(path, known, rules), detected)
