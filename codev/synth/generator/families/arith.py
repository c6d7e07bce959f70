"""Adders and subtractors with carry, borrow and overflow flags.

Golden: one behavioural expression over a widened sum. Second rendering: a ripple chain of full
adders (or full subtractors), bit by bit in a loop, whose flags come from the carries into and out
of the top bit.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, module

WIDTHS = {1: [4], 2: [8], 3: [12, 16], 4: [16, 24, 32], 5: [32, 48, 64]}


# mode: top, result, flag, chain input, operator, verb, chain input text, flag text, flag name
SIMPLE = {
    "add": ("adder_{}bit", "sum", "cout", "cin", "+", "adds", "carry in, added as well",
            "carry out of the most significant bit", "carry out"),
    "sub": ("subtractor_{}bit", "diff", "bout", "bin", "-", "subtracts", "borrow in, subtracted as well",
            "borrow out: 1 when the true difference is negative", "borrow"),
}


class Adder:
    name = "adder"
    combinational = True

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        mode = "add" if level == 1 else rng.choice(["add", "sub"] if level < 4 else ["add", "sub", "addsub"])
        return {"width": rng.choice(WIDTHS[level]), "mode": mode,
                "carry_in": mode != "addsub" and level >= 2 and rng.random() < 0.6,
                "overflow": level >= 3 and rng.random() < 0.7}

    def build(self, params: dict[str, Any], level: int) -> Design:
        w, mode, cin, ovf = params["width"], params["mode"], params["carry_in"], params["overflow"]
        msb = w - 1
        a = PortDoc("a", "input", w, "first operand" + (" (unsigned; read as two's complement for `overflow`)"
                                                         if ovf else " (unsigned)"))
        b = PortDoc("b", "input", w, "second operand")
        if mode == "addsub":
            top, res, flag, chain_in = f"addsub_{w}bit", "y", "cout", "sub"
            ports = [a, b, PortDoc("sub", "input", 1, "0: y = a + b, 1: y = a - b"),
                     PortDoc("y", "output", w, "the sum or the difference, modulo 2^" + str(w)),
                     PortDoc("cout", "output", 1, "carry out of the adder; when subtracting, computed as "
                             "a + ~b + 1, so it is 1 exactly when a >= b (unsigned)")]
            summary = f"adds or subtracts two {w}-bit numbers under control of `sub`."
        else:
            top, res, flag, chain_in, sign, verb, in_text, flag_text, what = SIMPLE[mode]
            top = top.format(w)
            ports = [a, b] + ([PortDoc(chain_in, "input", 1, in_text)] if cin else [])
            ports += [PortDoc(res, "output", w, f"a {sign} b" + (f" {sign} {chain_in}" if cin else "") + f", modulo 2^{w}"),
                      PortDoc(flag, "output", 1, flag_text)]
            summary = f"{verb} two {w}-bit numbers and reports the {what}."
        if ovf:
            ports.append(PortDoc("overflow", "output", 1,
                                 "1 when the result, read as a signed two's complement number, overflowed"))
        behaviour = [f"`{{{flag}, {res}}}` is the exact result as a {w + 1}-bit value"
                     + (" (two's complement when negative)." if mode == "sub" else ".")
                     if mode != "addsub" else "`y` is the low bits of the adder output and `cout` its carry."]
        if ovf:
            behaviour.append("`overflow` is 1 when the operands are treated as signed and the true signed result "
                             f"does not fit in {w} bits.")
        golden = _behavioural(mode, w, cin, ovf, res, flag, msb)
        alternate = _ripple(mode, w, cin, ovf, res, flag, chain_in)
        plan = [f"Widen the operands by one bit so the {flag} falls out of the same expression as `{res}`.",
                "Assign the concatenation {" + flag + ", " + res + "} from that expression."]
        if ovf:
            plan.append("Signed overflow: the operands' sign bits agree (add) or differ (subtract) and the "
                        "result's sign differs from `a`.")
        return Design(self.name, level, dict(params), top, tuple(ports), summary, tuple(behaviour),
                      module(top, ports, golden), module(top, ports, alternate), tuple(plan), True)


def _behavioural(mode: str, w: int, cin: bool, ovf: bool, res: str, flag: str, msb: int) -> str:
    if mode == "add":
        body = f"    assign {{cout, sum}} = a + b{' + cin' if cin else ''};\n"
        same = f"(a[{msb}] == b[{msb}])"
    elif mode == "sub":
        body = f"    assign {{bout, diff}} = {{1'b0, a}} - {{1'b0, b}}{' - bin' if cin else ''};\n"
        same = f"(a[{msb}] != b[{msb}])"
    else:
        body = (f"    assign {{cout, y}} = sub ? {{1'b0, a}} + {{1'b0, ~b}} + {w + 1}'d1\n"
                f"                         : {{1'b0, a}} + {{1'b0, b}};\n")
        same = f"((a[{msb}] == b[{msb}]) ^ sub)"
    if ovf:
        body += f"    assign overflow = {same} && ({res}[{msb}] != a[{msb}]);\n"
    return body


def _ripple(mode: str, w: int, cin: bool, ovf: bool, res: str, flag: str, chain_in: str) -> str:
    """A bit-serial chain in one process (a generate chain of wires makes Icarus re-evaluate every glitch)."""
    first = chain_in if (cin or mode == "addsub") else "1'b0"
    if mode == "sub":
        cell = ["            r[i] = a[i] ^ b[i] ^ c[i];",
                "            c[i+1] = (~a[i] & b[i]) | (~(a[i] ^ b[i]) & c[i]);"]
    else:
        operand = "(b[i] ^ sub)" if mode == "addsub" else "b[i]"
        cell = [f"            bb = {operand};",
                "            r[i] = a[i] ^ bb ^ c[i];",
                "            c[i+1] = (a[i] & bb) | (c[i] & (a[i] ^ bb));"]
    lines = [f"    reg [{w}:0] c;", f"    reg [{w - 1}:0] r;", "    reg bb;", "    integer i;",
             "    always @* begin", f"        c[0] = {first};", "        bb = 1'b0;",
             f"        for (i = 0; i < {w}; i = i + 1) begin", *cell, "        end", "    end",
             f"    assign {res} = r;", f"    assign {flag} = c[{w}];"]
    if ovf:
        lines.append(f"    assign overflow = c[{w}] ^ c[{w - 1}];")
    return "\n".join(lines) + "\n"
