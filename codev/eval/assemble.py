"""Turn an answer into the answer file a benchmark's flow compiles: verbatim (`official`) and repaired.

`official` is what the benchmark's own harness would compile, byte for byte:
- VerilogEval v1 (human-eval): `prompt + "\\n" + completion`, nothing stripped, so a completion that
  repeats the module header, wraps code in a fence or ends in prose fails there and fails here;
- VerilogEval v2: the `_sampleNN.sv` that `sv-generate` writes (its own extraction), or the file itself;
- RTLLM: the answer file as given. Its flow starts from `<design>.v` files and defines no way from a chat
  response to one, so a response becomes a file by codev's extractor (extract.extract_code);
- CVDP: the file(s) its own flow writes from a response (cvdp_answer.extract); no repaired variant.
`repaired` is codev's salvage of answers that flow rejects for their form: fenced code extracted,
a repeated header removed, text after the last `endmodule` dropped. It exists only for samples it
changes, is scored and reported beside `official`, and is never called official.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .benchmarks import RTLLM_RULE, VERILOGEVAL_V1_RULE, Problem
from .cvdp_answer import extract as cvdp_extract
from .extract import extract_code, sv_generate_code
from .records import CODE, CONTINUATION, REFERENCE, Answer
from .verilog_text import code_only, declares_module

OFFICIAL = "official"
REPAIRED = "repaired"
FIXED = "fixed"  # official answer, documented testbench fixes (--fixed-testbenches)

# what the repaired variant did (report.md lists them per example)
FENCE = "code extracted from the response (fence/<answer>/[BEGIN])"
HEADER = "repeated module header removed"
TRAILER = "text after the last endmodule dropped"


@dataclass(frozen=True)
class Assembled:
    source: str | None  # the answer file as the flow writes it; None: nothing to compile (no-code)
    extraction: str  # how the text became code ("verbatim", "sv-generate", "fence", "reference", ...)
    repairs: tuple[str, ...] = ()  # empty for official


def official(problem: Problem, answer: Answer) -> Assembled:
    text = answer.completion
    if problem.cvdp is not None:  # CVDP: the files its own flow writes from the response (cvdp_answer.py)
        if answer.kind == REFERENCE:
            return Assembled(text, "reference")
        code, how = cvdp_extract(problem.cvdp, text)
        return Assembled(code, how)
    if problem.rule == VERILOGEVAL_V1_RULE:
        if answer.kind == REFERENCE:  # the reference is prompt + canonical_solution
            text = text[len(problem.header):] if text.startswith(problem.header) else text
        return Assembled(problem.header + "\n" + text, "reference" if answer.kind == REFERENCE else "verbatim")
    if answer.kind == REFERENCE:
        return Assembled(text, "reference")
    if answer.kind == CODE:
        return Assembled(text, "file") if text.strip() else Assembled(None, "none")
    if problem.rule == RTLLM_RULE:
        found = extract_code(text)
        return Assembled(found.code, found.source)
    return Assembled(sv_generate_code(text, problem.task_variant, problem.header), "sv-generate")


def repaired(problem: Problem, answer: Answer) -> Assembled | None:
    """The repaired answer file, or None when no repair applies (the verdict is the official one)."""
    if answer.kind == REFERENCE or problem.cvdp is not None:  # CVDP: its own reading is the only one
        return None
    if problem.rule == VERILOGEVAL_V1_RULE:
        fixed = _repaired_v1(problem, answer)
    else:
        fixed = _repaired_file(problem, answer)
    if fixed is None or same_code(fixed.source, official(problem, answer).source):
        return None
    return fixed


def same_code(a: str | None, b: str | None) -> bool:
    """Equal up to whitespace and comments (sv-generate's blank lines and notes change no verdict)."""
    if a is None or b is None:
        return a is b
    return code_only(a).split() == code_only(b).split()


def _extracted(answer: Answer) -> tuple[str | None, str, tuple[str, ...]]:
    """Fenced code out of a response (a harness-written file or a continuation keeps its text)."""
    found = extract_code(answer.completion)
    if found.source in ("fence", "answer", "begin-done", "any-fence"):
        return found.code, found.source, (FENCE,)
    if answer.kind in (CODE, CONTINUATION):
        return answer.completion, "file" if answer.kind == CODE else "verbatim", ()
    return found.code, found.source, ()


def _repaired_v1(problem: Problem, answer: Answer) -> Assembled | None:
    code, source, repairs = _extracted(answer)
    if code is None:
        return None
    body = strip_module_header(code, problem.top)
    if body is not None:
        code, repairs = body, repairs + (HEADER,)
    trimmed = drop_trailer(code)
    if trimmed != code:
        code, repairs = trimmed, repairs + (TRAILER,)
    return Assembled(problem.header + "\n" + code, source, repairs)


def _repaired_file(problem: Problem, answer: Answer) -> Assembled | None:
    code, source, repairs = _extracted(answer)
    if code is None or not code.strip():
        return None
    if problem.header and not declares_module(code, problem.top):
        code = problem.header + "\n" + code  # code-complete: the body of the given interface
    trimmed = drop_trailer(code)
    if trimmed != code:
        code, repairs = trimmed, repairs + (TRAILER,)
    return Assembled(code, source, repairs or ("codev's extractor instead of sv-generate's",))


def strip_module_header(code: str, top: str) -> str | None:
    """Body of module `top` (after its `);`), other modules appended; None if `top` is not declared.

    Token-aware: a `module top_module` inside a comment or string is not a declaration, and
    parentheses in comments do not count when looking for the `;` that closes the header.
    """
    decl = declares_module(code, top)
    if not decl:
        return None
    mask = code_only(code)
    depth, i = 0, decl.end()
    while i < len(mask):
        ch = mask[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == ";" and depth == 0:
            break
        i += 1
    end = i + 1
    if end < len(code) and code[end] == "\n":
        end += 1
    before = code[: decl.start()].strip()
    return code[end:] + ("\n" + before + "\n" if before else "")


_ENDMODULE = re.compile(r"\bendmodule\b")


def drop_trailer(code: str) -> str:
    """`code` cut after its last `endmodule` when code (not comments) follows it, e.g. prose."""
    mask = code_only(code)
    last = None
    for last in _ENDMODULE.finditer(mask):
        pass
    if last is None or not mask[last.end():].strip():
        return code
    return code[: last.end()] + "\n"
