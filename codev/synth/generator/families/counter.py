"""Counters: up, down or up/down, modulo M, enable, synchronous load, any reset style and value.

Golden: one clocked process with the priority reset > load > count. Second rendering: a
combinational next-state process (decrement as adding all ones, wrap tests on the incremented
value) feeding a plain register.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, ResetStyle, module

WIDTHS = {1: [4], 2: [4, 6, 8], 3: [8], 4: [8, 12, 16], 5: [16, 24, 32]}


class Counter:
    name = "counter"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        w = rng.choice(WIDTHS[level])
        direction = "up" if level == 1 else rng.choice(["up", "down"] if level < 4 else ["up", "down", "updown"])
        features = {1: [], 2: ["enable"], 3: rng.sample(["modulo", "load", "enable"], 2),
                    4: rng.sample(["modulo", "load", "enable"], 2), 5: ["modulo", "load", "enable"]}[level]
        if level == 1 and rng.random() < 0.5:
            features = ["enable"]
        modulo = rng.randint(3, min((1 << w) - 1, 250)) if "modulo" in features else 0  # wrap reachable in simulation
        start = rng.randrange(modulo or (1 << w)) if level >= 4 and rng.random() < 0.5 else 0
        return {"width": w, "direction": direction, "modulo": modulo, "enable": "enable" in features,
                "load": "load" in features, "reset_value": start, **ResetStyle.sample(rng, level).as_params()}

    def build(self, params: dict[str, Any], level: int) -> Design:
        w, direction, m = params["width"], params["direction"], params["modulo"]
        en, load, start = params["enable"], params["load"], params["reset_value"]
        reset = ResetStyle.from_params(params)
        top = f"{direction}_counter_{w}bit" + (f"_mod{m}" if m else "")
        ports = reset.ports()
        if en:
            ports.append(PortDoc("en", "input", 1, "count enable"))
        if direction == "updown":
            ports.append(PortDoc("up", "input", 1, "direction: 1 counts up, 0 counts down"))
        if load:
            ports += [PortDoc("load", "input", 1, "synchronous load"), PortDoc("d", "input", w, "value to load")]
        ports.append(PortDoc("q", "output", w, "the count"))
        span = f"0 to {m - 1}, modulo {m}" if m else f"modulo 2^{w}"
        steps = {"up": "counts up by one", "down": "counts down by one",
                 "updown": "counts up by one when `up` is 1 and down by one when `up` is 0"}[direction]
        behaviour = [f"At each rising edge the counter {steps}" + (" when `en` is 1 (otherwise it holds)" if en else "")
                     + f", over {span}."]
        if m:
            behaviour.append(f"Counting up from {m - 1} wraps to 0; counting down from 0 wraps to {m - 1}."
                             if direction != "up" else f"Counting up from {m - 1} wraps to 0.")
            if load:
                behaviour.append(f"A loaded value above {m - 1} keeps counting by one, modulo 2^{w}, until it "
                                 "reaches the wrap value.")
        if load:
            behaviour.append("When `load` is 1 at a rising edge, `q` takes `d`" + (" (load wins over `en`)." if en else "."))
        behaviour.append(f"Reset sets `q` to {start}.")
        return Design(self.name, level, dict(params), top, tuple(ports),
                      f"implements a {w}-bit {direction} counter" + (f" modulo {m}." if m else "."),
                      tuple(behaviour), module(top, ports, _golden(w, direction, m, en, load, start, reset)),
                      module(top, ports, _alternate(w, direction, m, en, load, start, reset)),
                      tuple(_plan(direction, m, en, load)), False, reset)


def _golden(w: int, direction: str, m: int, en: bool, load: bool, start: int, reset: ResetStyle) -> str:
    inc = f"(q_r == {w}'d{m - 1}) ? {w}'d0 : q_r + 1'b1" if m else "q_r + 1'b1"
    dec = f"(q_r == {w}'d0) ? {w}'d{m - 1} : q_r - 1'b1" if m else "q_r - 1'b1"
    step = {"up": f"q_r <= {inc};", "down": f"q_r <= {dec};",
            "updown": f"if (up) q_r <= {inc};\nelse q_r <= {dec};"}[direction]
    if en:
        step = "if (en) begin\n" + "".join(f"    {line}\n" for line in step.splitlines()) + "end"
    if load:
        step = "if (load) q_r <= d;\nelse " + step
    return f"    reg [{w - 1}:0] q_r;\n" + reset.process(f"q_r <= {w}'d{start};", step) + "    assign q = q_r;\n"


def _alternate(w: int, direction: str, m: int, en: bool, load: bool, start: int, reset: ResetStyle) -> str:
    lines = [f"    reg [{w - 1}:0] q_r, nxt;", "    always @* begin", "        nxt = q_r;"]
    count = []
    if direction in ("up", "updown"):
        up = ["nxt = q_r + 1'b1;"] + ([f"if (q_r + 1'b1 == {m}) nxt = {w}'d0;"] if m else [])
        count += (["if (up) begin"] + [f"    {x}" for x in up] + ["end"]) if direction == "updown" else up
    if direction in ("down", "updown"):
        down = [f"nxt = q_r + {{{w}{{1'b1}}}};"] + ([f"if (~|q_r) nxt = {w}'d{m - 1};"] if m else [])
        count += (["else begin"] + [f"    {x}" for x in down] + ["end"]) if direction == "updown" else down
    if en:
        count = ["if (en) begin"] + [f"    {x}" for x in count] + ["end"]
    if load:
        count = ["if (load) nxt = d;", "else begin"] + [f"    {x}" for x in count] + ["end"]
    lines += [f"        {x}" for x in count] + ["    end"]
    return "\n".join(lines) + "\n" + reset.process(f"q_r <= {w}'d{start};", "q_r <= nxt;") + "    assign q = q_r;\n"


def _plan(direction: str, m: int, en: bool, load: bool) -> list[str]:
    plan = ["Keep the count in a register updated in one clocked process; the reset branch comes first."]
    if load:
        plan.append("Next check `load`, which has priority over counting.")
    if en:
        plan.append("Count only when `en` is 1; otherwise the register holds its value.")
    if m:
        plan.append(f"Wrap explicitly at the modulus: compare with {m - 1} going up and with 0 going down.")
    if direction == "updown":
        plan.append("Choose increment or decrement with `up`.")
    return plan
