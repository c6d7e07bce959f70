"""Read the sample sets people already have, in the layouts the official harnesses write.

Users arrive with samples from VerilogEval's or RTLLM's own scripts; converting them by hand loses
samples silently (a v1 `completion` has no `module` line, so a generic extractor finds no code).
Each reader returns `Answer`s whose `kind` says how the text becomes code (see records.py).

Formats (`--sample-format`, detected when `auto`):
- `jsonl`: ours, {"task_id", "completion" (raw response), optional "index", "benchmark"} per line.
- `verilogeval-v1`: human-eval JSONL ({"task_id", "completion"} where completion continues the
  problem's header; the official `*_results.jsonl` with `result`/`passed` fields reads the same).
- `verilogeval-v2`: the v2 harness's build folder: `ProbNNN_name/ProbNNN_name_sampleNN.sv` (the code the
  harness compiled) with `..._sampleNN-response.txt` (the raw response) beside it.
- `rtllm`: one folder per design holding `t1.v ... tN.v` or `<design>_N.v`, or one folder per trial
  holding `<design>.v` (RTLLM's `_chatgpt4/t1/accu.v`).
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .benchmarks import BENCHMARKS, RTLLM_RULE, VERILOGEVAL_V1_RULE, VERILOGEVAL_V2_RULE
from .records import CODE, CONTINUATION, RESPONSE, Answer, SamplesError, read_samples
from .verilog_text import code_only

AUTO = "auto"
JSONL = "jsonl"
VERILOGEVAL_V1 = "verilogeval-v1"
VERILOGEVAL_V2 = "verilogeval-v2"
RTLLM = "rtllm"
FORMATS = (JSONL, VERILOGEVAL_V1, VERILOGEVAL_V2, RTLLM)

_V2_SAMPLE = re.compile(r"^(Prob\d{3}_\w+?)_sample(\d+)\.sv$")
_V2_RESPONSE = re.compile(r"^(Prob\d{3}_\w+?)_sample(\d+)[-_]response\.txt$")
_TRIAL_FILE = re.compile(r"^t(\d+)\.s?v$")
_TRIAL_DIR = re.compile(r"^t(\d+)$")
_MODULE_FIRST = re.compile(r"\bmodule\s+\w+")
_FENCE_OR_TAG = re.compile(r"```|<answer>|\[BEGIN\]", re.I)


@dataclass(frozen=True)
class SampleSet:
    """Answers read from --samples, and which format they were read as (stated in report.md)."""

    format: str
    answers: list[Answer]
    detected: bool  # True when the format was detected, False when forced


def _rules(benchmarks) -> set[str]:
    return {BENCHMARKS[name].rule for name in benchmarks}


def _looks_like_continuations(path: Path) -> bool:
    """human-eval rows: completions that are module bodies (no `module` before their `endmodule`)."""
    bodies = total = 0
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    for line in lines[:200]:
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(row, dict) or not isinstance(row.get("completion"), str):
            continue
        if "passed" in row and "result" in row:
            return True  # the official harness's *_results.jsonl
        text = row["completion"]
        total += 1
        head = code_only(text).split("endmodule", 1)[0]  # a comment naming the module is not a header
        if not _MODULE_FIRST.search(head) and not _FENCE_OR_TAG.search(text):
            bodies += 1
    return total > 0 and bodies * 2 >= total


def detect_format(path: Path, benchmarks: list[str]) -> str:
    """The format of `path`: folders by their file names, JSONL by what the completions hold."""
    path = Path(path)
    if path.is_dir():
        names = [p.name for p in path.rglob("*") if p.is_file()]
        if any(_V2_SAMPLE.match(n) or _V2_RESPONSE.match(n) for n in names):
            return VERILOGEVAL_V2
        if any(n.endswith(".v") or n.endswith(".sv") for n in names):
            return RTLLM
        raise SamplesError(f"{path}: no sample files found (expected ProbNNN_*_sampleNN.sv, or RTLLM t1.v / <design>.v files)")
    if VERILOGEVAL_V1_RULE in _rules(benchmarks) and _looks_like_continuations(path):
        return VERILOGEVAL_V1
    return JSONL


def read_sample_set(path: Path, known: dict[str, set[str]], fmt: str = AUTO) -> SampleSet:
    """All answers under `path` for the selected benchmarks (`known`: benchmark -> task ids)."""
    path = Path(path)
    detected = fmt == AUTO
    if detected:
        fmt = detect_format(path, list(known))
    if fmt in (JSONL, VERILOGEVAL_V1):
        if path.is_dir():
            raise SamplesError(f"{path}: --sample-format {fmt} reads a file, not a folder")
        if fmt == VERILOGEVAL_V1:
            # continuations complete a v1 header: only the selected v1 benchmarks can own them
            known = {name: ids for name, ids in known.items() if BENCHMARKS[name].rule == VERILOGEVAL_V1_RULE}
            if not known:
                raise SamplesError(f"{path}: VerilogEval v1 continuations need --bench verilogeval-v1-human or -machine")
        return SampleSet(fmt, read_samples(path, known, CONTINUATION if fmt == VERILOGEVAL_V1 else RESPONSE), detected)
    if not path.is_dir():
        raise SamplesError(f"{path}: --sample-format {fmt} reads a folder (--samples DIR)")
    if fmt == VERILOGEVAL_V2:
        return SampleSet(fmt, _read_v2_folder(path, known), detected)
    if fmt == RTLLM:
        return SampleSet(fmt, _read_rtllm_folder(path, known), detected)
    raise SamplesError(f"unknown sample format {fmt!r} (known: {', '.join(FORMATS)}, auto)")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise SamplesError(f"{path}: cannot read ({exc.strerror})") from None


def _only_benchmark(known: dict[str, set[str]], rule: str, what: str, path: Path) -> list[str]:
    names = [name for name in known if BENCHMARKS[name].rule == rule]
    if not names:
        raise SamplesError(f"{path}: {what} samples need a {what} benchmark in --bench (selected: {', '.join(known)})")
    return names


def _read_v2_folder(path: Path, known: dict[str, set[str]]) -> list[Answer]:
    names = _only_benchmark(known, VERILOGEVAL_V2_RULE, "VerilogEval v2", path)
    if len(names) > 1:
        raise SamplesError(f"{path}: a v2 harness folder holds one task's samples; name it with --bench ({' or '.join(names)})")
    benchmark = names[0]
    found: dict[tuple[str, int], dict[str, Path]] = defaultdict(dict)
    for file in sorted(path.rglob("*")):
        for kind, pattern in (("sv", _V2_SAMPLE), ("response", _V2_RESPONSE)):
            match = pattern.match(file.name)
            if match and file.is_file():
                found[(match.group(1), int(match.group(2)))][kind] = file
    unknown = sorted({task for task, _ in found if task not in known[benchmark]})
    if unknown:
        raise SamplesError(f"{path}: {unknown[0]} is not a problem of {benchmark} ({len(unknown)} unknown)")
    answers = []
    for (task, number), files in sorted(found.items()):
        if "sv" in files:  # what the harness compiled: its own extraction of the response
            answers.append(Answer(benchmark, task, number - 1, _read_text(files["sv"]), CODE, str(files["sv"])))
        else:  # a response the harness never turned into a .sv: extract it ourselves
            answers.append(Answer(benchmark, task, number - 1, _read_text(files["response"]), RESPONSE, str(files["response"])))
    if not answers:
        raise SamplesError(f"{path}: no ProbNNN_*_sampleNN.sv files")
    return answers


def _numbered(files: list[tuple[int, Path]]) -> list[tuple[int, Path]]:
    """Sample files in numeric order, indexed from 0 (t1.v -> 0, accu_3.v after accu_2.v)."""
    return [(i, f) for i, (_, f) in enumerate(sorted(files))]


def _read_rtllm_folder(path: Path, known: dict[str, set[str]]) -> list[Answer]:
    names = _only_benchmark(known, RTLLM_RULE, "RTLLM", path)
    designs = set().union(*(known[n] for n in names))
    per_design: dict[str, list[tuple[int, Path]]] = defaultdict(list)
    trial_dirs = [d for d in path.iterdir() if d.is_dir() and _TRIAL_DIR.match(d.name)]
    if trial_dirs:  # t1/<design>.v, t2/<design>.v, ...
        for trial in trial_dirs:
            number = int(_TRIAL_DIR.match(trial.name).group(1))
            for file in trial.iterdir():
                if file.is_file() and file.suffix in (".v", ".sv"):
                    per_design[file.stem].append((number, file))
    else:  # <design>/t1.v or <design>/<design>_1.v
        for folder in (d for d in path.iterdir() if d.is_dir()):
            own = re.compile(rf"^{re.escape(folder.name)}_(\d+)\.s?v$")
            for file in folder.iterdir():
                match = _TRIAL_FILE.match(file.name) or own.match(file.name)
                if match and file.is_file():
                    per_design[folder.name].append((int(match.group(1)), file))
    unknown = sorted(set(per_design) - designs)
    if unknown:
        raise SamplesError(f"{path}: design {unknown[0]!r} is not a problem of {', '.join(names)} ({len(unknown)} unknown)")
    answers = [
        Answer(name, design, index, _read_text(file), CODE, str(file))
        for design, files in sorted(per_design.items())
        for index, file in _numbered(files)
        for name in names
        if design in known[name]
    ]
    if not answers:
        raise SamplesError(f"{path}: no RTLLM sample files (<design>/t1.v, <design>/<design>_1.v or t1/<design>.v)")
    return answers
