"""Word-problem state machines: a controller described as a small story, the way course exercises and
VerilogEval's harder FSM problems state them, never as a table. Three stories, each with knobs that
change the machine (not only its widths):

- rover: a robot that walks between two walls, turns (at once or after a pause) when it bumps, falls
  when the floor ends and, at the higher levels, breaks after falling too long;
- framer: words arrive on a bus; a message starts at a word with a marker bit and is a fixed number of
  words long; `done` after each message (and, higher up, the message itself, and a valid strobe);
- crossing: a traffic light with timed phases, a car sensor that keeps the main road green until a car
  waits, and (higher up) a pedestrian button that adds a walk phase.

Golden: the controller as a designer writes it (a mode register, a timer, a flag). Second rendering:
the spec modelled again in Python and written out as a flat state table (`table.py`).
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, ResetStyle, clog2, module
from .table import table_rendering

STORIES = ("rover", "framer", "crossing")


class StoryFsm:
    name = "story_fsm"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        story = rng.choice(STORIES)
        params: dict[str, Any] = {"story": story, **ResetStyle.sample(rng, level).as_params()}
        if story == "rover":
            params.update(start_left=rng.random() < 0.5, fall=level >= 2,
                          # a rover that turns at once and has no fall limit is a well-known exercise: never drawn
                          pause=rng.choice([1, 2] if level <= 2 else [1, 2, 3] if level == 3 else [0, 1, 2, 3]),
                          fall_limit=0 if level <= 3 else rng.choice([2, 3, 4] if level == 4 else [3, 4, 5, 6]))
        elif story == "framer":
            params.update(words=rng.choice({1: [2], 2: [2, 3], 3: [3], 4: [3, 4], 5: [4, 5]}[level]),
                          width=4 if level <= 2 else rng.choice([4, 8]), marker_value=rng.choice([0, 1]),
                          capture=level >= 3, valid=level >= 2 and rng.random() < 0.6)
            params["marker_bit"] = rng.randrange(params["width"])
        else:
            params.update(green=rng.choice({1: [2, 3], 2: [3, 4], 3: [4, 5], 4: [5, 6, 8], 5: [6, 8]}[level]),
                          yellow=rng.choice([1, 2] if level <= 2 else [2, 3]),
                          side=rng.choice({1: [2], 2: [2, 3], 3: [3, 4], 4: [4, 5], 5: [4, 6]}[level]),
                          walk=0 if level <= 2 else rng.choice([0, 2, 3] if level == 3 else [2, 3, 4]))
        return params

    def build(self, params: dict[str, Any], level: int) -> Design:
        reset = ResetStyle.from_params(params)
        made = {"rover": _rover, "framer": _framer, "crossing": _crossing}[params["story"]](params, reset)
        top, ports, summary, behaviour, golden, alternate, plan, cycles = made
        ports = reset.ports() + ports
        return Design(self.name, level, dict(params), top, tuple(ports), summary, tuple(behaviour),
                      module(top, ports, golden), module(top, ports, alternate), tuple(plan), False, reset,
                      min_cycles=cycles)


# ---------------------------------------------------------------- rover

def _rover(p: dict[str, Any], reset: ResetStyle):
    left0, fall, pause, limit = p["start_left"], p["fall"], p["pause"], p["fall_limit"]
    top = "rover_ctrl" + ("_fall" if fall else "") + (f"_pause{pause}" if pause else "") + (f"_break{limit}" if limit else "")
    ports = [PortDoc("bump_left", "input", 1, "1 while the left bumper touches a wall"),
             PortDoc("bump_right", "input", 1, "1 while the right bumper touches a wall")]
    if fall:
        ports.append(PortDoc("ground", "input", 1, "1 while there is floor under the rover"))
    ports += [PortDoc("move_left", "output", 1, "1 while the rover walks left"),
              PortDoc("move_right", "output", 1, "1 while the rover walks right")]
    if fall:
        ports.append(PortDoc("falling", "output", 1, "1 while the rover falls"))
    if limit:
        ports.append(PortDoc("broken", "output", 1, "1 once the rover has broken"))
    first = "left" if left0 else "right"
    story = [f"A small rover walks back and forth between two walls. After reset it walks {first}. Every "
             "decision is taken at a rising edge of `clk` from the inputs sampled there, and the outputs depend "
             "only on what the rover is doing (they change only at clock edges)."]
    if pause:
        story.append("When the bumper on the side it is walking toward is 1 at a rising edge (`bump_left` while "
                     f"walking left, `bump_right` while walking right), it stops for {pause} clock cycle"
                     f"{'s' if pause > 1 else ''} (both move outputs 0) and then walks the other way. Bumpers "
                     "are ignored while it is stopped, and so is the bumper behind it while it walks.")
    else:
        story.append("When the bumper on the side it is walking toward is 1 at a rising edge (`bump_left` while "
                     "walking left, `bump_right` while walking right), it turns round at that edge and walks the "
                     "other way. The bumper behind it is ignored.")
    if fall:
        story.append("If `ground` is 0 at a rising edge, the rover starts to fall (this takes priority over the "
                     "bumpers"
                     + (" and over a pause" if pause else "")
                     + "): `falling` is 1 and both move outputs are 0 for as long as it falls. Bumpers are ignored "
                     "while falling. At the first rising edge with `ground` = 1 it lands and walks in the "
                     "direction it was heading before the fall"
                     + (" (if it fell during a pause: the direction it was about to take)" if pause else "") + ".")
    if limit:
        story.append(f"If `falling` has already been 1 for {limit} clock cycles and `ground` is still 0 at the next "
                     "rising edge, the rover breaks at that edge: from then on `broken` is 1 and every other "
                     "output is 0, whatever the inputs, until reset.")
    story.append("Reset puts the rover back to walking " + first + (", not falling" if fall else "")
                 + (", not broken" if limit else "") + ".")

    # golden: a mode register, the heading, and one timer shared by the pause and the fall
    tw = clog2(max(pause, limit, 1) + 1)
    modes = ["WALK"] + (["STOP"] if pause else []) + (["FALL"] if fall else []) + (["BROKEN"] if limit else [])
    mw = clog2(len(modes))
    decl = [f"    localparam {', '.join(f'{m} = {mw}' + chr(39) + f'd{i}' for i, m in enumerate(modes))};",
            f"    reg [{mw - 1}:0] mode;", "    reg heading;  // 1: left, 0: right"]
    if pause or limit:
        decl.append(f"    reg [{tw - 1}:0] timer;")
    falls = "if (!ground) begin\n        mode <= FALL;\n" + ("        timer <= " + f"{tw}'d1;\n" if limit else "") + "    end\n    else "
    bump = "if (heading ? bump_left : bump_right) begin\n        heading <= ~heading;\n" + \
        (f"        mode <= STOP;\n        timer <= {tw}'d{pause};\n" if pause else "") + "    end"
    arms = ["WALK: begin\n    " + (falls if fall else "") + bump + "\nend"]
    if pause:
        arms.append("STOP: begin\n    " + (falls if fall else "") + f"if (timer == {tw}'d1) mode <= WALK;\n"
                    f"    else timer <= timer - 1'b1;\nend")
    if fall:
        arms.append("FALL: begin\n    if (ground) mode <= WALK;\n"
                    + (f"    else if (timer == {tw}'d{limit}) mode <= BROKEN;\n    else timer <= timer + 1'b1;\n" if limit else "")
                    + "end")
    if limit:
        arms.append("BROKEN: mode <= BROKEN;")
    arms.append("default: mode <= WALK;")
    body = "case (mode)\n" + "\n".join(arms) + "\nendcase"
    resets = ["mode <= WALK;", f"heading <= 1'b{int(left0)};"] + ([f"timer <= {tw}'d0;"] if pause or limit else [])
    outs = ["    assign move_left = (mode == WALK) & heading;", "    assign move_right = (mode == WALK) & ~heading;"]
    if fall:
        outs.append("    assign falling = (mode == FALL);")
    if limit:
        outs.append("    assign broken = (mode == BROKEN);")
    golden = "\n".join(decl) + "\n" + reset.process("\n".join(resets), body) + "\n".join(outs) + "\n"

    # second rendering: the spec as a Python model; state = (mode, heading_left, timer)
    def step(s, bits):
        mode, left, t = s
        bl, br = bits[0], bits[1]
        ground = bits[2] if fall else 1
        if mode == "broken":
            return s
        if mode == "fall":
            if ground:
                return ("walk", left, 0)
            if limit and t >= limit:
                return ("broken", left, 0)
            return ("fall", left, t + 1 if limit else 0)
        if fall and not ground:
            return ("fall", left, 1 if limit else 0)
        if mode == "stop":
            return ("walk", left, 0) if t == 1 else ("stop", left, t - 1)
        if (bl if left else br):
            return ("stop", not left, pause) if pause else ("walk", not left, 0)
        return s
    conditions = ["bump_left", "bump_right"] + (["ground"] if fall else [])
    outputs = [("move_left", 1, lambda s: int(s[0] == "walk" and s[1])),
               ("move_right", 1, lambda s: int(s[0] == "walk" and not s[1]))]
    if fall:
        outputs.append(("falling", 1, lambda s: int(s[0] == "fall")))
    if limit:
        outputs.append(("broken", 1, lambda s: int(s[0] == "broken")))
    alternate = table_rendering(("walk", left0, 0), step, conditions, outputs, reset)
    plan = [f"Keep a mode ({', '.join(m.lower() for m in modes)}) and the heading (left or right); reset gives "
            f"walk, heading {first}."]
    if fall:
        plan.append("In every mode that walks" + (" or stops" if pause else "") + ", `ground` = 0 at an edge "
                    "switches to fall first; fall keeps the heading and goes back to walk when `ground` is 1.")
    plan.append("While walking, only the bumper in the heading's direction matters: it flips the heading"
                + (f" and starts a {pause}-cycle stop, counted down by a timer." if pause else "."))
    if limit:
        plan.append(f"A timer counts the falling cycles from 1; an edge with `ground` = 0 when it already shows "
                    f"{limit} moves to broken, which only reset leaves.")
    plan.append("The outputs are decoded from the mode and the heading, so they depend on the state only.")
    summary = ("controls a rover that walks between two walls" + (", falls where the floor ends" if fall else "")
               + (" and breaks after a long fall" if limit else "") + ".")
    cycles = 2000 if limit else 600
    return top, ports, summary, story, golden, alternate, plan, cycles


# ---------------------------------------------------------------- framer

def _framer(p: dict[str, Any], reset: ResetStyle):
    k, w, m, v, capture, valid = p["words"], p["width"], p["marker_bit"], p["marker_value"], p["capture"], p["valid"]
    top = f"frame_rx_{k}x{w}" + ("_data" if capture else "") + ("_valid" if valid else "")
    ports = [PortDoc("din", "input", w, "the word on the bus this cycle")]
    if valid:
        ports.append(PortDoc("din_valid", "input", 1, "1 when `din` carries a word this cycle"))
    ports.append(PortDoc("done", "output", 1, "1 for one cycle after a message is complete"))
    if capture:
        ports.append(PortDoc("message", "output", k * w, "the last complete message, first word in the top bits"))
    taken = "at a rising edge at which `din_valid` is 1" if valid else "at every rising edge"
    story = [f"Words of {w} bits arrive on `din`; a word is taken {taken}. The words form messages of {k} words "
             f"each, but the receiver may start in the middle of a message, so it has to find where messages begin.",
             f"The first word of a message always has bit {m} equal to {v}; other words may have any value there. "
             f"While the receiver is looking for a first word it discards every word taken whose bit {m} is not {v}. "
             f"A word taken with bit {m} = {v} starts a message, and the next {k - 1} words taken complete it "
             "whatever their value.",
             "`done` is 1 during the clock cycle right after the edge that takes the last word of a message, and "
             "0 otherwise. After that word the receiver looks for a first word again, starting with the next word "
             "taken (which may be taken in the very cycle in which `done` is 1)."]
    if capture:
        story.append(f"`message` holds the {k} words of the last complete message, the first word in bits "
                     f"[{k * w - 1}:{k * w - w}] and the last in bits [{w - 1}:0]. It changes only at the edge that "
                     "completes a message and keeps its value until the next one is complete.")
    story.append("Reset makes the receiver look for a first word" + (", sets `message` to 0" if capture else "")
                 + " and clears `done`.")
    cw = clog2(k)
    start = f"din[{m}]" if v else f"!din[{m}]"
    take = "din_valid" if valid else "1'b1"
    lines = [f"    reg [{cw - 1}:0] count;  // words of the current message taken so far (0: looking)", "    reg done_r;"]
    if capture:
        lines += [f"    reg [{(k - 1) * w - 1}:0] partial;", f"    reg [{k * w - 1}:0] msg_r;"]
    collect = f"partial <= {{partial[{(k - 2) * w - 1}:0], din}};\n    " if capture and k > 2 else \
        "partial <= din;\n    " if capture else ""
    finish = ("msg_r <= {partial, din};\n    " if capture else "")
    inner = (f"if (count == {cw}'d0) begin\n    if ({start}) begin\n        {collect.strip()}\n"
             f"        count <= {cw}'d1;\n    end\nend\n"
             f"else if (count == {cw}'d{k - 1}) begin\n    {finish}count <= {cw}'d0;\n    done_r <= 1'b1;\nend\n"
             f"else begin\n    {collect}count <= count + 1'b1;\nend")
    if valid:
        inner = "if (din_valid) begin\n" + "".join(f"    {line}\n" for line in inner.splitlines()) + "end"
    body = "done_r <= 1'b0;\n" + inner
    body = "\n".join(line for line in body.splitlines() if line.strip())
    resets = [f"count <= {cw}'d0;", "done_r <= 1'b0;"] + ([f"partial <= {(k - 1) * w}'d0;", f"msg_r <= {k * w}'d0;"] if capture else [])
    golden = ("\n".join(lines) + "\n" + reset.process("\n".join(resets), body) + "    assign done = done_r;\n"
              + ("    assign message = msg_r;\n" if capture else ""))

    # second rendering: the message counter and the done pulse as a state table; the words stored by index
    def step(s, bits):
        count, _ = s
        take_now = bits[1] if valid else 1
        if not take_now:
            return (count, 0)
        if count == 0:
            return (1 if bits[0] == v else 0, 0)
        return (0, 1) if count == k - 1 else (count + 1, 0)
    conditions = [f"din[{m}]"] + (["din_valid"] if valid else [])
    outputs = [("done", 1, lambda s: s[1])] + ([("slot", cw, lambda s: s[0])] if capture else [])
    alternate = (f"    wire [{cw - 1}:0] slot;  // words of the current message taken before this one\n" if capture else "") + \
        table_rendering((0, 0), step, conditions, outputs, reset)
    if capture:  # the words stored by index, the index read off the table's state
        alternate += (f"    reg [{w - 1}:0] word [0:{k - 2}];\n    reg [{k * w - 1}:0] msg_q;\n    integer j;\n"
                      + reset.process(f"for (j = 0; j < {k - 1}; j = j + 1) word[j] <= {w}'d0;\nmsg_q <= {k * w}'d0;",
                                      f"if ({take} && (slot != {cw}'d0 || din[{m}] == 1'b{v})) begin\n"
                                      f"    if (slot == {cw}'d{k - 1}) msg_q <= {{"
                                      + ", ".join(f"word[{i}]" for i in range(k - 1))
                                      + ", din};\n    else word[slot] <= din;\nend")
                      + "    assign message = msg_q;\n")
    plan = [f"Count the words of the current message taken so far in a {cw}-bit register; 0 means looking for "
            f"a first word."]
    plan.append(f"At an edge that takes a word: when looking, start (count 1) only if bit {m} of `din` is {v}; "
                f"otherwise count up, and at word {k} of {k} go back to 0 and set `done` for one cycle.")
    if capture:
        plan.append("Keep the words taken so far in a shift register and copy it, with the last word, to "
                    "`message` at the edge that completes the message.")
    plan.append("`done` is a register cleared at every edge unless a message completes there.")
    summary = f"finds {k}-word messages in a stream of {w}-bit words and signals each complete one."
    return top, ports, summary, story, golden, alternate, plan, 800


# ---------------------------------------------------------------- crossing

PHASES = ("MAIN_GREEN", "MAIN_YELLOW", "SIDE_GREEN", "SIDE_YELLOW", "WALK")


def _crossing(p: dict[str, Any], reset: ResetStyle):
    g, y, s, walk = p["green"], p["yellow"], p["side"], p["walk"]
    top = f"crossing_ctrl_g{g}y{y}s{s}" + (f"_walk{walk}" if walk else "")
    ports = [PortDoc("car", "input", 1, "1 while a car waits on the side road")]
    if walk:
        ports.append(PortDoc("button", "input", 1, "pedestrian push button"))
    ports += [PortDoc("main_light", "output", 2, "main road light: 0 red, 1 yellow, 2 green"),
              PortDoc("side_light", "output", 2, "side road light: 0 red, 1 yellow, 2 green")]
    if walk:
        ports.append(PortDoc("walk_light", "output", 1, "1 while pedestrians may cross"))
    story = ["The module runs the lights of a crossing between a main road and a side road. It changes state "
             "only at rising edges of `clk` and the lights depend only on the state. After reset the main road "
             "is green and the side road red.",
             f"The main road stays green for at least {g} clock cycles. After that it stays green until a rising "
             f"edge at which `car` is 1: from that edge the main road is yellow for {y} cycle{'s' if y > 1 else ''}, "
             f"then the side road is green for {s} cycles and yellow for {y} cycle{'s' if y > 1 else ''}, while the "
             "main road is red. (If `car` is already 1 at the edge that ends the minimum green time, the main road "
             "turns yellow at that edge.)"]
    if walk:
        story.append(f"A pedestrian asks to cross by pressing `button` (1 at a rising edge). The request is "
                     f"remembered; when the side road's yellow time ends and a request is remembered (or `button` is "
                     f"1 at that very edge), every road light is red and `walk_light` is 1 for {walk} cycles before "
                     "the main road turns green again; the request is then forgotten. Presses during the walk "
                     "phase are ignored. Without a request the main road turns green right after the side yellow.")
    story.append("Each time the main road turns green, its minimum green time starts again.")
    story.append("Reset returns to the start of the main green phase" + (" and forgets any request" if walk else "") + ".")
    durations = {"MAIN_GREEN": g, "MAIN_YELLOW": y, "SIDE_GREEN": s, "SIDE_YELLOW": y, "WALK": walk}
    phases = PHASES if walk else PHASES[:4]
    pw = clog2(len(phases))
    cw = clog2(max(durations[x] for x in phases) + 1)
    decl = [f"    localparam {', '.join(f'{x} = {pw}' + chr(39) + f'd{i}' for i, x in enumerate(phases))};",
            f"    reg [{pw - 1}:0] phase;", f"    reg [{cw - 1}:0] elapsed;  // cycles spent in this phase, minus 1"]
    if walk:
        decl.append("    reg pending;")

    def after(x: str, nxt: str) -> str:
        return f"{x}: if (elapsed == {cw}'d{durations[x] - 1}) begin\n    phase <= {nxt};\n    elapsed <= {cw}'d0;\nend\nelse elapsed <= elapsed + 1'b1;"
    arms = [f"MAIN_GREEN: if (elapsed == {cw}'d{g - 1}) begin\n    if (car) begin\n        phase <= MAIN_YELLOW;\n"
            f"        elapsed <= {cw}'d0;\n    end\nend\nelse elapsed <= elapsed + 1'b1;",
            after("MAIN_YELLOW", "SIDE_GREEN"), after("SIDE_GREEN", "SIDE_YELLOW")]
    if walk:
        arms.append(f"SIDE_YELLOW: if (elapsed == {cw}'d{y - 1}) begin\n    phase <= (pending | button) ? WALK : MAIN_GREEN;\n"
                    f"    elapsed <= {cw}'d0;\nend\nelse elapsed <= elapsed + 1'b1;")
        arms.append(after("WALK", "MAIN_GREEN"))
    else:
        arms.append(after("SIDE_YELLOW", "MAIN_GREEN"))
    arms.append("default: phase <= MAIN_GREEN;")
    body = "case (phase)\n" + "\n".join(arms) + "\nendcase"
    if walk:
        body += (f"\nif (phase == WALK || (phase == SIDE_YELLOW && elapsed == {cw}'d{y - 1})) pending <= 1'b0;\n"
                 "else if (button) pending <= 1'b1;")
    resets = ["phase <= MAIN_GREEN;", f"elapsed <= {cw}'d0;"] + (["pending <= 1'b0;"] if walk else [])
    outs = ["    assign main_light = (phase == MAIN_GREEN) ? 2'd2 : (phase == MAIN_YELLOW) ? 2'd1 : 2'd0;",
            "    assign side_light = (phase == SIDE_GREEN) ? 2'd2 : (phase == SIDE_YELLOW) ? 2'd1 : 2'd0;"]
    if walk:
        outs.append("    assign walk_light = (phase == WALK);")
    golden = "\n".join(decl) + "\n" + reset.process("\n".join(resets), body) + "\n".join(outs) + "\n"

    # second rendering: (phase, cycles in phase so far, request remembered) from the spec
    order = {"MG": ("MY", y), "MY": ("SG", s), "SG": ("SY", y)}

    def step(st, bits):
        ph, t, req = st
        car = bits[0]
        press = bits[1] if walk else 0
        if ph == "W":
            return ("MG", 1, 0) if t == walk else ("W", t + 1, 0)
        asked = req or press
        if ph == "MG":
            if t >= g and car:
                return ("MY", 1, asked)
            return ("MG", min(t + 1, g), asked)
        if ph == "SY":
            if t < y:
                return ("SY", t + 1, asked)
            return ("W", 1, 0) if walk and asked else ("MG", 1, 0)
        nxt, _ = order[ph]
        return (nxt, 1, asked) if t == durations[{"MY": "MAIN_YELLOW", "SG": "SIDE_GREEN"}[ph]] else (ph, t + 1, asked)
    conditions = ["car"] + (["button"] if walk else [])
    outputs = [("main_light", 2, lambda st: {"MG": 2, "MY": 1}.get(st[0], 0)),
               ("side_light", 2, lambda st: {"SG": 2, "SY": 1}.get(st[0], 0))]
    if walk:
        outputs.append(("walk_light", 1, lambda st: int(st[0] == "W")))
    alternate = table_rendering(("MG", 1, 0), step, conditions, outputs, reset)
    plan = [f"Keep the phase ({', '.join(x.lower().replace('_', ' ') for x in phases)}) and a counter of the cycles "
            "spent in it; every phase ends when the counter shows its length minus 1, and the counter restarts.",
            f"Main green is the exception: once its {g} cycles are over it waits, counter held, for an edge with `car` = 1."]
    if walk:
        plan.append("A `pending` flag remembers a press; the end of side yellow goes to the walk phase if "
                    "`pending` or `button` is 1 and clears the flag, which stays clear during the walk.")
    plan.append("The lights are decoded from the phase alone.")
    summary = "runs the traffic lights of a crossing with a car sensor" + (" and a pedestrian button." if walk else ".")
    return top, ports, summary, story, golden, alternate, plan, 1200
