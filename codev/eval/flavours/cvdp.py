"""CVDP (NVIDIA's cvdp_benchmark, non-agentic and agentic-as-one-shot): each datapoint scored by its own
cocotb harness; the format itself is read by cvdp_format.py, answers by cvdp_answer.py and the harness
run by cvdp_harness.py.

Its quirks: the answer is the file(s) CVDP's own flow writes from a response (no repaired variant);
the prompt is codev's wording of CVDP's request (context files, task, where the answer goes); the copy
must match the hashes recorded when it was fetched; verdicts also depend on cocotb's version.
"""
from __future__ import annotations

from pathlib import Path

from codev.llm.prompts import ChatPrompt
from codev.llm.prompts import template as model_template

from .. import rules
from ..cvdp_answer import answer_files, reference_code, user_prompt
from ..cvdp_answer import extract as cvdp_extract
from ..cvdp_fetch import verify_fetched
from ..cvdp_format import CvdpFormatError, load_tasks
from ..cvdp_harness import design_sources, run_harness
from ..flow import Bounds, Scored, excerpt
from ..problem import BenchmarkError, BenchmarkSpec, Problem
from ..records import REFERENCE, Answer
from ..tools import Icarus, cocotb_version
from .base import CODEV_R1_STYLE, STYLES, Assembled, Flavour, template


class Cvdp(Flavour):
    name = "cvdp"  # each datapoint's own cocotb harness (cvdp_harness.py)

    def load(self, spec: BenchmarkSpec, folder: Path) -> list[Problem]:
        changed = verify_fetched(folder)
        if changed:
            raise BenchmarkError(f"{changed}; fetch it again (`codev bench fetch cvdp`)")
        agentic = spec.variant == "agentic"  # each datapoint belongs to one of cvdp / cvdp-agentic
        try:
            tasks = [t for t in load_tasks(folder, agentic_one_shot=agentic) if t.agentic == agentic]
        except CvdpFormatError as exc:
            raise BenchmarkError(str(exc)) from None
        return [
            Problem(
                id=task.id,
                benchmark=spec.name,
                prompt=task.prompt,
                header="",
                reference=reference_code(task),
                testbench="",
                rule=spec.rule,
                category=task.category_tag,
                top=task.toplevel,
                cvdp=task,
                skip=task.skip,
            )
            for task in tasks
        ]

    def prompt(self, problem: Problem, style: str) -> ChatPrompt:
        assert problem.cvdp is not None
        if style == CODEV_R1_STYLE:  # CodeV-R1's <think>/<answer> frame around the same request
            return ChatPrompt(model_template("codev_r1_system"), user_prompt(problem.cvdp))
        if style not in STYLES:
            raise ValueError(f"unknown prompt style {style!r} (known: {', '.join(STYLES)})")
        return self.official_prompt(problem)

    def official_prompt(self, problem: Problem) -> ChatPrompt:
        """Context files, the task, where the answer goes (codev's wording; see cvdp_answer.user_prompt)."""
        assert problem.cvdp is not None
        return ChatPrompt(template("cvdp_system"), user_prompt(problem.cvdp))

    def official(self, problem: Problem, answer: Answer) -> Assembled:
        """The file(s) CVDP's own flow writes from the response (cvdp_answer.extract)."""
        assert problem.cvdp is not None
        if answer.kind == REFERENCE:
            return Assembled(answer.completion, "reference")
        code, how = cvdp_extract(problem.cvdp, answer.completion)
        return Assembled(code, how)

    def repaired(self, problem: Problem, answer: Answer) -> Assembled | None:
        return None  # CVDP: its own reading is the only one

    def run(self, problem: Problem, source: str, work: Path, bounds: Bounds, icarus: Icarus) -> Scored:
        """The datapoint's own cocotb harness (cvdp_harness.py), with the answer's files in place."""
        assert problem.cvdp is not None
        files = answer_files(problem.cvdp, source)
        if not files:
            return Scored(rules.NO_CODE, "", "the answer names no file to write", 0.0)
        run = run_harness(problem.cvdp, files, work, bounds.cvdp_s, icarus)
        return Scored(run.outcome.verdict, run.outcome.code, excerpt(run.log), run.seconds)

    def setup_note(self, bounds: Bounds) -> str:
        return f"cvdp {bounds.cvdp_s:g} s, {cocotb_version()}"

    def tool_versions(self) -> dict[str, str]:
        return {"cocotb": cocotb_version()}

    def equivalence_pair(self, problem: Problem, code: str) -> tuple[str, str] | str:
        """The RTL its harness compiles, with the reference files, then with the answer's, in place."""
        task = problem.cvdp
        assert task is not None
        if not task.solution:
            return "no reference solution in this copy of the dataset"
        golden = design_sources(task, dict(task.solution))
        candidate = design_sources(task, answer_files(task, code))
        if golden is None or candidate is None:
            return "a VERILOG_SOURCES file is neither in the datapoint nor in the answer"
        return golden, candidate
