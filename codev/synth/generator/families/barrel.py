"""Barrel shifters and rotators: shift or rotate a word by a variable amount, one operation or several
chosen by a mode input.

Golden: the shift operators (`<<`, `>>`, `>>>`, a rotate as two shifts OR-ed), a case on the mode.
Second rendering: the logarithmic barrel network, one stage per bit of the amount, each stage a
constant-slice concatenation that shifts by 2^k when bit k of the amount is 1; several operations are
separate networks and a final selection.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, clog2, module

WIDTHS = {1: [4, 8], 2: [8, 16], 3: [16], 4: [16, 32], 5: [32]}  # 64 bits, 4 operations: the proof took > 20 s
OPS = ("shl", "shr", "sra", "rotl", "rotr")
WORDS = {"shl": "shifted left (zeros enter at the bottom)", "shr": "shifted right (zeros enter at the top)",
         "sra": "shifted right arithmetically (copies of the top bit enter at the top)",
         "rotl": "rotated left (bits leaving the top enter at the bottom)",
         "rotr": "rotated right (bits leaving the bottom enter at the top)"}


class BarrelShifter:
    name = "barrel_shifter"
    combinational = True

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        count = {1: 1, 2: 1, 3: 2, 4: rng.choice([2, 4]), 5: 4}[level]
        ops = rng.sample(OPS, count) if count < 4 else rng.sample(OPS, 4)
        return {"width": rng.choice(WIDTHS[level]), "ops": ops}

    def build(self, params: dict[str, Any], level: int) -> Design:
        w, ops = params["width"], list(params["ops"])
        a = clog2(w)
        sw = clog2(len(ops)) if len(ops) > 1 else 0
        top = f"barrel_{'_'.join(ops)}_{w}bit"
        ports = [PortDoc("din", "input", w, "the word to shift"), PortDoc("amt", "input", a, f"shift amount, 0 to {w - 1}")]
        if sw:
            ports.append(PortDoc("mode", "input", sw, "which operation: " + ", ".join(f"{i} {op}" for i, op in enumerate(ops))))
        ports.append(PortDoc("dout", "output", w, "the result"))
        if sw:
            behaviour = ["`mode` selects the operation:"] + [f"`mode` = {i}: `dout` is `din` {WORDS[op]} by `amt` bit positions."
                                                            for i, op in enumerate(ops)]
            if (1 << sw) > len(ops):
                behaviour.append("For any other `mode` value `dout` is `din` unchanged.")
        else:
            behaviour = [f"`dout` is `din` {WORDS[ops[0]]} by `amt` bit positions."]
        behaviour.append("An amount of 0 gives `din` unchanged.")
        exprs = {"shl": "din << amt", "shr": "din >> amt", "sra": "$signed(din) >>> amt",
                 "rotl": f"(din << amt) | (din >> ({w} - amt))", "rotr": f"(din >> amt) | (din << ({w} - amt))"}
        if sw:
            arms = [f"            {sw}'d{i}: r = {exprs[op]};" for i, op in enumerate(ops)]
            if (1 << sw) > len(ops):
                arms.append("            default: r = din;")
            golden = (f"    reg [{w - 1}:0] r;\n    always @* begin\n        case (mode)\n" + "\n".join(arms)
                      + "\n        endcase\n    end\n    assign dout = r;\n")
        else:
            golden = f"    assign dout = {exprs[ops[0]]};\n"
        lines = []
        for op in ops:
            lines.append(f"    wire [{w - 1}:0] {op}_0 = din;")
            for k in range(a):
                s, prev = 1 << k, f"{op}_{k}"
                moved = {"shl": f"{{{prev}[{w - 1 - s}:0], {s}'d0}}", "shr": f"{{{s}'d0, {prev}[{w - 1}:{s}]}}",
                         "sra": f"{{{{{s}{{{prev}[{w - 1}]}}}}, {prev}[{w - 1}:{s}]}}",
                         "rotl": f"{{{prev}[{w - 1 - s}:0], {prev}[{w - 1}:{w - s}]}}",
                         "rotr": f"{{{prev}[{s - 1}:0], {prev}[{w - 1}:{s}]}}"}[op]
                lines.append(f"    wire [{w - 1}:0] {op}_{k + 1} = amt[{k}] ? {moved} : {prev};")
        if sw:
            pick = " :\n                  ".join(f"(mode == {sw}'d{i}) ? {op}_{a}" for i, op in enumerate(ops))
            lines.append(f"    assign dout = {pick} : din;")
        else:
            lines.append(f"    assign dout = {ops[0]}_{a};")
        plan = ["Write each operation with the shift operators: " + "; ".join(
            f"{op}: `{exprs[op]}`" for op in ops) + ("" if "sra" not in ops else " (the `$signed` cast makes `>>>` fill with the top bit)")
                + ("" if not any(op.startswith("rot") for op in ops) else
                   f"; a rotate ORs two shifts, and with `amt` = 0 the shift by {w} gives 0")]
        if sw:
            plan.append("Select the result with a case on `mode`" + (", `din` for the unused codes." if (1 << sw) > len(ops) else "."))
        plan.append(f"In hardware this is a {a}-stage network: stage k moves the word by 2^k when bit k of `amt` is 1.")
        names = ", ".join(ops)
        return Design(self.name, level, dict(params), top, tuple(ports),
                      f"is a {w}-bit barrel shifter ({names}).", tuple(behaviour), module(top, ports, golden),
                      module(top, ports, "\n".join(lines) + "\n"), tuple(plan), True)
