"""Binary decoders (enable, active-low outputs) and priority encoders (highest or lowest index wins).

Decoder golden: a shift of a one; second rendering: one equality test per output bit. Priority
encoder golden: a for loop whose last hit wins; second rendering: a casez table of don't-care rows.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, clog2, module

DECODER_BITS = {1: [2], 2: [2, 3], 3: [3, 4], 4: [4, 5], 5: [5, 6]}
ENCODER_INPUTS = {1: [4], 2: [8], 3: [6, 10, 12], 4: [12, 16], 5: [16, 24, 32]}


class Decoder:
    name = "decoder"
    combinational = True

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        return {"bits": rng.choice(DECODER_BITS[level]), "enable": level >= 2 and rng.random() < 0.7,
                "active_low": level >= 4 and rng.random() < 0.5}

    def build(self, params: dict[str, Any], level: int) -> Design:
        k, en, low = params["bits"], params["enable"], params["active_low"]
        m = 1 << k
        top = f"decoder_{k}to{m}" + ("_en" if en else "") + ("_n" if low else "")
        ports = [PortDoc("a", "input", k, "binary code")]
        if en:
            ports.append(PortDoc("en", "input", 1, "enable"))
        level_word = "0 (active low)" if low else "1"
        ports.append(PortDoc("y", "output", m, f"one-hot decode: bit `a` is {level_word}, the others are not"))
        behaviour = [f"Output bit i is {level_word} exactly when `a` equals i"
                     + (" and `en` is 1" if en else "") + "; every other bit is " + ("1." if low else "0.")]
        if en:
            behaviour.append("When `en` is 0, no output bit is active (all " + ("ones)." if low else "zeros)."))
        one = f"({m}'d1 << a)"
        expr = f"(en ? {one} : {m}'d0)" if en else one
        golden = f"    assign y = {'~' if low else ''}{expr};\n"
        cond = "en && (a == i)" if en else "(a == i)"
        alternate = (f"    genvar i;\n    generate for (i = 0; i < {m}; i = i + 1) begin : line\n"
                     f"        assign y[i] = {'!' if low else ''}({cond});\n    end endgenerate\n")
        summary = f"decodes a {k}-bit code into {m} one-hot lines" + (" (active low)." if low else ".")
        plan = ["Shift a single one left by `a` to get the one-hot pattern"
                + (", gated by `en`" if en else "") + ("; invert it for active-low outputs." if low else ".")]
        return Design(self.name, level, dict(params), top, tuple(ports), summary, tuple(behaviour),
                      module(top, ports, golden), module(top, ports, alternate), tuple(plan), True)


class PriorityEncoder:
    name = "priority_encoder"
    combinational = True

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        return {"inputs": rng.choice(ENCODER_INPUTS[level]),
                "highest_wins": level == 1 or rng.random() < 0.5,
                "grant": level >= 3 and rng.random() < 0.4}

    def build(self, params: dict[str, Any], level: int) -> Design:
        n, high, grant = params["inputs"], params["highest_wins"], params["grant"]
        w = n if grant else clog2(n)
        which = "highest" if high else "lowest"
        name, reg = ("gnt", "gnt_r") if grant else ("idx", "idx_r")
        top = f"prio_{'arb' if grant else 'enc'}_{n}_{which}"
        ports = (PortDoc("req", "input", n, "request bits"),
                 PortDoc(name, "output", w, f"one-hot grant: only the {which}-numbered request bit that is 1"
                         if grant else f"index of the {which}-numbered request bit that is 1"),
                 PortDoc("valid", "output", 1, "1 when any request bit is 1"))
        behaviour = [f"When several request bits are 1, the {which} index wins.",
                     f"When no request bit is 1, `valid` is 0 and `{name}` is 0."]
        order = f"i = 0; i < {n}; i = i + 1" if high else f"i = {n - 1}; i >= 0; i = i - 1"
        pick = f"{reg} = {{{{{n - 1}{{1'b0}}}}, 1'b1}} << i;" if grant else f"{reg} = i;"
        golden = (f"    reg [{w - 1}:0] {reg};\n    integer i;\n    always @* begin\n        {reg} = {w}'d0;\n"
                  f"        for ({order})\n            if (req[i]) {pick}\n    end\n"
                  f"    assign {name} = {reg};\n    assign valid = |req;\n")
        rows = []
        for i in (range(n - 1, -1, -1) if high else range(n)):
            bits = ["?"] * n  # bits[0] is the MSB
            pos = n - 1 - i
            bits[pos] = "1"
            for j in (range(pos) if high else range(pos + 1, n)):
                bits[j] = "0"
            value = f"{n}'h{1 << i:x}" if grant else f"{w}'d{i}"
            rows.append(f"            {n}'b{''.join(bits)}: {reg} = {value};\n")
        alternate = (f"    reg [{w - 1}:0] {reg};\n    always @* begin\n        casez (req)\n{''.join(rows)}"
                     f"            default: {reg} = {w}'d0;\n        endcase\n    end\n"
                     f"    assign {name} = {reg};\n    assign valid = req != {n}'d0;\n")
        summary = (f"grants the {which}-index active request of {n} (a fixed-priority arbiter)." if grant else
                   f"encodes the {which}-index active bit of a {n}-bit request vector.")
        plan = [f"Scan the request bits in a for loop so that the {which} index is assigned last and wins"
                + (" and set only its bit of the grant." if grant else "."),
                f"`valid` is the OR of all request bits; default `{name}` to 0 to avoid a latch."]
        return Design(self.name, level, dict(params), top, tuple(ports), summary, tuple(behaviour),
                      module(top, ports, golden), module(top, ports, alternate), tuple(plan), True)
