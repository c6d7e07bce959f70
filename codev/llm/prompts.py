"""Prompt styles for the benchmarks, rendered exactly as their authors did.

`official`: VerilogEval v2's 0-shot prompts as `scripts/sv-generate` renders them (VerilogEval v1 gets the
same code-completion template, which v2 inherited from it; RTLLM's prompt is its design description).
`codev-r1`: CodeV-R1's `<think>/<answer>` system prompt around the question its data scripts build.
Template texts live in prompts/*.txt so they can be diffed against upstream.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from codev.eval.benchmarks import RTLLM_RULE, VERILOGEVAL_V1_RULE, Problem
from codev.eval.cvdp_answer import user_prompt as cvdp_user_prompt

STYLES = ("official", "codev-r1")
_DIR = Path(__file__).with_name("prompts")
_NO_EXPLAIN_V2 = "Enclose your code with [BEGIN] and [DONE]. Only output the code snippet\nand do NOT output anything else.\n\n"


@lru_cache(maxsize=None)
def template(name: str) -> str:
    return (_DIR / f"{name}.txt").read_text(encoding="utf-8")


@dataclass(frozen=True)
class ChatPrompt:
    system: str | None
    user: str

    def messages(self) -> list[dict[str, str]]:
        msgs = [{"role": "system", "content": self.system}] if self.system else []
        return msgs + [{"role": "user", "content": self.user}]


def _comment_until_module(text: str, top: str) -> str:
    """sv-generate (code-complete): comment out the description, keep the module header as code."""
    out, prefix = [], True
    for line in text.splitlines():
        if f"module {top}" in line:
            out.append("")
            prefix = False
        out.append("// " + line if prefix else line)
    return "\n".join(out)


def verilogeval_v2_official(problem: Problem) -> ChatPrompt:
    """The 0-shot prompt of sv-generate (no examples, no rules, no explanation)."""
    if problem.task_variant == "spec-to-rtl":
        full = "\nQuestion:\n" + problem.prompt.strip() + "\n"
        full = full.rstrip() + "\n" + template("verilogeval_v2_no_explain_suffix")
        full += "\nAnswer:\n"
        return ChatPrompt(template("verilogeval_v2_spec_to_rtl_system"), full.rstrip() + "\n")
    full = template("verilogeval_code_complete_prefix") + _comment_until_module(problem.prompt, problem.top)
    return ChatPrompt(template("verilogeval_code_complete_system"), full.rstrip() + "\n")


def verilogeval_v1_official(problem: Problem) -> ChatPrompt:
    """VerilogEval v1: description, then the module header to complete (the template v2 kept)."""
    description = "\n".join("// " + line for line in problem.prompt.strip().splitlines())
    user = template("verilogeval_code_complete_prefix") + description + "\n\n" + problem.header
    return ChatPrompt(template("verilogeval_code_complete_system"), user.rstrip() + "\n")


def codev_r1_question(problem: Problem) -> str:
    """The question text CodeV-R1's prep scripts (prep_verilogeval.py) build before adding its system prompt."""
    if problem.rule == VERILOGEVAL_V1_RULE:
        question = problem.prompt + "The module head should be:\n" + problem.header
    elif problem.rule == RTLLM_RULE:
        question = problem.prompt
    else:
        question = verilogeval_v2_official(problem).user
        if question.count("//") >= 2 and "module TopModule" in question:
            parts = question.split("//")
            parts[-1] = "The module head should be:" + parts[-1]
            question = "".join(parts)
    return question.replace(_NO_EXPLAIN_V2, "")


def cvdp_prompt(problem: Problem) -> ChatPrompt:
    """CVDP: context files, the task, where the answer goes (codev's wording; see cvdp_answer.user_prompt)."""
    assert problem.cvdp is not None
    return ChatPrompt(template("cvdp_system"), cvdp_user_prompt(problem.cvdp))


def build_prompt(problem: Problem, style: str) -> ChatPrompt:
    if problem.cvdp is not None and style in STYLES:
        if style == "codev-r1":  # CodeV-R1's <think>/<answer> frame around the same request
            return ChatPrompt(template("codev_r1_system"), cvdp_user_prompt(problem.cvdp))
        return cvdp_prompt(problem)
    if style == "codev-r1":
        return ChatPrompt(template("codev_r1_system"), codev_r1_question(problem).strip() + "\n")
    if style != "official":
        raise ValueError(f"unknown prompt style {style!r} (known: {', '.join(STYLES)})")
    if problem.rule == VERILOGEVAL_V1_RULE:
        return verilogeval_v1_official(problem)
    if problem.rule == RTLLM_RULE:
        return ChatPrompt(None, problem.prompt)
    return verilogeval_v2_official(problem)
