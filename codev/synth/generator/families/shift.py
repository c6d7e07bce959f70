"""Shift registers (left, right or either way, serial in, parallel load, enable) and Fibonacci LFSRs.

Shift register golden: concatenation; second rendering: a bit-by-bit loop into a next-state vector.
LFSR golden: XOR reduction of the masked state; second rendering: an explicit XOR of the tap bits
and a shift-and-OR.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, ResetStyle, module

SHIFT_WIDTHS = {1: [4], 2: [8], 3: [8, 12, 16], 4: [16, 24, 32], 5: [32, 48, 64]}
LFSR_WIDTHS = {1: [4], 2: [5, 6, 7, 8], 3: [8, 10, 12], 4: [12, 14, 16], 5: [16, 20, 24, 32]}


class ShiftRegister:
    name = "shift_register"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        direction = rng.choice(["left", "right"] if level < 4 else ["left", "right", "both"])
        return {"width": rng.choice(SHIFT_WIDTHS[level]), "direction": direction,
                "load": level >= 3 and rng.random() < 0.6, "enable": level >= 2 and rng.random() < 0.6,
                **ResetStyle.sample(rng, level).as_params()}

    def build(self, params: dict[str, Any], level: int) -> Design:
        w, direction, load, en = params["width"], params["direction"], params["load"], params["enable"]
        reset = ResetStyle.from_params(params)
        top = f"shift_reg_{direction}_{w}bit"
        ports = reset.ports()
        if en:
            ports.append(PortDoc("en", "input", 1, "shift enable"))
        if direction == "both":
            ports.append(PortDoc("dir", "input", 1, "0: shift left (towards the MSB), 1: shift right"))
        ports.append(PortDoc("sin", "input", 1, "serial input: the bit shifted in"))
        if load:
            ports += [PortDoc("load", "input", 1, "parallel load"), PortDoc("d", "input", w, "parallel data")]
        ports.append(PortDoc("q", "output", w, "register contents"))
        left = f"shifts left by one: every bit moves one place towards bit {w - 1}, bit {w - 1} is dropped and `sin` enters bit 0"
        right = f"shifts right by one: every bit moves one place towards bit 0, bit 0 is dropped and `sin` enters bit {w - 1}"
        what = {"left": left, "right": right, "both": f"{left} when `dir` is 0, and {right} when `dir` is 1"}[direction]
        behaviour = ["At each rising edge" + (" where `en` is 1" if en else "") + f", the register {what}."]
        if en:
            behaviour.append("When `en` is 0 the register holds.")
        if load:
            behaviour.append("When `load` is 1 at a rising edge, `q` takes `d` instead" + (" (even when `en` is 0)." if en else "."))
        behaviour.append("Reset clears the register to 0.")
        lshift, rshift = f"{{q_r[{w - 2}:0], sin}}", f"{{sin, q_r[{w - 1}:1]}}"
        step = {"left": f"q_r <= {lshift};", "right": f"q_r <= {rshift};",
                "both": f"q_r <= dir ? {rshift} : {lshift};"}[direction]
        if en:
            step = f"if (en) {step}"
        if load:
            step = f"if (load) q_r <= d;\nelse {step}"
        golden = f"    reg [{w - 1}:0] q_r;\n" + reset.process(f"q_r <= {w}'d0;", step) + "    assign q = q_r;\n"
        alt_left = [f"for (i = {w - 1}; i > 0; i = i - 1) nxt[i] = q_r[i - 1];", "nxt[0] = sin;"]
        alt_right = [f"for (i = 0; i < {w - 1}; i = i + 1) nxt[i] = q_r[i + 1];", f"nxt[{w - 1}] = sin;"]
        body = {"left": alt_left, "right": alt_right,
                "both": ["if (!dir) begin", *[f"    {x}" for x in alt_left], "end else begin",
                         *[f"    {x}" for x in alt_right], "end"]}[direction]
        if en:
            body = ["if (en) begin", *[f"    {x}" for x in body], "end"]
        if load:
            body = ["if (load) nxt = d;", "else begin", *[f"    {x}" for x in body], "end"]
        alternate = (f"    reg [{w - 1}:0] q_r, nxt;\n    integer i;\n    always @* begin\n        nxt = q_r;\n"
                     + "".join(f"        {x}\n" for x in body) + "    end\n"
                     + reset.process(f"q_r <= {w}'d0;", "q_r <= nxt;") + "    assign q = q_r;\n")
        plan = ["Hold the bits in one register; the clocked process handles reset first.",
                "Shift with a concatenation that drops the outgoing bit and appends `sin`."]
        if load:
            plan.insert(1, "Parallel load has priority over shifting.")
        return Design(self.name, level, dict(params), top, tuple(ports),
                      f"implements a {w}-bit shift register ({'bidirectional' if direction == 'both' else direction}).",
                      tuple(behaviour), module(top, ports, golden), module(top, ports, alternate), tuple(plan),
                      False, reset)


class Lfsr:
    name = "lfsr"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        w = rng.choice(LFSR_WIDTHS[level])
        taps = sorted({w - 1, *rng.sample(range(w - 1), rng.randint(1, min(4, w - 2)))}, reverse=True)
        return {"width": w, "taps": taps, "seed": rng.randrange(1, 1 << w), "enable": level >= 2 and rng.random() < 0.5,
                **ResetStyle.sample(rng, level).as_params()}

    def build(self, params: dict[str, Any], level: int) -> Design:
        w, taps, seed, en = params["width"], params["taps"], params["seed"], params["enable"]
        reset = ResetStyle.from_params(params)
        top = f"lfsr_{w}bit"
        ports = reset.ports() + ([PortDoc("en", "input", 1, "advance enable")] if en else [])
        ports.append(PortDoc("q", "output", w, "LFSR state"))
        tap_text = ", ".join(str(t) for t in taps)
        behaviour = ["This is a Fibonacci LFSR. At each rising edge" + (" where `en` is 1" if en else "")
                     + f", `q` shifts left by one (bit {w - 1} is dropped) and the new bit 0 is the XOR of bits "
                     f"{tap_text} of the old `q`.",
                     f"Reset loads the seed {w}'h{seed:x} into `q`."]
        if en:
            behaviour.insert(1, "When `en` is 0, `q` holds.")
        mask = sum(1 << t for t in taps)
        step = f"q_r <= {{q_r[{w - 2}:0], ^(q_r & {w}'h{mask:x})}};"
        golden = (f"    reg [{w - 1}:0] q_r;\n"
                  + reset.process(f"q_r <= {w}'h{seed:x};", f"if (en) {step}" if en else step)
                  + "    assign q = q_r;\n")
        feedback = " ^ ".join(f"q_r[{t}]" for t in taps)
        step = "q_r <= (q_r << 1) | fb;"
        alternate = (f"    reg [{w - 1}:0] q_r;\n    wire fb = {feedback};\n"
                     + reset.process(f"q_r <= {w}'h{seed:x};", f"if (en) {step}" if en else step)
                     + "    assign q = q_r;\n")
        plan = ["Compute the feedback bit as the XOR of the tapped bits of the current state.",
                "Shift left and insert the feedback at bit 0; reset loads the seed."]
        return Design(self.name, level, dict(params), top, tuple(ports),
                      f"implements a {w}-bit Fibonacci linear-feedback shift register with taps {tap_text}.",
                      tuple(behaviour), module(top, ports, golden), module(top, ports, alternate), tuple(plan),
                      False, reset)
