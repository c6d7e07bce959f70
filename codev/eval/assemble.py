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
Each format's reading is its flavour's (flavours/); this module picks the flavour and names the variants.
"""
from __future__ import annotations

from .flavours import flavour
from .flavours.base import Assembled
from .problem import Problem
from .records import Answer
from .verilog_text import same_code

OFFICIAL = "official"
REPAIRED = "repaired"
FIXED = "fixed"  # official answer, documented testbench fixes (--fixed-testbenches)


def official(problem: Problem, answer: Answer) -> Assembled:
    return flavour(problem.rule).official(problem, answer)


def repaired(problem: Problem, answer: Answer) -> Assembled | None:
    """The repaired answer file, or None when no repair applies (the verdict is the official one)."""
    fixed = flavour(problem.rule).repaired(problem, answer)
    if fixed is None or same_code(fixed.source, official(problem, answer).source):
        return None
    return fixed
