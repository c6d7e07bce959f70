"""Boolean functions given as data: a truth table, a Karnaugh map, a minterm list, or a waveform (timing
table) that shows every input combination once, in a random order.

The spec form is the skill: reading a Karnaugh map's Gray-code order or a waveform's rows into logic.
Golden: a case statement over the concatenated inputs, one arm per row with output 1. Second rendering:
a sum of products, one AND term per minterm, written from the same table by different code.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, module

INPUTS = {1: [2, 3], 2: [3], 3: [3, 4], 4: [4], 5: [4, 5]}
FORMS = {1: ["truth_table", "minterms"], 2: ["truth_table", "kmap", "waveform"], 3: ["kmap", "waveform", "minterms"],
         4: ["kmap", "waveform"], 5: ["kmap", "waveform", "truth_table"]}
NAMES = "abcde"
GRAY = {1: [0, 1], 2: [0, 1, 3, 2]}


def _bits(value: int, n: int) -> list[int]:
    """MSB first: input `a` is the top bit of the row number."""
    return [(value >> (n - 1 - i)) & 1 for i in range(n)]


class TruthTable:
    name = "logic"
    combinational = True

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        n = rng.choice(INPUTS[level])
        outs = 1 if level <= 3 else 2
        tables = []
        for _ in range(outs):
            while True:  # neither constant nor ignoring an input: the item would be degenerate
                ones = sorted(rng.sample(range(1 << n), rng.randint(2, (1 << n) - 2)))
                if all(any((m ^ (1 << b)) not in ones for m in ones) for b in range(n)):
                    break
            tables.append(ones)
        return {"inputs": n, "minterms": tables, "form": rng.choice(FORMS[level])}

    def build(self, params: dict[str, Any], level: int) -> Design:
        n, tables, form = params["inputs"], params["minterms"], params["form"]
        names = list(NAMES[:n])
        outs = ["y"] if len(tables) == 1 else [f"y{i}" for i in range(len(tables))]
        top = f"logic_{form}_{n}in_{'_'.join(f'{sum(1 << m for m in t):x}' for t in tables)}"
        ports = [PortDoc(x, "input", 1, f"input {x}") for x in names]
        ports += [PortDoc(o, "output", 1, "output given by the " + _form_name(form)) for o in outs]
        behaviour = [_spec(form, names, outs, tables, n, random.Random(top))]
        behaviour.append("Every row not listed with a 1 gives 0." if form == "minterms" else
                         f"The {_form_name(form)} lists every input combination, so it defines the outputs fully.")
        sel = "{" + ", ".join(names) + "}"
        golden = [f"    reg [{len(outs) - 1}:0] r;" if len(outs) > 1 else "    reg r;", "    always @* begin",
                  f"        case ({sel})"]
        for row in range(1 << n):
            value = "".join(str(int(row in t)) for t in reversed(tables))
            golden.append(f"            {n}'b{''.join(map(str, _bits(row, n)))}: r = {len(outs)}'b{value};")
        golden += ["        endcase", "    end"]
        golden += [f"    assign {o} = r[{i}];" for i, o in enumerate(outs)] if len(outs) > 1 else ["    assign y = r;"]
        alternate = []
        for o, t in zip(outs, tables):
            terms = [" & ".join(x if bit else f"~{x}" for x, bit in zip(names, _bits(m, n))) for m in t]
            alternate.append(f"    assign {o} = " + " |\n        ".join(f"({term})" for term in terms) + ";")
        summary = (f"implements the Boolean function{'s' if len(outs) > 1 else ''} of {n} inputs given by the "
                   f"{_form_name(form)} below.")
        plan = [f"Read the {_form_name(form)} into the list of input combinations for which "
                f"{' and '.join(f'`{o}`' for o in outs)} {'is' if len(outs) == 1 else 'are each'} 1"
                + (" (a Karnaugh map's rows and columns run in Gray-code order: 00, 01, 11, 10)." if form == "kmap" else
                   " (the rows of a waveform are in time order, not in binary order)." if form == "waveform" else "."),
                "Write the output as a case statement on the concatenated inputs with one arm per combination, "
                "or as a sum of products; both are purely combinational."]
        return Design(self.name, level, dict(params), top, tuple(ports), summary, tuple(behaviour),
                      module(top, ports, "\n".join(golden) + "\n"), module(top, ports, "\n".join(alternate) + "\n"),
                      tuple(plan), True)


def _form_name(form: str) -> str:
    return {"truth_table": "truth table", "kmap": "Karnaugh map", "minterms": "minterm list",
            "waveform": "waveform"}[form]


def _spec(form: str, names: list[str], outs: list[str], tables: list[list[int]], n: int, rng: random.Random) -> str:
    if form == "minterms":
        sums = "; ".join(f"{o} = sum of minterms m({', '.join(map(str, t))})" for o, t in zip(outs, tables))
        return (f"{sums}, where minterm number k is the row in which {{{', '.join(names)}}} read as a binary "
                f"number ({names[0]} is the most significant bit) equals k.")
    if form == "truth_table":
        head = "| " + " | ".join(names + outs) + " |\n|" + " --- |" * (n + len(outs))
        rows = ["| " + " | ".join(map(str, _bits(r, n) + [int(r in t) for t in tables])) + " |" for r in range(1 << n)]
        return "Truth table:\n\n" + head + "\n" + "\n".join(rows) + "\n"
    if form == "waveform":
        order = list(range(1 << n))
        rng.shuffle(order)
        head = "| time (ns) | " + " | ".join(names + outs) + " |\n|" + " --- |" * (1 + n + len(outs))
        rows = [f"| {10 * (i + 1)} | " + " | ".join(map(str, _bits(r, n) + [int(r in t) for t in tables])) + " |"
                for i, r in enumerate(order)]
        return ("The circuit is combinational. A simulation of it produced the waveform below (values listed "
                "at each time step; the outputs follow the inputs at once):\n\n" + head + "\n" + "\n".join(rows) + "\n")
    # Karnaugh map: the first inputs index the rows, the rest the columns, both in Gray-code order
    row_vars, col_vars = names[:n // 2], names[n // 2:]
    text = []
    for o, t in zip(outs, tables):
        cols = _gray(len(col_vars))
        grid = [f"| {''.join(row_vars)} \\ {''.join(col_vars)} | " + " | ".join(_code(c, len(col_vars)) for c in cols)
                + " |", "|" + " --- |" * (1 + len(cols))]
        for r in _gray(len(row_vars)):
            cells = [str(int(((r << len(col_vars)) | c) in t)) for c in cols]
            grid.append(f"| {_code(r, len(row_vars))} | " + " | ".join(cells) + " |")
        text.append(f"Karnaugh map of `{o}` (rows: {', '.join(row_vars)}; columns: {', '.join(col_vars)}):\n\n"
                    + "\n".join(grid) + "\n")
    return "\n".join(text)


def _gray(bits: int) -> list[int]:
    return [i ^ (i >> 1) for i in range(1 << bits)]


def _code(value: int, bits: int) -> str:
    return format(value, f"0{bits}b")
