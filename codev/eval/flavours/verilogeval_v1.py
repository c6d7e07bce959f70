"""VerilogEval v1 (NVlabs/verilog-eval v1, human-eval style): JSONL problems, a module header to complete.

Its quirks: the answer is a continuation of the problem's header (`prompt + "\\n" + completion`, nothing
stripped), the testbench and the answer are one file, compile and simulation share one 30 s bound, any
stderr fails, and its own harness writes human-eval JSONL (`{"task_id", "completion"}` rows).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from testbench_gen.containment.sandbox import clean_paths, run_limited

from codev.llm.prompts import ChatPrompt

from .. import rules
from ..flow import IVERILOG_VE_FLAGS, Bounds, Scored, excerpt, limits
from ..problem import BenchmarkError, BenchmarkSpec, Problem
from ..records import CONTINUATION, REFERENCE, Answer, SamplesError, read_samples
from ..tools import Icarus
from ..verilog_text import code_only, drop_trailer, strip_module_header
from .base import HEADER, TRAILER, Assembled, Flavour, extracted, template

_CLOCK_PORT = re.compile(r"\binput\b[^;,)]*?\bclk\b")
_MODULE_FIRST = re.compile(r"\bmodule\s+\w+")
_FENCE_OR_TAG = re.compile(r"```|<answer>|\[BEGIN\]", re.I)


def interface_category(interface: str) -> str:
    """VerilogEval has no official categories; split by whether the interface has a clock."""
    return "sequential" if _CLOCK_PORT.search(interface) else "combinational"


def read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        raise BenchmarkError(f"{path}: missing")
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise BenchmarkError(f"{path}:{lineno}: not JSON ({exc.msg})") from None
    return rows


def looks_like_continuations(path: Path) -> bool:
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


class VerilogEvalV1(Flavour):
    name = "verilogeval-v1"
    sample_format = "verilogeval-v1"

    def load(self, spec: BenchmarkSpec, folder: Path) -> list[Problem]:
        data = read_jsonl(folder / "data" / f"VerilogEval_{spec.variant}.jsonl")
        descriptions = {
            row["task_id"]: row["detail_description"]
            for row in read_jsonl(folder / "descriptions" / f"VerilogDescription_{spec.variant}.jsonl")
        }
        problems = []
        for row in data:
            task_id = row["task_id"]
            if task_id not in descriptions:
                raise BenchmarkError(f"{folder}: no description for {task_id}")
            problems.append(
                Problem(
                    id=task_id,
                    benchmark=spec.name,
                    prompt=descriptions[task_id],
                    header=row["prompt"],
                    # complete module; the harness strips the header again and compiles exactly the
                    # official test + "\n" + prompt + "\n" + canonical_solution
                    reference=row["prompt"] + row["canonical_solution"],
                    testbench=row["test"],
                    rule=spec.rule,
                    category=interface_category(row["prompt"]),
                    top="top_module",
                )
            )
        return sorted(problems, key=lambda p: p.id)

    def official_prompt(self, problem: Problem) -> ChatPrompt:
        """Description, then the module header to complete (the template v2 kept)."""
        description = "\n".join("// " + line for line in problem.prompt.strip().splitlines())
        user = template("verilogeval_code_complete_prefix") + description + "\n\n" + problem.header
        return ChatPrompt(template("verilogeval_code_complete_system"), user.rstrip() + "\n")

    def codev_r1_question(self, problem: Problem) -> str:
        return problem.prompt + "The module head should be:\n" + problem.header

    def official(self, problem: Problem, answer: Answer) -> Assembled:
        """human-eval: `prompt + "\\n" + completion`, so a completion that repeats the header, wraps code
        in a fence or ends in prose fails there and fails here."""
        text = answer.completion
        if answer.kind == REFERENCE:  # the reference is prompt + canonical_solution
            text = text[len(problem.header):] if text.startswith(problem.header) else text
        return Assembled(problem.header + "\n" + text, "reference" if answer.kind == REFERENCE else "verbatim")

    def repaired(self, problem: Problem, answer: Answer) -> Assembled | None:
        if answer.kind == REFERENCE:
            return None
        code, source, repairs = extracted(answer)
        if code is None:
            return None
        body = strip_module_header(code, problem.top)
        if body is not None:
            code, repairs = body, repairs + (HEADER,)
        trimmed = drop_trailer(code)
        if trimmed != code:
            code, repairs = trimmed, repairs + (TRAILER,)
        return Assembled(problem.header + "\n" + code, source, repairs)

    def run(self, problem: Problem, source: str, work: Path, bounds: Bounds, icarus: Icarus) -> Scored:
        name = f"{problem.id}.sv"
        (work / name).write_text(problem.testbench + "\n" + source, encoding="utf-8")
        # execution.py bounds compile and simulation together
        total = min(bounds.compile_s, bounds.verilogeval_v1_s)
        comp = run_limited([icarus.iverilog, *IVERILOG_VE_FLAGS, "-o", "test.vvp", name], work, limits(total))
        stdout, stderr, seconds, timed_out = comp.stdout, comp.stderr, comp.seconds, comp.timed_out
        compile_ok = comp.ok and (work / "test.vvp").exists()
        left = bounds.verilogeval_v1_s - comp.seconds
        if compile_ok and left <= 0:
            timed_out = True
        elif compile_ok:
            sim = run_limited([icarus.vvp, "-n", "test.vvp"], work, limits(left))
            stdout, stderr = stdout + sim.stdout, stderr + sim.stderr
            seconds += sim.seconds
            timed_out = sim.timed_out
        outcome = rules.verilogeval_v1(compile_ok, stdout, stderr, timed_out)
        log = clean_paths(stdout + ("\n[stderr]\n" + stderr if stderr else ""), work)
        return Scored(outcome.verdict, outcome.code, excerpt(log), seconds)

    def claims(self, path: Path, file_names: list[str], selected_rules: set[str]) -> bool:
        return not path.is_dir() and self.name in selected_rules and looks_like_continuations(path)

    def read_samples(self, path: Path, known: dict[str, set[str]], rules: dict[str, str]) -> list[Answer]:
        # continuations complete a v1 header: only the selected v1 benchmarks can own them
        known = {name: ids for name, ids in known.items() if rules[name] == self.name}
        if not known:
            raise SamplesError(f"{path}: VerilogEval v1 continuations need --bench verilogeval-v1-human or -machine")
        return read_samples(path, known, CONTINUATION)
