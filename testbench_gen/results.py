"""The files a simulation exchanges with the checker, and the format of its result lines.

One place for names and formats, so the Verilog harness (harness.py), the simulator backends and the
core agree on them. The result file is written only by the testbench; every line starts with the
run's secret token:
  TOKEN R k fails first      candidate k: failing samples, index of the first (-1: none)
  TOKEN O k c0 c1 ...        candidate k: failing samples per compared output
  TOKEN M k sample bits      candidate k: its outputs at its first failing sample
  TOKEN END samples          the run reached its end after `samples` sample points
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .harness import EXPECTED_FILE, STIM_FILE, compared_ports
from .interface import Interface

RESULTS_FILE = "results.txt"

__all__ = ["RESULTS_FILE", "STIM_FILE", "EXPECTED_FILE", "CandidateResult", "BatchResults", "parse_results",
           "trace_slices"]


@dataclass
class CandidateResult:
    fails: int = 0
    first: int = -1  # first failing sample, -1 when none
    counts: list[int] = field(default_factory=list)  # failing samples per compared output
    actual: str = ""  # the candidate's outputs at `first`


@dataclass
class BatchResults:
    samples: int  # sample points the run compared
    candidates: dict[int, CandidateResult]


def parse_results(path: Path, token: str, n: int) -> BatchResults | None:
    """Result lines of a finished run; None if the run did not reach its END line."""
    if not path.exists():
        return None
    results = {k: CandidateResult() for k in range(n)}
    ended = None
    for line in path.read_text(errors="replace").splitlines():
        parts = line.split()
        if len(parts) < 2 or parts[0] != token:
            continue
        tag = parts[1]
        try:
            if tag == "END":
                ended = int(parts[2])
            elif tag == "R":
                r = results[int(parts[2])]
                r.fails, r.first = int(parts[3]), int(parts[4])
            elif tag == "O":
                results[int(parts[2])].counts = [int(x) for x in parts[3:]]
            elif tag == "M":
                results[int(parts[2])].actual = parts[4]
        except (IndexError, ValueError, KeyError):
            return None
    if ended is None:
        return None
    return BatchResults(samples=ended, candidates=results)


def trace_slices(iface: Interface) -> list[tuple[int, int]]:
    """String index ranges [lo, hi) of each compared port in a trace line (MSB first), as (hi, lo)."""
    out, pos = [], 0
    for p in compared_ports(iface):
        out.append((pos + p.width, pos))
        pos += p.width
    return out
