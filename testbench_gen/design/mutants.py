"""Single-site mutants of a design: how many bugs does a testbench catch?

Used by the throughput benchmark (detection rate) and by users who want to grade their own
testbenches. Each mutant changes one token in the code (never in comments or strings): an operator
swap, a constant off by one, a dropped negation, a swapped clock edge or a flipped reset test.
Some mutants are equivalent to the original; detection rates are therefore relative measures.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

from .policy import TOKEN

OPERATOR_SWAPS = {
    "+": "-", "-": "+", "&": "|", "|": "&", "^": "&", "==": "!=", "!=": "==", "<": "<=",
    "<=": "<", ">": ">=", ">=": ">", "&&": "||", "||": "&&", "<<": ">>", ">>": "<<",
}
_OPERATOR = re.compile(r"&&|\|\||==|!=|<=|>=|<<|>>|[+\-&|^<>]")
_NUMBER = re.compile(r"(\d+)?'([sS]?[dDhHbB])([0-9a-fA-F_]+)|\b\d+\b")


@dataclass(frozen=True)
class Mutant:
    kind: str  # operator | constant | negation | edge | reset_polarity
    line: int
    description: str
    source: str


def _code_spans(source: str) -> list[tuple[int, int]]:
    """Character ranges of code (outside comments and strings)."""
    spans, pos = [], 0
    for m in TOKEN.finditer(source):
        if m.lastgroup in ("comment", "string"):
            if m.start() > pos:
                spans.append((pos, m.start()))
            pos = m.end()
    spans.append((pos, len(source)))
    return spans


def _sites(source: str):
    for start, end in _code_spans(source):
        chunk = source[start:end]
        for m in re.finditer(r"\b(posedge|negedge)\b", chunk):
            other = "negedge" if m.group() == "posedge" else "posedge"
            yield "edge", start + m.start(), start + m.end(), other
        for m in re.finditer(r"if\s*\(\s*(!|~)\s*(\w+)\s*\)", chunk):
            yield "reset_polarity", start + m.start(1), start + m.end(1), ""
        for m in re.finditer(r"(?<![=!<>])(!|~)(?=[\w(])", chunk):
            yield "negation", start + m.start(), start + m.end(), ""
        for m in _OPERATOR.finditer(chunk):
            op = m.group()
            before = chunk[max(0, m.start() - 1):m.start()]
            after = chunk[m.end():m.end() + 1]
            # skip non-operators: `<=` assignments, `@(*)`-like, `+:`/`-:` part selects, unary +/-
            if op == "<=" and re.match(r"^\s*[\w\[\]\.:]+\s*$", chunk[chunk.rfind("\n", 0, m.start()) + 1:m.start()]):
                continue
            if after == ":" or before in ("<", ">", "=", "!", "&", "|") or after in ("=", ">", "<") and op not in ("==", "!=", "<=", ">="):
                continue
            if op in OPERATOR_SWAPS:
                yield "operator", start + m.start(), start + m.end(), OPERATOR_SWAPS[op]
        for m in _NUMBER.finditer(chunk):
            if m.group(2) and m.group(2)[-1] in "dD" and m.group(3).isdigit():
                value = int(m.group(3).replace("_", "")) + 1
                text = f"{m.group(1) or ''}'{m.group(2)}{value}"
            elif m.group(2) and m.group(2)[-1] in "bB" and set(m.group(3)) <= set("01_"):
                digits = m.group(3).replace("_", "")
                flipped = digits[:-1] + ("1" if digits[-1] == "0" else "0")
                text = f"{m.group(1) or ''}'{m.group(2)}{flipped}"
            elif m.group(2) and m.group(2)[-1] in "hH":
                try:
                    value = int(m.group(3).replace("_", ""), 16) ^ 1
                except ValueError:
                    continue
                text = f"{m.group(1) or ''}'{m.group(2)}{value:x}"
            elif not m.group(2):
                prev = chunk[max(0, m.start() - 1):m.start()]
                if prev in ("[", ":", "#", "'") or chunk[m.end():m.end() + 1] in (":", "]", "'"):
                    continue  # widths and ranges: mutating them mostly breaks compilation
                text = str(int(m.group()) + 1)
            else:
                continue
            yield "constant", start + m.start(), start + m.end(), text


def mutants(source: str, limit: int | None = None, seed: int = 0) -> list[Mutant]:
    """Up to `limit` distinct single-site mutants, sampled deterministically from all sites."""
    all_sites = list(_sites(source))
    rng = random.Random(seed)
    rng.shuffle(all_sites)
    out, seen = [], set()
    for kind, start, end, replacement in all_sites:
        mutated = source[:start] + replacement + source[end:]
        if mutated == source or mutated in seen:
            continue
        seen.add(mutated)
        line = source.count("\n", 0, start) + 1
        desc = f"{kind}: '{source[start:end]}' -> '{replacement}' at line {line}"
        out.append(Mutant(kind, line, desc, mutated))
        if limit is not None and len(out) >= limit:
            break
    return out
