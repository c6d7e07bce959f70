"""Pipelined datapaths: a chain of operations, one register stage per operation, with valid and stall.

`y` is 0 while `out_valid` is 0, so the values that reset bubbles leave in the data registers
(which differ between correct pipelines) are never part of the behaviour.

Golden: stage i applies operation i to the previous stage and a delayed copy of its operand.
Second rendering: the whole expression computed combinationally from the inputs, then delayed
through a chain of plain registers of the same latency.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, ResetStyle, module

WIDTHS = {1: [4, 8], 2: [8], 3: [8, 12], 4: [12, 16], 5: [16, 24, 32]}
STAGES = {1: [2], 2: [2, 3], 3: [3], 4: [3, 4], 5: [4, 5, 6]}
OPERATORS = {"+": "plus", "-": "minus", "*": "times", "&": "AND", "|": "OR", "^": "XOR"}
OPERANDS = ["a", "b", "c"]


class Pipeline:
    name = "pipeline"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        w = rng.choice(WIDTHS[level])
        ops = []
        for i in range(rng.choice(STAGES[level])):
            operand = rng.choice(OPERANDS + ["const"])
            ops.append([rng.choice(sorted(OPERATORS)), rng.randrange(1, 1 << w) if operand == "const" else operand])
            if i == 0 and operand == "a":  # a - a, a ^ a: the whole result would be the constant 0
                ops[0][0] = rng.choice(["+", "*", "&", "|"])
        return {"width": w, "ops": ops, "stall": level >= 4 and rng.random() < 0.6, **ResetStyle.sample(rng, level).as_params()}

    def build(self, params: dict[str, Any], level: int) -> Design:
        w, ops, stall = params["width"], params["ops"], params["stall"]
        reset = ResetStyle.from_params(params)
        n = len(ops)
        top = f"pipe{n}_{w}bit"
        ports = reset.ports() + ([PortDoc("en", "input", 1, "advance: when 0, every stage holds")] if stall else [])
        used = {"a"} | {x for _, x in ops if isinstance(x, str)}  # only the operands the datapath reads
        ports += [PortDoc(x, "input", w, f"operand {x}") for x in OPERANDS if x in used]
        ports += [PortDoc("in_valid", "input", 1, "the operands are valid"),
                  PortDoc("y", "output", w, "result, 0 while `out_valid` is 0"),
                  PortDoc("out_valid", "output", 1, "`y` holds the result of valid operands")]

        def operand(x: Any, width: int = w) -> str:
            return x if isinstance(x, str) else f"{width}'d{x}"

        formula = "a"
        for op, x in ops:
            formula = f"({formula} {op} {operand(x)})"
        words = "; ".join(f"{OPERATORS[op]} {operand(x)}" for op, x in ops)
        behaviour = [f"y computes {formula[1:-1] if n else formula}, modulo 2^{w} (only the low {w} bits of "
                     f"every intermediate result are kept), i.e. start from a then apply in order: {words}.",
                     f"The datapath has {n} register stages, one per operation: the result for the operands "
                     f"sampled at a rising edge appears on `y` right after the {_nth(n - 1)} rising edge after "
                     f"it (latency {n} clock cycles)." if n > 1 else "",
                     "Every stage advances at each rising edge" + (" where `en` is 1; when `en` is 0 every stage "
                                                                   "(data and valid) holds." if stall else ".")]
        behaviour.append(f"`out_valid` is `in_valid` delayed by the same {n} stages; while it is 0, `y` is 0.")
        behaviour.append("Reset clears every valid bit (the data registers need no reset).")
        behaviour = [b for b in behaviour if b]
        golden = _staged(w, ops, stall, reset, operand)
        alternate = _delayed(w, ops, stall, reset, formula)
        plan = ["One register per operation: stage 1 applies the first operation to the inputs, stage i applies "
                "operation i to stage i-1's result.",
                "Operands used by later stages travel along the pipeline in their own registers so each stage "
                "sees the operands that entered with its data."]
        plan.append("A valid bit per stage, cleared by reset, follows the data; `y` is masked to 0 when the "
                    "last valid bit is 0.")
        if stall:
            plan.append("Gate every register update with `en`.")
        return Design(self.name, level, dict(params), top, tuple(ports),
                      f"implements a {n}-stage pipelined datapath on {w}-bit operands.", tuple(behaviour),
                      module(top, ports, golden), module(top, ports, alternate), tuple(plan), False, reset)


def _nth(k: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(k, f"{k}th")


def _staged(w: int, ops: list, stall: bool, reset: ResetStyle, operand) -> str:
    n = len(ops)
    needed_after = [{x for _, x in ops[i + 1:] if isinstance(x, str)} for i in range(n)]
    lines, update = [], []
    for i, (op, x) in enumerate(ops, 1):
        lines.append(f"    reg [{w - 1}:0] s{i};")
        prev = "a" if i == 1 else f"s{i - 1}"
        src = (x if i == 1 else f"{x}{i - 1}") if isinstance(x, str) else operand(x)
        update.append(f"s{i} <= {prev} {op} {src};")
        for y in sorted(needed_after[i - 1]):
            lines.append(f"    reg [{w - 1}:0] {y}{i};")
            update.append(f"{y}{i} <= {y if i == 1 else f'{y}{i - 1}'};")
    lines.append(f"    reg [{n - 1}:0] v;")
    update.append(f"v <= {{v[{n - 2}:0], in_valid}};" if n > 1 else "v <= in_valid;")
    body = "if (en) begin\n" + "".join(f"    {u}\n" for u in update) + "end" if stall else "\n".join(update)
    return ("\n".join(lines) + "\n" + reset.process(f"v <= {n}'d0;", body)
            + f"    assign out_valid = v[{n - 1}];\n    assign y = out_valid ? s{n} : {w}'d0;\n")


def _delayed(w: int, ops: list, stall: bool, reset: ResetStyle, formula: str) -> str:
    n = len(ops)
    lines = [f"    wire [{w - 1}:0] f = {formula};", f"    reg [{w - 1}:0] d [1:{n}];", f"    reg [{n}:1] vd;",
             "    integer i;"]
    shift = ["d[1] <= f;", f"for (i = 2; i <= {n}; i = i + 1) d[i] <= d[i - 1];",
             "vd <= {vd, in_valid};" if n > 1 else "vd <= in_valid;"]
    gate = "if (en) begin\n" + "".join(f"    {s}\n" for s in shift) + "end" if stall else "\n".join(shift)
    # only the valid chain is cleared; data registers hold during reset, which `y`'s mask hides
    return ("\n".join(lines) + "\n" + reset.process(f"vd <= {n}'d0;", gate)
            + f"    assign out_valid = vd[{n}];\n    assign y = {{{w}{{out_valid}}}} & d[{n}];\n")
