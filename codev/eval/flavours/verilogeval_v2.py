"""VerilogEval v2 (NVlabs/verilog-eval, spec-to-rtl and code-complete): one folder per task, `_ref.sv`
compiled beside every answer, verdicts by sv-iv-analyze's letters.

Its quirks: the reference module is `RefModule` and the answer's is `TopModule`; a response becomes
`ProbNNN_sample01.sv` by sv-generate's own extraction; the official prompts are sv-generate's 0-shot
templates; its harness writes a build folder of `ProbNNN_name_sampleNN.sv` (+ `-response.txt`).
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from testbench_gen.containment.sandbox import clean_paths, run_limited

from codev.llm.prompts import ChatPrompt

from .. import rules
from ..extract import sv_generate_code
from ..flow import IVERILOG_VE_FLAGS, Bounds, Scored, compile_step, excerpt, limits
from ..problem import BenchmarkError, BenchmarkSpec, Problem
from ..records import CODE, RESPONSE, Answer, SamplesError
from ..tools import Icarus
from .base import Assembled, Flavour, own_benchmarks, read_sample_text, template
from .verilogeval_v1 import interface_category

_NO_EXPLAIN = "Enclose your code with [BEGIN] and [DONE]. Only output the code snippet\nand do NOT output anything else.\n\n"
_SAMPLE = re.compile(r"^(Prob\d{3}_\w+?)_sample(\d+)\.sv$")
_RESPONSE = re.compile(r"^(Prob\d{3}_\w+?)_sample(\d+)[-_]response\.txt$")


def _comment_until_module(text: str, top: str) -> str:
    """sv-generate (code-complete): comment out the description, keep the module header as code."""
    out, prefix = [], True
    for line in text.splitlines():
        if f"module {top}" in line:
            out.append("")
            prefix = False
        out.append("// " + line if prefix else line)
    return "\n".join(out)


class VerilogEvalV2(Flavour):
    name = "verilogeval-v2"
    sample_format = "verilogeval-v2"
    samples_are_folder = True
    sample_hint = "ProbNNN_*_sampleNN.sv"

    def load(self, spec: BenchmarkSpec, folder: Path) -> list[Problem]:
        dataset = folder / f"dataset_{spec.variant}"
        problems_file = dataset / "problems.txt"
        if not problems_file.is_file():
            raise BenchmarkError(f"{problems_file}: missing")
        problems = []
        for problem_id in problems_file.read_text().split():
            files = {kind: dataset / f"{problem_id}_{kind}" for kind in ("prompt.txt", "ref.sv", "test.sv", "ifc.txt")}
            for kind in ("prompt.txt", "ref.sv", "test.sv"):
                if not files[kind].is_file():
                    raise BenchmarkError(f"{files[kind]}: missing")
            ref = files["ref.sv"].read_text(encoding="utf-8")
            header = files["ifc.txt"].read_text(encoding="utf-8") if files["ifc.txt"].is_file() else ""
            problems.append(
                Problem(
                    id=problem_id,
                    benchmark=spec.name,
                    prompt=files["prompt.txt"].read_text(encoding="utf-8"),
                    header=header,
                    reference=re.sub(r"\bRefModule\b", "TopModule", ref),
                    testbench=files["test.sv"].read_text(encoding="utf-8"),
                    rule=spec.rule,
                    category=interface_category(ref),
                    top="TopModule",
                    support=ref,
                    task_variant=spec.variant,
                )
            )
        return problems

    def official_prompt(self, problem: Problem) -> ChatPrompt:
        """The 0-shot prompt of sv-generate (no examples, no rules, no explanation)."""
        if problem.task_variant == "spec-to-rtl":
            full = "\nQuestion:\n" + problem.prompt.strip() + "\n"
            full = full.rstrip() + "\n" + template("verilogeval_v2_no_explain_suffix")
            full += "\nAnswer:\n"
            return ChatPrompt(template("verilogeval_v2_spec_to_rtl_system"), full.rstrip() + "\n")
        full = template("verilogeval_code_complete_prefix") + _comment_until_module(problem.prompt, problem.top)
        return ChatPrompt(template("verilogeval_code_complete_system"), full.rstrip() + "\n")

    def codev_r1_question(self, problem: Problem) -> str:
        """CodeV-R1's prep_verilogeval.py: the official prompt, its last comment turned into the module head."""
        question = self.official_prompt(problem).user
        if question.count("//") >= 2 and "module TopModule" in question:
            parts = question.split("//")
            parts[-1] = "The module head should be:" + parts[-1]
            question = "".join(parts)
        return question.replace(_NO_EXPLAIN, "")

    def extract(self, problem: Problem, response: str) -> Assembled:
        """The `_sampleNN.sv` that sv-generate writes (its own extraction)."""
        return Assembled(sv_generate_code(response, problem.task_variant, problem.header), "sv-generate")

    def run(self, problem: Problem, source: str, work: Path, bounds: Bounds, icarus: Icarus) -> Scored:
        stem = f"{problem.id}_sample01"
        (work / f"{stem}.sv").write_text(source, encoding="utf-8")
        (work / f"{problem.id}_test.sv").write_text(problem.testbench, encoding="utf-8")
        (work / f"{problem.id}_ref.sv").write_text(problem.support, encoding="utf-8")
        files = [f"{stem}.sv", f"{problem.id}_test.sv", f"{problem.id}_ref.sv"]
        comp = compile_step([icarus.iverilog, *IVERILOG_VE_FLAGS, "-o", stem, *files], work, bounds)
        log, seconds, timed_out = comp.stdout + comp.stderr, comp.seconds, False
        compile_ok = comp.ok and (work / stem).exists()
        if compile_ok:
            sim = run_limited([icarus.vvp, stem], work, limits(bounds.verilogeval_v2_s))
            log += sim.stdout + sim.stderr
            seconds += sim.seconds
            if sim.timed_out:  # the Makefile appends this line when `timeout` fires
                log += "\nTIMEOUT\n"
                timed_out = True
        outcome = rules.verilogeval_v2(compile_ok, log, source, timed_out)
        return Scored(outcome.verdict, outcome.code, excerpt(clean_paths(log, work)), seconds)

    def claims(self, path: Path, file_names: list[str], selected_rules: set[str]) -> bool:
        return path.is_dir() and any(_SAMPLE.match(n) or _RESPONSE.match(n) for n in file_names)

    def read_samples(self, path: Path, known: dict[str, set[str]], rules: dict[str, str]) -> list[Answer]:
        names = own_benchmarks(known, rules, self.name, "VerilogEval v2", path)
        if len(names) > 1:
            raise SamplesError(f"{path}: a v2 harness folder holds one task's samples; name it with --bench ({' or '.join(names)})")
        benchmark = names[0]
        found: dict[tuple[str, int], dict[str, Path]] = defaultdict(dict)
        for file in sorted(path.rglob("*")):
            for kind, pattern in (("sv", _SAMPLE), ("response", _RESPONSE)):
                match = pattern.match(file.name)
                if match and file.is_file():
                    found[(match.group(1), int(match.group(2)))][kind] = file
        unknown = sorted({task for task, _ in found if task not in known[benchmark]})
        if unknown:
            raise SamplesError(f"{path}: {unknown[0]} is not a problem of {benchmark} ({len(unknown)} unknown)")
        answers = []
        for (task, number), files in sorted(found.items()):
            if "sv" in files:  # what the harness compiled: its own extraction of the response
                answers.append(Answer(benchmark, task, number - 1, read_sample_text(files["sv"]), CODE, str(files["sv"])))
            else:  # a response the harness never turned into a .sv: extract it ourselves
                answers.append(Answer(benchmark, task, number - 1, read_sample_text(files["response"]), RESPONSE, str(files["response"])))
        if not answers:
            raise SamplesError(f"{path}: no ProbNNN_*_sampleNN.sv files")
        return answers
