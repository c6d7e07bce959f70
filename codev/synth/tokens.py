"""Verilog token streams for duplicate and contamination checks: comments and layout never count, and
`canonical` renames identifiers by first appearance so renaming signals does not hide a copy."""
from __future__ import annotations

import re

_COMMENTS = re.compile(r"//[^\n]*|/\*[\s\S]*?\*/")
_TOKEN = re.compile(r"`?[A-Za-z_][A-Za-z0-9_$]*|\d*'[sS]?[bBoOdDhH][0-9a-fA-FxXzZ_?]+|\d[\d_]*|<<<|>>>|===|!==|[<>=!]=|&&|\|\||<<|>>|\S")
KEYWORDS = frozenset("""
always always_comb always_ff always_latch and assign automatic begin buf case casex casez default defparam
else end endcase endfunction endgenerate endmodule endtask enum for forever function generate genvar if
initial inout input integer localparam logic module nand negedge nor not or output parameter posedge real
reg repeat signed static task typedef unsigned while wire xnor xor bit byte int unique priority
""".split())


def tokens(code: str) -> list[str]:
    return _TOKEN.findall(_COMMENTS.sub(" ", code))


def canonical(code: str) -> list[str]:
    """Tokens with every non-keyword identifier replaced by its order of first appearance (v0, v1, ...)."""
    names: dict[str, str] = {}
    out = []
    for tok in tokens(code):
        if (tok[0].isalpha() or tok[0] == "_") and tok not in KEYWORDS:
            tok = names.setdefault(tok, f"v{len(names)}")
        out.append(tok)
    return out


def skeleton(code: str) -> list[str]:
    """Tokens with every non-keyword identifier replaced by one name: neither renaming nor the order in which
    names first appear (a parameter declared first, ports listed in another order) changes it."""
    return ["ID" if (tok[0].isalpha() or tok[0] == "_") and tok not in KEYWORDS else tok for tok in tokens(code)]


def ngrams(toks: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}
