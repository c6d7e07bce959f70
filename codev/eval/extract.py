"""Pull the Verilog answer out of a raw model response.

Order (first rule that finds something wins; within a rule the LAST block wins, as in CodeV-R1's
`extract_verilog`, because reasoning models revise drafts and the final one is the answer):
1. closed ```verilog / ```systemverilog / ```sv / ```v fences;
2. <answer>...</answer> content;
3. VerilogEval v2's [BEGIN] ... [DONE] markers;
4. any closed ``` fence;
5. the whole response, when it declares a module (a file of code, e.g. RTLLM's samples).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_VERILOG_FENCE = re.compile(r"```(?:verilog|systemverilog|sv|v)[ \t]*\n?([\s\S]*?)```", re.I)
_ANSWER = re.compile(r"<answer>([\s\S]*?)</answer>", re.I)
_BEGIN_DONE = re.compile(r"^\s*\[BEGIN\]([\s\S]*?)\[DONE\]", re.M)
_ANY_FENCE = re.compile(r"```[^\n`]*\n([\s\S]*?)```")
_MODULE = re.compile(r"^\s*module\s+\w+", re.M)


@dataclass(frozen=True)
class Extraction:
    code: str | None  # None: the response holds no answer at all
    source: str  # "fence" | "answer" | "begin-done" | "any-fence" | "raw" | "none"


def extract_code(response: str) -> Extraction:
    for source, pattern in (
        ("fence", _VERILOG_FENCE),
        ("answer", _ANSWER),
        ("begin-done", _BEGIN_DONE),
        ("any-fence", _ANY_FENCE),
    ):
        matches = pattern.findall(response)
        if matches:
            code = matches[-1]
            if source == "answer":
                # an <answer> that wraps a fence the fence rule could not close: drop stray ticks
                code = re.sub(r"^\s*```\w*[ \t]*\n?|```\s*$", "", code)
            return Extraction(code.strip("\n") + "\n", source)
    if _MODULE.search(response):
        return Extraction(response, "raw")
    return Extraction(None, "none")
