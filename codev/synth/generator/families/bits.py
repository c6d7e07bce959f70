"""Bit-level work: edge detectors on a vector (rising, falling or any change, as a pulse or captured
until cleared) and vector manipulation (population count, bit reversal, reductions, byte swap).

Edge golden: a register of the previous input and a bitwise expression. Second rendering: a per-bit
loop with explicit comparisons. Vector golden: loops and reduction operators; second rendering: the
same function unrolled into one expression per output bit or an adder tree.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, ResetStyle, clog2, module

EDGE_WIDTHS = {1: [2, 4], 2: [4, 8], 3: [8], 4: [16, 32], 5: [32]}
VEC_WIDTHS = {1: [4], 2: [8], 3: [8, 16], 4: [16, 32], 5: [32, 64]}
EDGES = {"rise": ("~prev & in", "0 to 1"), "fall": ("prev & ~in", "1 to 0"), "any": ("prev ^ in", "either way")}


class EdgeDetector:
    name = "edge_detect"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        return {"width": rng.choice(EDGE_WIDTHS[level]), "edge": rng.choice(sorted(EDGES)),
                "capture": level >= 3 and rng.random() < 0.5, **ResetStyle.sample(rng, level).as_params()}

    def build(self, params: dict[str, Any], level: int) -> Design:
        w, edge, capture = params["width"], params["edge"], params["capture"]
        reset = ResetStyle.from_params(params)
        expr, words = EDGES[edge]
        top = f"{edge}_edge_{'capture' if capture else 'detect'}_{w}bit"
        vec = f"[{w - 1}:0] " if w > 1 else ""
        bit = "each bit of `in`" if w > 1 else "`in`"
        ports = reset.ports() + [PortDoc("in", "input", w, "the monitored signal" + ("s" if w > 1 else ""))]
        ports.append(PortDoc("out", "output", w, "edge flags, one per bit of `in`" if w > 1 else "edge flag"))
        behaviour = [f"An edge on {bit} is a change {words} between two consecutive rising edges of `clk`: the value "
                     "sampled at one edge differs from the value sampled at the previous edge."]
        if capture:
            behaviour.append("Each bit of `out` is set right after the clock edge that samples an edge on its bit of "
                             "`in`, and stays 1 until reset (it captures the edge).")
        else:
            behaviour.append("`out` shows the edges found at the latest clock edge: each bit is 1 for the one cycle "
                             "after the edge that sampled the change, else 0.")
        behaviour.append("Reset clears `out` and forgets the previous value: the first sample after reset is "
                         "compared with 0.")
        golden = (f"    reg {vec}prev;\n    reg {vec}flags;\n"
                  + reset.process(f"prev <= {w}'d0;\nflags <= {w}'d0;",
                                  f"prev <= in;\nflags <= {'flags | ' if capture else ''}({expr});")
                  + "    assign out = flags;\n")
        cmp = {"rise": "!last[k] && in[k]", "fall": "last[k] && !in[k]", "any": "last[k] != in[k]"}[edge]
        keep = "seen[k] || " if capture else ""
        alternate = (f"    reg [{w - 1}:0] last, seen;\n    integer k;\n"
                     + reset.process(f"last <= {w}'d0;\nseen <= {w}'d0;",
                                     f"for (k = 0; k < {w}; k = k + 1) begin\n    seen[k] <= {keep}({cmp});\n"
                                     "    last[k] <= in[k];\nend")
                     + "    assign out = seen;\n")
        plan = ["Register `in` every cycle, so the previous sample is at hand.",
                f"Compare the two bitwise ({expr.replace('prev', 'previous')}) and register the result"
                + (", OR-ed with the flags already set so they stay 1." if capture else ".")]
        return Design(self.name, level, dict(params), top, tuple(ports),
                      f"detects {'rising' if edge == 'rise' else 'falling' if edge == 'fall' else 'any'} edges on "
                      f"{'a ' + str(w) + '-bit vector' if w > 1 else 'a signal'}"
                      + (" and captures them." if capture else "."), tuple(behaviour), module(top, ports, golden),
                      module(top, ports, alternate), tuple(plan), False, reset)


class VectorOps:
    name = "vector_ops"
    combinational = True

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        w = rng.choice(VEC_WIDTHS[level])
        ops = ["popcount", "reverse", "reduce"] + (["byteswap"] if w % 16 == 0 else [])
        return {"width": w, "op": rng.choice(ops)}

    def build(self, params: dict[str, Any], level: int) -> Design:
        w, op = params["width"], params["op"]
        top = f"{op}_{w}bit"
        ports = [PortDoc("in", "input", w, "input vector")]
        if op == "popcount":
            cw = clog2(w + 1)
            ports.append(PortDoc("count", "output", cw, "number of 1 bits in `in`"))
            behaviour = [f"`count` is the number of bits of `in` that are 1 (0 to {w})."]
            golden = (f"    reg [{cw - 1}:0] c;\n    integer i;\n    always @* begin\n        c = {cw}'d0;\n"
                      f"        for (i = 0; i < {w}; i = i + 1) c = c + in[i];\n    end\n    assign count = c;\n")
            alternate = "    assign count = " + " + ".join(f"{{{{{cw - 1}{{1'b0}}}}, in[{i}]}}" if cw > 1 else f"in[{i}]"
                                                      for i in range(w)) + ";\n"
            plan = ["Add the bits of `in` in a loop inside a combinational always block, starting from 0."]
            summary = f"counts the 1 bits of a {w}-bit vector."
        elif op == "reverse":
            ports.append(PortDoc("out", "output", w, "`in` with its bit order reversed"))
            behaviour = [f"`out[i]` = `in[{w - 1} - i]` for every i: bit 0 of `out` is bit {w - 1} of `in`."]
            golden = (f"    reg [{w - 1}:0] r;\n    integer i;\n    always @* for (i = 0; i < {w}; i = i + 1) "
                      f"r[i] = in[{w - 1} - i];\n    assign out = r;\n")
            alternate = "    assign out = {" + ", ".join(f"in[{i}]" for i in range(w)) + "};\n"
            plan = ["A loop assigns each output bit from the mirrored input bit (or one concatenation lists the "
                    "input bits from 0 upwards)."]
            summary = f"reverses the bit order of a {w}-bit vector."
        elif op == "reduce":
            ports += [PortDoc("all_ones", "output", 1, "1 when every bit of `in` is 1"),
                      PortDoc("any_one", "output", 1, "1 when at least one bit of `in` is 1"),
                      PortDoc("parity", "output", 1, "1 when an odd number of bits of `in` are 1")]
            behaviour = ["The three outputs are the AND, the OR and the XOR of all the bits of `in`."]
            golden = "    assign all_ones = &in;\n    assign any_one = |in;\n    assign parity = ^in;\n"
            alternate = (f"    assign all_ones = (in == {{{w}{{1'b1}}}});\n    assign any_one = (in != {w}'d0);\n"
                         "    assign parity = " + " ^ ".join(f"in[{i}]" for i in range(w)) + ";\n")
            plan = ["Use the reduction operators &, | and ^ on `in`."]
            summary = f"reduces a {w}-bit vector to its AND, OR and XOR."
        else:
            ports.append(PortDoc("out", "output", w, "`in` with its bytes in reverse order"))
            n = w // 8
            behaviour = [f"`in` holds {n} bytes; `out` holds the same bytes in reverse order: byte 0 of `out` "
                         f"(bits 7:0) is byte {n - 1} of `in` (bits {w - 1}:{w - 8}), and so on."]
            golden = "    assign out = {" + ", ".join(f"in[{8 * i + 7}:{8 * i}]" for i in range(n)) + "};\n"
            alternate = (f"    genvar g;\n    generate for (g = 0; g < {n}; g = g + 1) begin : swap\n"
                         f"        assign out[8 * g +: 8] = in[8 * ({n - 1} - g) +: 8];\n    end endgenerate\n")
            plan = ["One concatenation lists the input bytes from byte 0 upwards, so byte 0 lands on top."]
            summary = f"swaps the byte order of a {w}-bit word."
        return Design(self.name, level, dict(params), top, tuple(ports), summary, tuple(behaviour),
                      module(top, ports, golden), module(top, ports, alternate), tuple(plan), True)
