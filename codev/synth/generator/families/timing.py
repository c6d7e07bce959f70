"""Clock dividers and PWM generators: a counter and a compare, the first sequential circuits of many courses.

Divider golden: an up counter that wraps at N - 1, the output decoded from it (a one-cycle tick, or a
square wave toggled at half periods). Second rendering: a down counter reloaded at 0. PWM golden: a
free-running period counter compared with `duty`; second rendering: the compare as the borrow of a
widened subtraction.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, ResetStyle, clog2, module

DIVIDE = {1: [3, 4, 5], 2: [6, 8, 10], 3: [12, 20, 25], 4: [50, 60, 100], 5: [100, 250, 1000]}
PWM_BITS = {1: [3], 2: [4], 3: [4, 5], 4: [6, 8], 5: [8]}


class ClockDivider:
    name = "clock_divider"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        n = rng.choice(DIVIDE[level])
        square = n % 2 == 0 and rng.random() < 0.5
        return {"divide": n, "square": square, "enable": level >= 3 and rng.random() < 0.5,
                **ResetStyle.sample(rng, level).as_params()}

    def build(self, params: dict[str, Any], level: int) -> Design:
        n, square, en = params["divide"], params["square"], params["enable"]
        reset = ResetStyle.from_params(params)
        period = n // 2 if square else n
        cw = clog2(period)
        out = "clk_out" if square else "tick"
        top = f"clkdiv_{n}" + ("_square" if square else "_tick") + ("_en" if en else "")
        ports = reset.ports() + ([PortDoc("en", "input", 1, "count enable: when 0 the divider holds")] if en else [])
        ports.append(PortDoc(out, "output", 1, f"the divided clock, 50% duty, period {n} cycles of `clk`" if square
                             else f"1 for one `clk` cycle out of every {n}"))
        if square:
            behaviour = [f"`clk_out` is `clk` divided by {n}: it stays at one level for {period} rising edges of "
                         f"`clk`" + (" at which `en` is 1" if en else "") + ", then flips.",
                         f"After reset `clk_out` is 0; it first becomes 1 right after the {_nth(period)} counted "
                         "rising edge."]
        else:
            behaviour = [f"`tick` is 1 during every {_nth(n)} cycle: after reset, the counted rising edges are "
                         f"numbered 1, 2, ...; `tick` is 1 right after edge {n - 1}, {2 * n - 1}, ... and 0 "
                         "after every other edge" + (" (a rising edge counts only when `en` is 1; otherwise "
                                                     "the divider holds, `tick` included)." if en else ".")]
        behaviour.append("Reset restarts the count.")
        step = f"cnt <= (cnt == {cw}'d{period - 1}) ? {cw}'d0 : cnt + 1'b1;"
        if square:
            step += f"\nif (cnt == {cw}'d{period - 1}) q <= ~q;"
        body = "if (en) begin\n" + "".join(f"    {x}\n" for x in step.splitlines()) + "end" if en else step
        golden = (f"    reg [{cw - 1}:0] cnt;\n" + ("    reg q;\n" if square else "")
                  + reset.process(f"cnt <= {cw}'d0;" + ("\nq <= 1'b0;" if square else ""), body)
                  + ("    assign clk_out = q;\n" if square else f"    assign tick = (cnt == {cw}'d{n - 1});\n"))
        dstep = f"left <= (left == {cw}'d0) ? {cw}'d{period - 1} : left - 1'b1;"
        if square:
            dstep += "\nif (left == 0) phase <= phase ^ 1'b1;"
        dbody = "if (en) begin\n" + "".join(f"    {x}\n" for x in dstep.splitlines()) + "end" if en else dstep
        alternate = (f"    reg [{cw - 1}:0] left;  // cycles to go before the next event\n"
                     + ("    reg phase;\n" if square else "")
                     + reset.process(f"left <= {cw}'d{period - 1};" + ("\nphase <= 1'b0;" if square else ""), dbody)
                     + ("    assign clk_out = phase;\n" if square else "    assign tick = ~|left;\n"))
        plan = [f"A counter from 0 to {period - 1} that wraps to 0" + (" and advances only when `en` is 1." if en else "."),
                ("Toggle a register each time the counter wraps, so each level lasts " + str(period) + " cycles."
                 if square else f"Decode `tick` from the counter value {n - 1}, so it is 1 for one cycle in {n}.")]
        return Design(self.name, level, dict(params), top, tuple(ports),
                      f"divides the clock by {n}" + (" with a 50% duty cycle." if square else ", as a one-cycle tick."),
                      tuple(behaviour), module(top, ports, golden), module(top, ports, alternate), tuple(plan), False,
                      reset, min_cycles=min(40 * n, 20000))


class Pwm:
    name = "pwm"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        return {"bits": rng.choice(PWM_BITS[level]), "enable": level >= 2 and rng.random() < 0.5,
                "registered": level >= 4 and rng.random() < 0.5, **ResetStyle.sample(rng, level).as_params()}

    def build(self, params: dict[str, Any], level: int) -> Design:
        w, en, registered = params["bits"], params["enable"], params["registered"]
        reset = ResetStyle.from_params(params)
        period = 1 << w
        top = f"pwm_{w}bit" + ("_en" if en else "") + ("_reg" if registered else "")
        ports = reset.ports() + ([PortDoc("en", "input", 1, "enable: when 0 the counter holds and `pwm` is 0")]
                                 if en else [])
        ports += [PortDoc("duty", "input", w, f"duty cycle in 1/{period} steps"),
                  PortDoc("pwm", "output", 1, "the pulse-width-modulated output")]
        behaviour = [f"A {w}-bit period counter starts at 0 after reset and counts up by one at every rising edge"
                     + (" at which `en` is 1" if en else "") + f", wrapping from {period - 1} to 0 "
                     f"(period {period} cycles).",
                     ("`pwm` is registered: at each rising edge it takes the value 1 if the counter value before "
                      "the edge is less than `duty`, else 0 (so it lags the counter by one cycle); reset clears it."
                      if registered else "`pwm` is 1 while the counter value is less than `duty` (compared "
                      "combinationally), else 0: `duty` = 0 keeps it at 0.")]
        if en:
            behaviour.append("While `en` is 0, `pwm` is 0." if not registered else
                             "At a rising edge at which `en` is 0, `pwm` becomes 0.")
        behaviour.append("Reset sets the counter to 0.")
        cmp = "(cnt < duty)"
        gate = f"en && {cmp}" if en else cmp
        count = "cnt <= cnt + 1'b1;"
        body = (f"if (en) {count}" if en else count) + (f"\npwm_r <= {gate};" if registered else "")
        golden = (f"    reg [{w - 1}:0] cnt;\n" + ("    reg pwm_r;\n" if registered else "")
                  + reset.process(f"cnt <= {w}'d0;" + ("\npwm_r <= 1'b0;" if registered else ""), body)
                  + ("    assign pwm = pwm_r;\n" if registered else f"    assign pwm = {gate};\n"))
        below = f"diff[{w}]"
        agate = f"en & {below}" if en else below
        abody = ("cnt <= en ? cnt + 1'b1 : cnt;" if en else "cnt <= cnt + 1'b1;") + (f"\nhold <= {agate};" if registered else "")
        alternate = (f"    reg [{w - 1}:0] cnt;\n    wire [{w}:0] diff = {{1'b0, cnt}} - {{1'b0, duty}};  // borrow: cnt < duty\n"
                     + ("    reg hold;\n" if registered else "")
                     + reset.process(f"cnt <= {w}'d0;" + ("\nhold <= 1'b0;" if registered else ""), abody)
                     + ("    assign pwm = hold;\n" if registered else f"    assign pwm = {agate};\n"))
        plan = [f"A {w}-bit counter that wraps naturally at {period}" + (", advancing only when `en` is 1." if en else "."),
                "Compare the counter with `duty`" + (" and register the result at each edge." if registered else
                                                     " combinationally to form `pwm`.")]
        return Design(self.name, level, dict(params), top, tuple(ports),
                      f"generates a PWM signal with a {w}-bit duty cycle (period {period} clock cycles).",
                      tuple(behaviour), module(top, ports, golden), module(top, ports, alternate), tuple(plan), False,
                      reset)


def _nth(k: int) -> str:
    if 10 <= k % 100 <= 20:
        return f"{k}th"
    return f"{k}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th') }"
