"""Hierarchical designs (a top that instantiates submodules the spec names) and fixed-point arithmetic.

Hierarchy golden: the submodule written once and instantiated in a generate loop (full adders in a
ripple chain, 2-to-1 muxes in a tree). Second rendering: the flat behavioural function. The checker
compares the tops, so the structure is what the spec asks for and the function is what is verified.
Fixed point golden: signed Q-format add, subtract or multiply with saturation, on widened intermediates.
Second rendering: overflow detected from sign bits (add/sub) or from comparisons with the bounds (mul).
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, module

ADDER_BITS = {1: [2, 4], 2: [4, 8], 3: [8, 12], 4: [16], 5: [16, 32]}
MUX_LEVELS = {1: [1, 2], 2: [2], 3: [3], 4: [3, 4], 5: [4, 5]}
Q_FORMATS = {1: [(4, 4)], 2: [(4, 4), (8, 8)], 3: [(8, 8), (4, 12)], 4: [(8, 8), (16, 16)], 5: [(16, 16), (8, 24)]}


class Hierarchical:
    name = "hierarchical"
    combinational = True

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        kind = rng.choice(["ripple_adder", "mux_tree"])
        size = rng.choice(ADDER_BITS[level]) if kind == "ripple_adder" else rng.choice(MUX_LEVELS[level])
        return {"kind": kind, "size": size, "width": 1 if kind == "ripple_adder" or level <= 2 else rng.choice([4, 8])}

    def build(self, params: dict[str, Any], level: int) -> Design:
        kind, size, w = params["kind"], params["size"], params["width"]
        return _ripple(self.name, level, params, size) if kind == "ripple_adder" else _tree(self.name, level, params, size, w)


def _ripple(family: str, level: int, params: dict, n: int) -> Design:
    top = f"ripple_adder_{n}bit"
    ports = [PortDoc("a", "input", n, "first operand"), PortDoc("b", "input", n, "second operand"),
             PortDoc("cin", "input", 1, "carry in"), PortDoc("sum", "output", n, "a + b + cin, modulo 2^" + str(n)),
             PortDoc("cout", "output", 1, "carry out")]
    behaviour = ["Build it hierarchically: first a module `full_adder` with inputs `x`, `y`, `ci` and outputs `s` "
                 "(x XOR y XOR ci) and `co` (the majority of x, y and ci); then instantiate "
                 f"{n} of them in `{top}`, bit i adding a[i], b[i] and the carry out of bit i-1 (bit 0 takes `cin`).",
                 "`{cout, sum}` is the exact sum a + b + cin."]
    sub = ("module full_adder(input x, input y, input ci, output s, output co);\n"
           "    assign s = x ^ y ^ ci;\n    assign co = (x & y) | (ci & (x ^ y));\nendmodule\n\n")
    body = (f"    wire [{n}:0] c;\n    assign c[0] = cin;\n    genvar i;\n"
            f"    generate for (i = 0; i < {n}; i = i + 1) begin : stage\n"
            "        full_adder fa(.x(a[i]), .y(b[i]), .ci(c[i]), .s(sum[i]), .co(c[i + 1]));\n"
            f"    end endgenerate\n    assign cout = c[{n}];\n")
    golden = sub + module(top, ports, body)
    alternate = module(top, ports, "    assign {cout, sum} = a + b + cin;\n")
    plan = ["Write `full_adder` first: s is the XOR of the three inputs, co their majority.",
            f"In the top, a carry vector c[0..{n}] with c[0] = cin; a generate loop instantiates one full adder per "
            f"bit; cout is c[{n}]."]
    return Design(family, level, dict(params), top, tuple(ports),
                  f"adds two {n}-bit numbers with a carry in, as a chain of full-adder submodules.",
                  tuple(behaviour), golden, alternate, tuple(plan), True)


def _tree(family: str, level: int, params: dict, depth: int, w: int) -> Design:
    n = 1 << depth
    top = f"mux_tree_{n}to1" + (f"_{w}bit" if w > 1 else "")
    vec = f"[{w - 1}:0] " if w > 1 else ""
    ports = [PortDoc("d", "input", n * w, f"{n} data inputs packed: input k is d[{w}*k +: {w}]" if w > 1 else
                     f"{n} data inputs: input k is d[k]"),
             PortDoc("sel", "input", depth, "select"), PortDoc("y", "output", w, "the selected input")]
    behaviour = [f"`y` is data input number `sel` (input k is d[{w}*k +: {w}])." if w > 1 else "`y` = d[sel].",
                 f"Build it hierarchically: a module `mux2` (inputs `i0`, `i1`{', ' + str(w) + ' bits each' if w > 1 else ''}, "
                 "select `s`, output `o` = s ? i1 : i0) instantiated as a binary tree: the first level picks between "
                 "pairs with sel[0], the next level with sel[1], and so on."]
    sub = (f"module mux2(input {vec}i0, input {vec}i1, input s, output {vec}o);\n"
           "    assign o = s ? i1 : i0;\nendmodule\n\n")
    lines = [f"    wire [{w - 1}:0] node [0:{2 * n - 2}];  // leaves 0..{n - 1}, then each level's outputs",
             "    genvar k;", f"    generate for (k = 0; k < {n}; k = k + 1) begin : leaf",
             f"        assign node[k] = d[{w} * k +: {w}];", "    end endgenerate"]
    base, count = 0, n
    for lvl in range(depth):
        nxt = base + count
        lines += [f"    generate for (k = 0; k < {count // 2}; k = k + 1) begin : lvl{lvl}",
                  f"        mux2 m(.i0(node[{base} + 2 * k]), .i1(node[{base} + 2 * k + 1]), .s(sel[{lvl}]), "
                  f".o(node[{nxt} + k]));", "    end endgenerate"]
        base, count = nxt, count // 2
    lines.append(f"    assign y = node[{base}];")
    golden = sub + module(top, ports, "\n".join(lines) + "\n")
    alternate = module(top, ports, f"    assign y = d[sel * {w} +: {w}];\n")
    plan = ["Write `mux2` first (a conditional assignment).",
            f"Instantiate a tree of {n - 1} mux2 in generate loops: level j halves the candidates with sel[j]."]
    return Design(family, level, dict(params), top, tuple(ports),
                  f"selects one of {n} inputs with a tree of 2-to-1 multiplexer submodules.", tuple(behaviour),
                  golden, alternate, tuple(plan), True)


class FixedPoint:
    name = "fixed_point"
    combinational = True

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        ops = ["add", "sub"] + (["mul"] if level >= 3 else [])
        ib, fb = rng.choice(Q_FORMATS[level])
        if rng.choice(ops) == "mul":
            ib, fb = min(ib, 4), min(fb, 4)  # keep the product small enough to prove
            return {"op": "mul", "int_bits": ib, "frac_bits": fb, "saturate": True}
        return {"op": rng.choice(["add", "sub"]), "int_bits": ib, "frac_bits": fb, "saturate": level >= 2}

    def build(self, params: dict[str, Any], level: int) -> Design:
        op, ib, fb, sat = params["op"], params["int_bits"], params["frac_bits"], params["saturate"]
        w = ib + fb
        hi, lo = f"{w}'sd{(1 << (w - 1)) - 1}", f"-{w}'sd{1 << (w - 1)}"
        top = f"q{ib}_{fb}_{op}" + ("_sat" if sat else "")
        fmt = f"signed fixed point Q{ib}.{fb} ({w} bits: {ib} integer bits including the sign, {fb} fraction bits)"
        ports = [PortDoc("a", "input", w, fmt, True), PortDoc("b", "input", w, "same format as `a`", True),
                 PortDoc("y", "output", w, "the result, same format", True)]
        if sat:
            ports.append(PortDoc("ovf", "output", 1, "1 when the exact result did not fit and `y` saturated"))
        word = {"add": "a + b", "sub": "a - b", "mul": "a * b"}[op]
        behaviour = [f"`a`, `b` and `y` are {fmt}: the value of a word is its two's complement integer divided by "
                     f"2^{fb}."]
        if op == "mul":
            behaviour.append(f"`y` is a * b: the exact {2 * w}-bit product has {2 * fb} fraction bits; shift it right "
                             f"arithmetically by {fb} (dropping the low bits, so it rounds toward minus infinity).")
        else:
            behaviour.append(f"`y` is {word}.")
        behaviour.append("If the result does not fit, `y` saturates to the largest or smallest value of the format "
                         f"({(1 << (w - 1)) - 1} or -{1 << (w - 1)} as integers) and `ovf` is 1; otherwise `ovf` is 0."
                         if sat else f"The result wraps modulo 2^{w} (no saturation).")
        if op == "mul":
            golden = (f"    wire signed [{2 * w - 1}:0] full = a * b;\n"
                      f"    wire signed [{2 * w - 1}:0] shifted = full >>> {fb};\n"
                      f"    wire over = shifted > {2 * w}'sd{(1 << (w - 1)) - 1};\n"
                      f"    wire under = shifted < -{2 * w}'sd{1 << (w - 1)};\n"
                      f"    assign y = over ? {hi} : under ? {lo} : shifted[{w - 1}:0];\n    assign ovf = over | under;\n")
            alternate = (f"    wire signed [{2 * w - 1}:0] ea = a;\n    wire signed [{2 * w - 1}:0] eb = b;\n"
                         f"    wire signed [{2 * w - 1}:0] p = ea * eb;\n"
                         f"    wire [{w - fb}:0] top_bits = p[{2 * w - 1}:{w - 1 + fb}];  // must all equal the sign\n"
                         f"    wire fits = (&top_bits) | ~(|top_bits);\n"
                         f"    assign ovf = ~fits;\n"
                         f"    assign y = fits ? p[{w - 1 + fb}:{fb}] : (p[{2 * w - 1}] ? {{1'b1, {{{w - 1}{{1'b0}}}}}} : "
                         f"{{1'b0, {{{w - 1}{{1'b1}}}}}});\n")
        else:
            sign = "+" if op == "add" else "-"
            golden = (f"    wire signed [{w}:0] full = a {sign} b;\n"
                      + (f"    wire over = full > {w + 1}'sd{(1 << (w - 1)) - 1};\n"
                         f"    wire under = full < -{w + 1}'sd{1 << (w - 1)};\n"
                         f"    assign y = over ? {hi} : under ? {lo} : full[{w - 1}:0];\n    assign ovf = over | under;\n"
                         if sat else f"    assign y = full[{w - 1}:0];\n"))
            r = f"r[{w - 1}]"
            same = f"(a[{w - 1}] == b[{w - 1}])" if op == "add" else f"(a[{w - 1}] != b[{w - 1}])"
            alternate = (f"    wire [{w - 1}:0] r = a {sign} b;  // wraps\n"
                         + (f"    wire v = {same} && ({r} != a[{w - 1}]);\n    assign ovf = v;\n"
                            f"    assign y = !v ? r : (a[{w - 1}] ? {{1'b1, {{{w - 1}{{1'b0}}}}}} : {{1'b0, {{{w - 1}{{1'b1}}}}}});\n"
                            if sat else "    assign y = r;\n"))
        plan = [f"Fixed-point {op} is integer {op} on the raw words" + (f", then an arithmetic shift right by {fb} to "
                                                                       "restore the format." if op == "mul" else "."),
                ("Compute the result one bit wider (twice as wide for the product) as a signed value, compare it with "
                 "the format's bounds, and saturate; `ovf` says whether it did." if sat else
                 f"Keep the low {w} bits.")]
        return Design(self.name, level, dict(params), top, tuple(ports),
                      f"{'multiplies' if op == 'mul' else 'adds' if op == 'add' else 'subtracts'} two signed Q{ib}.{fb} "
                      f"fixed-point numbers{' with saturation' if sat else ''}.", tuple(behaviour),
                      module(top, ports, golden), module(top, ports, alternate), tuple(plan), True)
