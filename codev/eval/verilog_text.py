"""Which characters of a Verilog fragment are code: comments and string literals are not.

The v1 repair decides whether a completion repeats `module top_module` and where a module ends;
text inside `// The module top_module simply ...` or a `$display("endmodule")` must never count.
Model answers are fragments (a body without its header, a truncated file) that a parser rejects,
so this masks lexically instead: same length, same offsets, newlines kept, every comment and string
character replaced by a space, so a regex match on the mask is a match on the original's code.
"""
from __future__ import annotations

import re

_TOKEN = re.compile(r'//[^\n]*|/\*[\s\S]*?(?:\*/|$)|"(?:\\[\s\S]|[^"\\\n])*(?:"|$)', re.M)


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def code_only(text: str) -> str:
    """`text` with comments and string literals blanked (an unterminated one runs to its end)."""
    return _TOKEN.sub(_blank, text)


def declares_module(text: str, name: str) -> re.Match | None:
    """Where `module name` is declared in code (not in a comment or string), on the original offsets."""
    return re.search(rf"\b(?:macro)?module\s+{re.escape(name)}\b", code_only(text))
