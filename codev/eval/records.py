"""The run's files: answers read from --samples, and append-only JSONL stores that make reruns resume.

Every line is self-describing, so a crash loses at most the sample in flight, and a rerun skips
exactly the work whose inputs are unchanged (same answer text, same scoring setup).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from codev.jsonl import jsonl_objects


class SamplesError(Exception):
    """The samples file is unreadable or inconsistent with the selected benchmarks."""


# How an answer's text becomes code (extract.answer_code):
RESPONSE = "response"  # a raw model response: code is extracted (fences, <answer>, ...)
CONTINUATION = "continuation"  # VerilogEval v1 human-eval style: the text continues the problem's header
CODE = "code"  # a file of code as a harness wrote it (RTLLM t1.v, VerilogEval v2 _sample01.sv): used as is
REFERENCE = "reference"  # the benchmark's own reference (--references)


@dataclass(frozen=True)
class Answer:
    benchmark: str
    task_id: str
    index: int
    completion: str  # the raw model response (or the reference, for --references)
    kind: str = RESPONSE
    origin: str = ""  # where it was read (file, file:line), for the report's examples

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.benchmark, self.task_id, self.index)


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def read_samples(path: Path, known: dict[str, set[str]], kind: str = RESPONSE) -> list[Answer]:
    """Parse `--samples`: one JSON object per line with task_id and completion.

    `benchmark` is needed only when several benchmarks are scored at once; `index` defaults to the
    order of the task's lines. `known` maps each selected benchmark to its task ids. `kind` says how
    the completions become code (RESPONSE for our JSONL, CONTINUATION for VerilogEval v1 files).
    """
    path = Path(path)
    answers: list[Answer] = []
    next_index: dict[tuple[str, str], int] = {}
    seen: set[tuple[str, str, int]] = set()
    try:
        for lineno, row in jsonl_objects(path):
            answers.append(_answer(row, f"{path}:{lineno}", known, kind, next_index, seen))
    except OSError as exc:
        raise SamplesError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise SamplesError(f"{path}: not UTF-8 text") from None
    except ValueError as exc:  # jsonl_objects: not JSON, not an object (the message names file and line)
        raise SamplesError(str(exc)) from None
    if not answers:
        raise SamplesError(f"{path}: no samples")
    return answers


def _answer(row: dict, where: str, known: dict[str, set[str]], kind: str,
            next_index: dict[tuple[str, str], int], seen: set[tuple[str, str, int]]) -> Answer:
    """One samples line as an Answer; `next_index` and `seen` carry the file's state between lines."""
    task_id, completion = row.get("task_id"), row.get("completion")
    if not isinstance(task_id, str) or not isinstance(completion, str):
        raise SamplesError(f"{where}: needs string fields 'task_id' and 'completion'")
    benchmark = row.get("benchmark")
    if benchmark is None:
        owners = [name for name, ids in known.items() if task_id in ids]
        if len(known) > 1 and len(owners) != 1:
            raise SamplesError(
                f"{where}: task_id {task_id!r} is ambiguous or unknown across {', '.join(known)}; "
                "add a 'benchmark' field or name one benchmark with --bench"
            )
        benchmark = owners[0] if owners else next(iter(known))
    if benchmark not in known:
        raise SamplesError(f"{where}: benchmark {benchmark!r} is not among the selected ({', '.join(known)})")
    if task_id not in known[benchmark]:
        raise SamplesError(f"{where}: task_id {task_id!r} is not a problem of {benchmark}")
    index = row.get("index", next_index.get((benchmark, task_id), 0))
    if not isinstance(index, int) or index < 0:
        raise SamplesError(f"{where}: 'index' must be a non-negative integer")
    next_index[(benchmark, task_id)] = max(next_index.get((benchmark, task_id), 0), index + 1)
    answer = Answer(benchmark, task_id, index, completion, kind, where)
    if answer.key in seen:
        raise SamplesError(f"{where}: duplicate sample {index} of {task_id}")
    seen.add(answer.key)
    return answer
