"""Second opinion: our equivalence checker (testbench_gen) compares each answer with the reference.

Where it disagrees with the benchmark's testbench, one of them is wrong: a weak testbench passing a
wrong design, a racy testbench failing a right one, or a checker limitation. The report lists them.
"""
from __future__ import annotations

import os
from typing import Callable

from .flavours import flavour
from .problem import Problem
from .tools import Icarus


def pair(problem: Problem, code: str) -> tuple[str, str] | str:
    """(golden, candidate) sources to compare, or why there are none (each flavour says what its flow compiles)."""
    return flavour(problem.rule).equivalence_pair(problem, code)


def make_checker(icarus: Icarus) -> Callable[[Problem, str | None], dict]:
    """A function (problem, answer file from assemble.py) -> JSON-ready checker verdict; imports the checker once.

    The second opinion runs the Icarus the run scores with (`--iverilog`): the checker resolves its binaries in one
    place, from their environment variables, so this run's Icarus is handed to it (and its workers) there."""
    from testbench_gen import CheckOptions, InvalidGolden, SimulatorUnavailable, check
    from testbench_gen.run.simulators.base import TOOL_ENV

    os.environ[TOOL_ENV["iverilog"]] = icarus.iverilog
    os.environ[TOOL_ENV["vvp"]] = icarus.vvp

    def run(problem: Problem, code: str | None) -> dict:
        if code is None or not code.strip():
            return {"verdict": "no-code", "reason": "no Verilog found in the response", "checked": False}
        sources = pair(problem, code)
        if isinstance(sources, str):
            return {"verdict": "not-checked", "reason": sources, "checked": False}
        golden, candidate = sources
        try:
            verdict = check(golden, [candidate], CheckOptions(top=problem.top))[0]
        except InvalidGolden as exc:
            return {"verdict": "infra_error", "reason": f"reference unusable as golden: {exc}", "checked": False}
        except SimulatorUnavailable as exc:
            return {"verdict": "infra_error", "reason": f"the checker cannot run its simulator: {exc}", "checked": False}
        return {
            "verdict": verdict.kind.value,
            "reason": verdict.reason,
            "checked": verdict.is_checked,
            "seconds": round(verdict.seconds, 3),
        }

    return run
