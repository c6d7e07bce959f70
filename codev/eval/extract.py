"""Pull the Verilog answer out of a raw model response.

`extract_code` is codev's own extractor (synthesis, and the `repaired` scoring variant);
`sv_generate_code` is VerilogEval v2's official one. VerilogEval v1 and RTLLM have none: their
official flows compile the text as given (see assemble.py).

extract_code's order (first rule that finds something wins; within a rule the LAST block wins, as in CodeV-R1's
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


def sv_generate_code(response: str, task: str, interface: str) -> str:
    """The `_sampleNN.sv` VerilogEval v2's `sv-generate` writes for `response` (its official extraction).

    Line based, as upstream: with two or more lines starting with ``` only the first fenced block
    is kept; otherwise everything up to the first `endmodule` line (from `module TopModule` on when the
    response declares it). spec-to-rtl first looks for [BEGIN] ... [DONE] (and writes nothing when
    [BEGIN] has no [DONE]). code-complete prepends the interface unless the response declares
    `module TopModule` before any `endmodule`, and notes anomalies in trailing comments.
    """
    lines = response.splitlines()
    fences = sum(1 for line in lines if line.startswith("```"))
    declared = False
    for line in lines:
        if line.startswith("```"):
            continue
        if line.startswith("endmodule"):
            break  # an endmodule before any module line: treated as not declared
        if line.startswith("module TopModule"):
            declared = True
            break
    out = [""]
    if task == "spec-to-rtl":
        begun = ended = False
        block: list[str] = []
        for line in lines:
            if not begun:
                if line.strip() == "[BEGIN]":
                    begun = True
                elif line.lstrip().startswith("[BEGIN]"):
                    block.append(line.lstrip().replace("[BEGIN]", ""))
                    begun = True
            elif not ended:
                if line.strip() == "[DONE]":
                    ended = True
                elif line.rstrip().endswith("[DONE]"):
                    block.append(line.rstrip().replace("[DONE]", ""))
                    ended = True
                else:
                    block.append(line)
        if begun and ended:
            return "\n".join(out + block) + "\n"
        if begun:
            return "\n"
    elif not declared:
        out.append(interface + "\n")
    kept, module_seen, endmodule_seen = _fenced_or_first_module(lines, fences, declared)
    out += kept
    out.append("")
    if task != "spec-to-rtl":
        if fences == 1 or fences > 2:
            out += ["// VERILOG-EVAL: abnormal backticks count", ""]
        if module_seen:
            out += ["// VERILOG-EVAL: errant inclusion of module definition", ""]
        if not endmodule_seen:
            out += ["// VERILOG-EVAL: endmodule not found", ""]
    return "\n".join(out) + "\n"


def _fenced_or_first_module(lines: list[str], fences: int, declared: bool) -> tuple[list[str], bool, bool]:
    """sv-generate's second pass: the kept lines, and whether it met `module TopModule` / `endmodule`."""
    kept: list[str] = []
    opened = closed = module_seen = endmodule_seen = False
    for line in lines:
        if line.strip().startswith("module TopModule"):
            module_seen = True
        if fences >= 2:
            keep = opened and not closed
        else:
            keep = not endmodule_seen and (module_seen or not declared)
        if line.startswith("```"):
            closed, opened = opened or closed, True
            keep = False
        elif line.strip().startswith("endmodule"):
            endmodule_seen = True
        if keep:
            kept.append(line)
    return kept, module_seen, endmodule_seen
