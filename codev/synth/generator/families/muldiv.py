"""Multipliers and dividers, combinational: unsigned or signed products, quotient and remainder.

Multiplier golden: the `*` operator on widened operands. Second rendering: shift-and-add over the bits
of `b` (signed: Baugh-Wooley style, the last partial product subtracted). Divider golden: `/` and `%`
with the divide-by-zero case spelled out. Second rendering: restoring long division, one bit a step.
Widths stay small enough for the formal proof (yosys SAT) to finish.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, module

MUL_WIDTHS = {1: [2, 3], 2: [4], 3: [4, 5], 4: [5, 6], 5: [6, 7]}  # 8x9 outgrows the 20 s proof
DIV_WIDTHS = {1: [3], 2: [4], 3: [4, 5], 4: [6], 5: [6, 8]}


class Multiplier:
    name = "multiplier"
    combinational = True

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        wa = rng.choice(MUL_WIDTHS[level])
        wb = wa if level <= 2 else rng.choice([wa, max(2, wa - 1)] + ([wa + 1] if level <= 4 else []))
        return {"width_a": wa, "width_b": wb, "signed": level >= 3 and rng.random() < 0.5}

    def build(self, params: dict[str, Any], level: int) -> Design:
        wa, wb, signed = params["width_a"], params["width_b"], params["signed"]
        wp = wa + wb
        kind = "signed (two's complement)" if signed else "unsigned"
        top = f"{'s' if signed else 'u'}mul_{wa}x{wb}"
        ports = [PortDoc("a", "input", wa, f"multiplicand, {kind}", signed),
                 PortDoc("b", "input", wb, f"multiplier, {kind}", signed),
                 PortDoc("p", "output", wp, f"the full {wp}-bit product a * b, {kind}", signed)]
        behaviour = [f"`p` is the exact product of `a` and `b` as {kind} numbers; {wp} bits always hold it, so "
                     "nothing is lost."]
        golden = "    assign p = a * b;\n"
        if signed:
            lines = [f"    wire signed [{wp - 1}:0] ea = a;  // sign-extended",
                     f"    reg signed [{wp - 1}:0] acc;", "    integer i;", "    always @* begin",
                     f"        acc = {wp}'sd0;", f"        for (i = 0; i < {wb - 1}; i = i + 1)",
                     "            if (b[i]) acc = acc + (ea <<< i);",
                     f"        if (b[{wb - 1}]) acc = acc - (ea <<< {wb - 1});  // the sign bit weighs -2^{wb - 1}",
                     "    end", "    assign p = acc;"]
        else:
            lines = [f"    reg [{wp - 1}:0] acc;", "    integer i;", "    always @* begin", f"        acc = {wp}'d0;",
                     f"        for (i = 0; i < {wb}; i = i + 1)",
                     f"            if (b[i]) acc = acc + ({{{{{wb}{{1'b0}}}}, a}} << i);", "    end", "    assign p = acc;"]
        plan = [("Declare the ports signed so the product is taken as signed; " if signed else "")
                + f"the result is {wp} bits wide, so `p = a * b` keeps every bit.",
                "Equivalently, add `a` shifted by i for every set bit i of `b`"
                + (" and subtract the partial product of the sign bit." if signed else ".")]
        return Design(self.name, level, dict(params), top, tuple(ports),
                      f"multiplies a {wa}-bit and a {wb}-bit {kind} number.", tuple(behaviour),
                      module(top, ports, golden), module(top, ports, "\n".join(lines) + "\n"), tuple(plan), True)


class Divider:
    name = "divider"
    combinational = True

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        return {"width": rng.choice(DIV_WIDTHS[level]), "remainder": level >= 2 and rng.random() < 0.7}

    def build(self, params: dict[str, Any], level: int) -> Design:
        w, rem = params["width"], params["remainder"]
        top = f"udiv_{w}bit" + ("_rem" if rem else "")
        ports = [PortDoc("a", "input", w, "dividend, unsigned"), PortDoc("b", "input", w, "divisor, unsigned"),
                 PortDoc("q", "output", w, "quotient a / b, rounded down")]
        if rem:
            ports.append(PortDoc("r", "output", w, "remainder a - q * b"))
        behaviour = ["For `b` != 0, `q` is the integer quotient of `a` by `b` (rounded toward zero)"
                     + (" and `r` the remainder, so a = q * b + r with r < b." if rem else "."),
                     f"Division by zero (`b` = 0) gives q = {(1 << w) - 1} (all ones)" + (" and r = a." if rem else ".")]
        golden = (f"    assign q = (b == {w}'d0) ? {{{w}{{1'b1}}}} : a / b;\n"
                  + (f"    assign r = (b == {w}'d0) ? a : a % b;\n" if rem else ""))
        lines = [f"    reg [{w - 1}:0] quo;", f"    reg [{w}:0] part;  // running remainder, one bit wider",
                 "    integer i;", "    always @* begin", f"        part = {w + 1}'d0;", f"        quo = {w}'d0;",
                 f"        for (i = {w - 1}; i >= 0; i = i - 1) begin",
                 "            part = {part[" + str(w - 1) + ":0], a[i]};",
                 "            if (part >= {1'b0, b}) begin",
                 "                part = part - {1'b0, b};", "                quo[i] = 1'b1;", "            end",
                 "        end", "    end", "    assign q = quo;"]
        if rem:
            lines.append(f"    assign r = part[{w - 1}:0];")
        plan = ["Use `/`" + (" and `%`" if rem else "") + " for a nonzero divisor and spell out the divide-by-zero "
                "result with a conditional.",
                "Restoring long division gives the same: shift in one dividend bit at a time, subtract `b` when "
                "the partial remainder is at least `b` and set that quotient bit (with b = 0 every bit is set and "
                "the remainder is the dividend)."]
        return Design(self.name, level, dict(params), top, tuple(ports),
                      f"divides two {w}-bit unsigned numbers" + (", giving quotient and remainder." if rem else "."),
                      tuple(behaviour), module(top, ports, golden), module(top, ports, "\n".join(lines) + "\n"),
                      tuple(plan), True)
