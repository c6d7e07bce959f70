"""Ring and Johnson (twisted-ring) counters: a shift register fed back on itself, optionally with an
enable and a direction input.

Golden: the shift with its feedback (a rotate for the ring counter; the inverted end bit for the Johnson
counter). Second rendering: a binary counter of the position in the cycle (W states for the ring,
2W for the Johnson counter) and the output decoded from it by a case whose patterns are computed in
Python, so the feedback never appears.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, ResetStyle, clog2, module

WIDTHS = {1: [4], 2: [4, 6, 8], 3: [8], 4: [8, 12, 16], 5: [16, 32]}


class RingCounter:
    name = "ring_counter"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        return {"kind": rng.choice(["ring", "johnson"]), "width": rng.choice(WIDTHS[level]),
                "left": rng.random() < 0.5, "enable": level >= 2 and rng.random() < 0.6,
                "reversible": level >= 4 and rng.random() < 0.6, **ResetStyle.sample(rng, level).as_params()}

    def build(self, params: dict[str, Any], level: int) -> Design:
        kind, w, left, en, rev = params["kind"], params["width"], params["left"], params["enable"], params["reversible"]
        reset = ResetStyle.from_params(params)
        top = f"{kind}_counter_{w}bit" + ("_en" if en else "") + ("_updown" if rev else "_left" if left else "_right")
        ports = reset.ports() + ([PortDoc("en", "input", 1, "1: advance at the next edge; 0: hold")] if en else []) \
            + ([PortDoc("dir", "input", 1, "1: move toward the top bit, 0: toward bit 0")] if rev else []) \
            + [PortDoc("q", "output", w, "the counter")]
        period = w if kind == "ring" else 2 * w
        start = 1 if kind == "ring" else 0
        patterns = _patterns(kind, w)  # position -> value, stepping toward the top bit
        way = "toward the top bit" if left else "toward bit 0"
        if kind == "ring":
            what = (f"a single 1 circulates through {w} bits: after reset `q` = {w}'b{start:0{w}b}; each step moves "
                    "the 1 one place ")
            step_text = ("toward the top bit when `dir` is 1 and toward bit 0 when `dir` is 0 (from the top bit it "
                         "goes to bit 0 and back)." if rev else
                         f"{way} (from {'the top bit to bit 0' if left else 'bit 0 to the top bit'}).")
        else:
            what = "a Johnson (twisted-ring) counter: after reset `q` is all zeros; each step shifts `q` one place "
            step_text = ("toward the top bit when `dir` is 1 (the inverse of the top bit enters at bit 0) and toward "
                         "bit 0 when `dir` is 0 (the inverse of bit 0 enters at the top)." if rev else
                         f"{way}, and the inverse of the bit shifted out enters at the other end "
                         f"({'bit 0 takes the inverse of the old top bit' if left else 'the top bit takes the inverse of the old bit 0'}).")
        behaviour = [f"The module is {what}{step_text}",
                     f"The sequence repeats every {period} steps" + (" in either direction." if rev else ".")]
        if kind == "johnson":
            up_steps = left or rev
            seq = [patterns[i if up_steps else (-i) % period] for i in range(min(period, 5))]
            behaviour.append(("Stepping toward the top bit from reset" if rev else "From reset")
                             + ", the first values are " + ", ".join(f"{w}'b{v:0{w}b}" for v in seq) + ", ...")
        behaviour.append("A step happens at every rising edge of `clk`" + (" at which `en` is 1; otherwise `q` holds." if en else "."))
        behaviour.append("Reset returns `q` to its first value.")
        up = f"{{q_r[{w - 2}:0], {'q_r[' + str(w - 1) + ']' if kind == 'ring' else '~q_r[' + str(w - 1) + ']'}}}"
        down = f"{{{'q_r[0]' if kind == 'ring' else '~q_r[0]'}, q_r[{w - 1}:1]}}"
        move = (f"q_r <= dir ? {up} : {down};" if rev else f"q_r <= {up if left else down};")
        golden = (f"    reg [{w - 1}:0] q_r;\n"
                  + reset.process(f"q_r <= {w}'d{start};", f"if (en) {move}" if en else move) + "    assign q = q_r;\n")
        pw = clog2(period)
        nxt_up = f"(pos == {pw}'d{period - 1}) ? {pw}'d0 : pos + 1'b1"
        nxt_down = f"(pos == {pw}'d0) ? {pw}'d{period - 1} : pos - 1'b1"
        step = f"pos <= dir ? ({nxt_up}) : ({nxt_down});" if rev else f"pos <= {nxt_up if left else nxt_down};"
        arms = "\n".join(f"            {pw}'d{i}: q_r = {w}'b{patterns[i]:0{w}b};" for i in range(period))
        alternate = (f"    reg [{pw - 1}:0] pos;  // steps toward the top bit since reset, modulo {period}\n"
                     f"    reg [{w - 1}:0] q_r;\n    always @* begin\n        case (pos)\n{arms}\n"
                     f"            default: q_r = {{{w}{{1'bx}}}};\n        endcase\n    end\n"
                     + reset.process(f"pos <= {pw}'d0;", f"if (en) {step}" if en else step) + "    assign q = q_r;\n")
        plan = [f"Keep `q` in a {w}-bit register, reset to {w}'d{start}.",
                "Each step is a one-place shift whose incoming bit is "
                + ("the bit shifted out (a rotate)" if kind == "ring" else "the inverse of the bit shifted out")
                + (", in the direction `dir` selects." if rev else f", {way}.")]
        if en:
            plan.append("Shift only when `en` is 1.")
        article = "an" if str(w).startswith("8") or w in (11, 18) else "a"
        summary = f"is {article} {w}-bit {'ring' if kind == 'ring' else 'Johnson'} counter."
        return Design(self.name, level, dict(params), top, tuple(ports), summary, tuple(behaviour),
                      module(top, ports, golden), module(top, ports, alternate), tuple(plan), False, reset)


def _patterns(kind: str, w: int) -> list[int]:
    """The counter's value after i steps toward the top bit, for i in one period."""
    if kind == "ring":
        return [1 << i for i in range(w)]
    mask = (1 << w) - 1
    values, q = [], 0
    for _ in range(2 * w):
        values.append(q)
        q = ((q << 1) & mask) | (1 - (q >> (w - 1)))
    return values
