"""Magnitude comparators (unsigned or two's complement) with a chosen set of relation outputs.

Golden: the relational operators on (signed) ports. Second rendering: one widened subtraction on
operands whose sign bits are flipped (which maps signed order onto unsigned order) plus an XOR
equality test, with every relation derived from those two bits.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, module

WIDTHS = {1: [4], 2: [8], 3: [12, 16], 4: [16, 24, 32], 5: [32, 48, 64]}
RELATIONS = {  # name: (operator, meaning, from lt/eq bits)
    "eq": ("==", "a equals b", "e"),
    "ne": ("!=", "a differs from b", "~e"),
    "lt": ("<", "a is less than b", "l"),
    "gt": (">", "a is greater than b", "~l & ~e"),
    "le": ("<=", "a is less than or equal to b", "l | e"),
    "ge": (">=", "a is greater than or equal to b", "~l"),
}


class Comparator:
    name = "comparator"
    combinational = True

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        if level == 1:
            outs = rng.choice([["eq"], ["lt"], ["eq", "lt"], ["eq", "gt"]])
        elif level == 2:
            outs = ["eq", "lt", "gt"]
        else:
            outs = sorted(rng.sample(sorted(RELATIONS), rng.randint(3, 6)), key=list(RELATIONS).index)
        return {"width": rng.choice(WIDTHS[level]), "signed": level >= 3 and rng.random() < 0.5, "outputs": outs}

    def build(self, params: dict[str, Any], level: int) -> Design:
        w, signed, outs = params["width"], params["signed"], params["outputs"]
        kind = "signed (two's complement)" if signed else "unsigned"
        top = f"{'s' if signed else 'u'}cmp_{w}bit_{'_'.join(outs)}"
        ports = [PortDoc("a", "input", w, f"first operand, {kind}", signed),
                 PortDoc("b", "input", w, f"second operand, {kind}", signed)]
        ports += [PortDoc(o, "output", 1, f"1 when {RELATIONS[o][1]}, else 0") for o in outs]
        golden = "".join(f"    assign {o} = a {RELATIONS[o][0]} b;\n" for o in outs)
        ua, ub = (f"{{~a[{w - 1}], a[{w - 2}:0]}}", f"{{~b[{w - 1}], b[{w - 2}:0]}}") if signed else ("a", "b")
        alternate = (f"    wire [{w - 1}:0] ua = {ua};\n    wire [{w - 1}:0] ub = {ub};\n"
                     f"    wire [{w}:0] d = {{1'b0, ua}} - {{1'b0, ub}};\n"
                     f"    wire l = d[{w}];\n    wire e = ~|(a ^ b);\n"
                     + "".join(f"    assign {o} = {RELATIONS[o][2]};\n" for o in outs))
        summary = f"compares two {w}-bit {kind} numbers."
        behaviour = [f"The operands are {kind} numbers; each output is 1 exactly when its relation holds."]
        plan = [f"Declare the operands {'signed so the relational operators compare them as signed' if signed else 'unsigned'}.",
                "Drive each relation output with one continuous assignment using the matching operator."]
        return Design(self.name, level, dict(params), top, tuple(ports), summary, tuple(behaviour),
                      module(top, ports, golden), module(top, ports, alternate), tuple(plan), True)
