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

from .records import CODE, CONTINUATION, REFERENCE

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


def continuation_code(text: str, header: str, top: str) -> Extraction:
    """VerilogEval v1 human-eval completion -> a whole module, as the official flow assembles it.

    The official flow compiles `prompt + "\\n" + completion`; completions that repeat the header, or
    wrap code in a fence, are used as the whole module they already are.
    """
    found = extract_code(text)
    code, source = (found.code, found.source) if found.source not in ("raw", "none") else (text, "continuation")
    if code is None or not code.strip():
        return Extraction(None, "none")
    if re.search(rf"\bmodule\s+{re.escape(top)}\b", code):
        return Extraction(code, source if source != "continuation" else "raw")
    return Extraction(header.rstrip("\n") + "\n" + code, source)


def answer_code(kind: str, text: str, header: str, top: str) -> Extraction:
    """The code to score for an answer of `kind` (records.RESPONSE / CONTINUATION / CODE / REFERENCE)."""
    if kind == REFERENCE:
        return Extraction(text, "reference")
    if kind == CODE:
        return Extraction(text, "file") if text.strip() else Extraction(None, "none")
    if kind == CONTINUATION:
        return continuation_code(text, header, top)
    return extract_code(text)
