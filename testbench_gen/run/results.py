"""The files a simulation exchanges with the checker, and the format of what it records.

One place for names and formats, so the Verilog harness (harness.py), the simulator backends and the
core agree on them. A checking simulation writes one trace file, opened only by the testbench:
  one line per sample point: the compared outputs of design 0, design 1, ... (4-state binary, MSB first)
  END:<samples>              the run reached its end
Reading it fails closed: a file without its END line is an incomplete run (never a pass); any line
that is not exactly what the plan predicts (wrong width, foreign characters, a second END, lines
after END, more samples than planned) marks the whole run untrusted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from ..testbench.harness import EXPECTED_FILE, STIM_FILE, compared_ports, output_width
from ..interface import Interface

TRACE_FILE = EXPECTED_FILE  # the name Verilator's two-run recording merges (simulators/verilator.py)
END_PREFIX = "END:"
NO_TRACE = "no trace file"  # Recording.problem when the testbench never opened its file

__all__ = ["TRACE_FILE", "STIM_FILE", "END_PREFIX", "NO_TRACE", "RunStatus", "Recording", "read_trace", "trace_slices",
           "CandidateResult"]


class RunStatus(str, Enum):
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"  # stopped before its END line (timeout, crash, load failure)
    UNTRUSTED = "untrusted"  # lines the plan does not predict: someone else wrote to the file


@dataclass
class Recording:
    status: RunStatus
    traces: list[list[str]]  # per design, one line per sample point (complete runs only)
    problem: str = ""  # why the run is incomplete or untrusted
    # incomplete runs: per design, the whole lines recorded before the run stopped (a candidate that
    # differs there and then hangs or crashes is wrong, not timed out)
    prefix: list[list[str]] = field(default_factory=list)


@dataclass
class CandidateResult:
    """A candidate's trace compared with the golden's."""

    fails: int = 0
    first: int = -1  # first failing sample, -1 when none
    counts: list[int] = field(default_factory=list)  # failing samples per compared output
    actual: str = ""  # the candidate's outputs at `first`


def read_trace(path: Path, iface: Interface, designs: int, samples: int) -> Recording:
    """The per-design traces of a finished run, checked line by line against the plan."""
    if not path.exists():
        return Recording(RunStatus.INCOMPLETE, [], NO_TRACE)
    text = path.read_text(errors="replace")
    width = output_width(iface) * designs
    if re.fullmatch(f"(?:[01xz]{{{width}}}\n){{{samples}}}{END_PREFIX}{samples}\n", text):  # one C pass
        return Recording(RunStatus.COMPLETE, _per_design(text.split("\n")[:samples], iface, designs))
    sample_line = re.compile(f"[01xz]{{{width}}}")
    lines = text.split("\n")
    complete_last = text.endswith("\n")
    if complete_last:
        lines.pop()
    end_seen = False
    rows: list[str] = []
    for number, line in enumerate(lines, 1):
        if end_seen:
            return Recording(RunStatus.UNTRUSTED, [], f"line {number}: text after the END line")
        if line == f"{END_PREFIX}{samples}" and len(rows) == samples:
            end_seen = True
        elif sample_line.fullmatch(line) and len(rows) < samples:
            rows.append(line)
        elif number == len(lines) and not complete_last and _cut_short(line, width, samples):
            return Recording(RunStatus.INCOMPLETE, [], "the run stopped while writing a line",
                             _per_design(rows, iface, designs))
        else:
            return Recording(RunStatus.UNTRUSTED, [], f"line {number}: unexpected {line[:60]!r}")
    if not end_seen:
        return Recording(RunStatus.INCOMPLETE, [], f"stopped after {len(rows)} of {samples} samples",
                         _per_design(rows, iface, designs))
    return Recording(RunStatus.COMPLETE, _per_design(rows, iface, designs))


def _per_design(rows: list[str], iface: Interface, designs: int) -> list[list[str]]:
    if designs == 1:
        return [rows]  # the golden's run: lines are already one design's
    one = output_width(iface)
    return [[row[k * one:(k + 1) * one] for row in rows] for k in range(designs)]


def _cut_short(line: str, width: int, samples: int) -> bool:
    """A last line without its newline that is the beginning of a line the plan predicts."""
    return (len(line) < width and re.fullmatch("[01xz]*", line) is not None) or \
        f"{END_PREFIX}{samples}".startswith(line)


def trace_slices(iface: Interface) -> list[tuple[int, int]]:
    """String index ranges [lo, hi) of each compared port in a trace line (MSB first), as (hi, lo)."""
    out, pos = [], 0
    for p in compared_ports(iface):
        out.append((pos + p.width, pos))
        pos += p.width
    return out
