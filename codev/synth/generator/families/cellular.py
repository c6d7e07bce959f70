"""Cellular automata: a register of cells that all step at once, each from its neighbours.

One-dimensional (levels 1-3): an elementary automaton given by its rule number (the 8-entry table of
left, centre, right), cells beyond the ends 0 or the row closed into a ring, an optional hold input.
Two-dimensional (levels 4-5): a life-like automaton on an N x N grid given by its birth and survival
counts, the grid closed into a torus or bordered by dead cells.

Golden: a loop that looks each cell's neighbourhood up in the rule (the rule number as a constant, or
the neighbour count as an index into birth/survival masks). Second rendering: one expression per cell
with the neighbour bits named explicitly (sums of products for 1-D, an adder and comparisons for 2-D).
Well-known rules (90, 110, B3/S23) are never drawn: the family teaches the skill, not a benchmark's
instance.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, ResetStyle, module

ROW_CELLS = {1: [8], 2: [8, 16], 3: [16, 32]}
GRID = {4: [4], 5: [5, 6]}  # an 8 x 8 grid took minutes to check under load
AVOID_RULES = {90, 110}
AVOID_LIFE = ((3,), (2, 3))


def _article(n: int) -> str:
    return "an" if str(n).startswith("8") or n in (11, 18) else "a"


def _depends_on_both_sides(rule: int) -> bool:
    bits = [(rule >> p) & 1 for p in range(8)]
    return any(bits[p] != bits[p ^ 4] for p in range(8)) and any(bits[p] != bits[p ^ 1] for p in range(8))


class CellularAutomaton:
    name = "cellular"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        params: dict[str, Any] = {"ring": level >= 2 and rng.random() < 0.5, "hold": level >= 3 and rng.random() < 0.6,
                                  **ResetStyle.sample(rng, level).as_params()}
        if level <= 3:
            rules = [r for r in range(256) if r not in AVOID_RULES and _depends_on_both_sides(r)]
            params.update(dims=1, cells=rng.choice(ROW_CELLS[level]), rule=rng.choice(rules))
        else:
            while True:
                birth = tuple(sorted(rng.sample(range(1, 9), rng.choice([1, 2]))))
                survive = tuple(sorted(rng.sample(range(0, 9), rng.choice([1, 2, 3]))))
                if (birth, survive) != AVOID_LIFE:
                    break
            params.update(dims=2, cells=rng.choice(GRID[level]), birth=list(birth), survive=list(survive))
        return params

    def build(self, params: dict[str, Any], level: int) -> Design:
        reset = ResetStyle.from_params(params)
        n, ring, hold = params["cells"], params["ring"], params["hold"]
        size = n if params["dims"] == 1 else n * n
        ports = reset.ports() + [PortDoc("load", "input", 1, "1: replace every cell by `data` at the next edge"),
                                 PortDoc("data", "input", size, "cell values to put in")]
        if hold:
            ports.append(PortDoc("en", "input", 1, "1: step the automaton; 0: keep the cells"))
        ports.append(PortDoc("q", "output", size, "the cells, 1 = alive"))
        step_when = ("Otherwise, at a rising edge with `en` = 1, every cell takes its next value at once (all from "
                     "the values before the edge); with `en` = 0 the cells keep their values." if hold else
                     "Otherwise, at every rising edge, every cell takes its next value at once (all from the values "
                     "before the edge).")
        common = ["At a rising edge with `load` = 1, the cells take the value of `data` (`load` has priority"
                  + (" over `en`)." if hold else ")."), step_when, "Reset makes every cell 0."]
        made = _row(params, n, ring, hold, reset) if params["dims"] == 1 else _grid(params, n, ring, hold, reset)
        top, summary, rule_text, golden, alternate, plan = made
        process_plan = ("One clocked process: reset clears `q`; otherwise `load` copies `data`, else "
                        + ("with `en` " if hold else "") + "`q` takes the next generation.")
        return Design(self.name, level, dict(params), top, tuple(ports), summary, tuple(rule_text + common),
                      module(top, ports, golden), module(top, ports, alternate), tuple(plan + [process_plan]), False,
                      reset)


def _process(hold: bool, nxt: str, reset: ResetStyle, size: int) -> str:
    step = f"if (en) q_r <= {nxt};" if hold else f"q_r <= {nxt};"
    return reset.process(f"q_r <= {size}'d0;", f"if (load) q_r <= data;\nelse {step}") + "    assign q = q_r;\n"


def _row(p: dict[str, Any], n: int, ring: bool, hold: bool, reset: ResetStyle):
    rule = p["rule"]
    top = f"ca_rule{rule}_{n}cells" + ("_ring" if ring else "") + ("_en" if hold else "")
    table = "\n".join(f"| {pat >> 2 & 1} | {pat >> 1 & 1} | {pat & 1} | {rule >> pat & 1} |" for pat in range(7, -1, -1))
    ends = (f"The row is closed into a ring: the left neighbour of q[{n - 1}] is q[0] and the right neighbour of q[0] "
            f"is q[{n - 1}]." if ring else
            f"Beyond the ends there are no cells: the left neighbour of q[{n - 1}] and the right neighbour of q[0] "
            "count as 0.")
    rule_text = [f"`q` holds a row of {n} cells, cell i in q[i]. The left neighbour of cell i is cell i+1 and its "
                 f"right neighbour is cell i-1. {ends}",
                 f"The next value of a cell depends on (left neighbour, the cell, right neighbour) as follows (this "
                 f"is the elementary automaton with rule number {rule}: the next value for the pattern with value v "
                 f"read as a 3-bit number is bit v of {rule}):\n\n| left | cell | right | next |\n|---|---|---|---|\n{table}\n"]
    hi, lo = ("q_r[0]", f"q_r[{n - 1}]") if ring else ("1'b0", "1'b0")
    golden = (f"    reg [{n - 1}:0] q_r;\n    localparam [7:0] RULE = 8'd{rule};\n"
              f"    wire [{n + 1}:0] ext = {{{hi}, q_r, {lo}}};  // ext[i + 1] is cell i\n"
              f"    reg [{n - 1}:0] nxt;\n    integer i;\n"
              f"    always @* for (i = 0; i < {n}; i = i + 1) nxt[i] = RULE[{{ext[i + 2], ext[i + 1], ext[i]}}];\n"
              + _process(hold, "nxt", reset, n))
    ones = [pat for pat in range(8) if rule >> pat & 1]
    lines = [f"    reg [{n - 1}:0] q_r;", f"    wire [{n - 1}:0] gen;"]
    for i in range(n):
        left = f"q_r[{i + 1}]" if i < n - 1 else ("q_r[0]" if ring else None)
        right = f"q_r[{i - 1}]" if i > 0 else (f"q_r[{n - 1}]" if ring else None)
        terms = []
        for pat in ones:
            lits = []
            for sig, bit in ((left, pat >> 2 & 1), (f"q_r[{i}]", pat >> 1 & 1), (right, pat & 1)):
                if sig is None:
                    if bit:
                        lits = None
                        break
                    continue
                lits.append(sig if bit else f"~{sig}")
            if lits is not None:
                terms.append("(" + " & ".join(lits) + ")" if lits else "1'b1")
        expr = " | ".join(terms) if terms else "1'b0"
        lines.append(f"    assign gen[{i}] = {expr};")
    alternate = "\n".join(lines) + "\n" + _process(hold, "gen", reset, n)
    plan = [f"Keep the {n} cells in a register; pad it with one bit on each side ("
            + ("the cell from the other end" if ring else "0") + ") so every cell has a left and a right neighbour.",
            f"Look each cell's (left, cell, right) pattern up in the rule number {rule} as an 8-bit constant: the "
            "next value is the rule's bit at that 3-bit index."]
    summary = f"steps a row of {n} cells of the elementary cellular automaton rule {rule}."
    return top, summary, rule_text, golden, alternate, plan


def _grid(p: dict[str, Any], n: int, torus: bool, hold: bool, reset: ResetStyle):
    birth, survive = p["birth"], p["survive"]
    code = "B" + "".join(map(str, birth)) + "S" + "".join(map(str, survive))
    top = f"life_{code}_{n}x{n}" + ("_torus" if torus else "") + ("_en" if hold else "")
    size = n * n

    def counts(xs):
        return " or ".join(map(str, xs))
    edge = (f"The grid is a torus: row {n - 1} is next to row 0 and column {n - 1} next to column 0, so every cell has "
            "8 neighbours." if torus else
            "Cells outside the grid count as dead, so a cell on the border has fewer than 8 neighbours that can be alive.")
    rule_text = [f"`q` holds {_article(n)} {n} x {n} grid of cells: the cell in row r and column c (both from 0) is "
                 f"q[{n}*r + c]. The neighbours of a cell are the 8 cells around it (sideways and diagonally). {edge}",
                 f"The next value of a cell depends on how many of its neighbours are alive now: a dead cell becomes "
                 f"alive when exactly {counts(birth)} neighbours are alive, and a live cell stays alive when exactly "
                 f"{counts(survive)} neighbours are alive; every other cell is dead next."]
    bmask = sum(1 << b for b in birth)
    smask = sum(1 << s for s in survive)
    if torus:
        neighbour = f"q_r[{n} * ((r + dr + {n}) % {n}) + ((c + dc + {n}) % {n})]"
        add = f"                        if (dr != 0 || dc != 0) alive = alive + {neighbour};\n"
    else:
        add = (f"                        if ((dr != 0 || dc != 0) && r + dr >= 0 && r + dr < {n} && c + dc >= 0 && c + dc < {n})\n"
               f"                            alive = alive + q_r[{n} * (r + dr) + c + dc];\n")
    golden = (f"    reg [{size - 1}:0] q_r, nxt;\n    localparam [8:0] BIRTH = 9'b{bmask:09b}, SURVIVE = 9'b{smask:09b};\n"
              "    integer r, c, dr, dc;\n    reg [3:0] alive;\n    always @* begin\n"
              f"        for (r = 0; r < {n}; r = r + 1)\n            for (c = 0; c < {n}; c = c + 1) begin\n"
              "                alive = 4'd0;\n                for (dr = -1; dr <= 1; dr = dr + 1)\n"
              "                    for (dc = -1; dc <= 1; dc = dc + 1)\n" + add +
              f"                nxt[{n} * r + c] = q_r[{n} * r + c] ? SURVIVE[alive] : BIRTH[alive];\n"
              "            end\n    end\n" + _process(hold, "nxt", reset, size))
    lines = [f"    reg [{size - 1}:0] q_r;", f"    wire [{size - 1}:0] gen;"]
    for r in range(n):
        for c in range(n):
            cells = []
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    if dr == dc == 0:
                        continue
                    rr, cc = r + dr, c + dc
                    if torus:
                        rr, cc = rr % n, cc % n
                    elif not (0 <= rr < n and 0 <= cc < n):
                        continue
                    cells.append(f"{{3'd0, q_r[{n * rr + cc}]}}")
            i = n * r + c
            lines.append(f"    wire [3:0] n{i} = " + " + ".join(cells) + ";")
            live = " | ".join(f"(n{i} == 4'd{s})" for s in survive)
            born = " | ".join(f"(n{i} == 4'd{b})" for b in birth)
            lines.append(f"    assign gen[{i}] = q_r[{i}] ? ({live}) : ({born});")
    alternate = "\n".join(lines) + "\n" + _process(hold, "gen", reset, size)
    plan = [f"Keep the {size} cells in a register, cell (r, c) at bit {n}*r + c.",
            "For every cell, add up its live neighbours in a 4-bit count"
            + (" (indices taken modulo " + str(n) + ")" if torus else " (skipping positions outside the grid)") + ".",
            f"The next value is the survival mask {smask:09b} indexed by the count for a live cell, the birth mask "
            f"{bmask:09b} for a dead one (bit k set when k neighbours give a live cell)."]
    summary = f"steps {_article(n)} {n} x {n} life-like cellular automaton ({code})."
    return top, summary, rule_text, golden, alternate, plan
