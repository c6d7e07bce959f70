"""Which characters of a Verilog fragment are code: comments and string literals are not.

The answer repairs decide whether a completion repeats `module top_module` and where a module ends;
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


def same_code(a: str | None, b: str | None) -> bool:
    """Equal up to whitespace and comments (sv-generate's blank lines and notes change no verdict)."""
    if a is None or b is None:
        return a is b
    return code_only(a).split() == code_only(b).split()


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
