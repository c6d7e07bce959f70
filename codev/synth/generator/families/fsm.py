"""Finite-state machines: Moore/Mealy machines from random transition tables, and sequence detectors.

Table FSM golden: binary-encoded states, a case statement per state. Second rendering: a one-hot
state vector whose next-state and output bits are sums of products read off the table.
Sequence detector golden: the KMP automaton of the pattern as a case statement. Second rendering:
no automaton at all, a history shift register compared with the pattern plus a count of fresh bits.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, ResetStyle, clog2, module

STATES = {1: [3], 2: [4], 3: [5, 6], 4: [6, 7, 8], 5: [8, 10, 12]}
INPUT_BITS = {1: [1], 2: [1], 3: [1, 2], 4: [2], 5: [2]}
OUTPUT_BITS = {1: [1], 2: [1, 2], 3: [2], 4: [2, 3], 5: [3, 4]}
PATTERN_BITS = {1: [3], 2: [4], 3: [5], 4: [6, 7], 5: [8, 9, 10]}


def _reachable_table(rng: random.Random, states: int, symbols: int) -> list[list[int]]:
    """A random transition table in which every state is reachable from state 0."""
    table = [[rng.randrange(states) for _ in range(symbols)] for _ in range(states)]
    used: set[tuple[int, int]] = set()
    for s in range(1, states):  # state s gets an edge from an earlier state on a slot no other state took
        slot = rng.choice([(p, v) for p in range(s) for v in range(symbols) if (p, v) not in used])
        used.add(slot)
        table[slot[0]][slot[1]] = s
    return table


def _or(terms: list[str]) -> str:
    return " | ".join(terms) if terms else "1'b0"


class TableFsm:
    name = "fsm"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        n, k, m = rng.choice(STATES[level]), rng.choice(INPUT_BITS[level]), rng.choice(OUTPUT_BITS[level])
        mealy = level >= 2 and rng.random() < 0.5
        outs = [[rng.randrange(1 << m) for _ in range(1 << k)] if mealy else rng.randrange(1 << m)
                for _ in range(n)]
        return {"states": n, "input_bits": k, "output_bits": m, "mealy": mealy,
                "next": _reachable_table(rng, n, 1 << k), "out": outs, **ResetStyle.sample(rng, level).as_params(),
                "prose": level >= 2 and rng.random() < 0.4}

    def build(self, params: dict[str, Any], level: int) -> Design:
        n, k, m, mealy = params["states"], params["input_bits"], params["output_bits"], params["mealy"]
        nxt, out = params["next"], params["out"]
        reset = ResetStyle.from_params(params)
        kind = "mealy" if mealy else "moore"
        top = f"{kind}_fsm_{n}states"
        ports = reset.ports() + [PortDoc("in", "input", k, "input symbol"), PortDoc("out", "output", m, "output")]
        header = "| state | " + " | ".join(f"in = {v}" for v in range(1 << k)) + (" |" if mealy else " | out |")
        rows = []
        for s in range(n):
            cells = [f"S{nxt[s][v]}" + (f" / out = {out[s][v]}" if mealy else "") for v in range(1 << k)]
            rows.append(f"| S{s} | " + " | ".join(cells) + (" |" if mealy else f" | {out[s]} |"))
        table = "\n".join([header, "|" + " --- |" * (1 + (1 << k) + (0 if mealy else 1)), *rows])
        behaviour = [f"The machine has {n} states S0..S{n - 1}. At each rising edge it moves from the current "
                     "state to the state the table gives for the current `in`."]
        behaviour.append("`out` depends on the current state and the current `in` (Mealy): the table gives "
                         "next state / out for each pair." if mealy else
                         "`out` depends only on the current state (Moore), as the last column gives.")
        behaviour.append("Reset puts the machine in state S0.")
        if params.get("prose"):  # the same table told state by state, as a word problem would
            for s in range(n):
                moves = "; ".join(f"when `in` is {v} it goes to S{nxt[s][v]}" + (f" and `out` is {out[s][v]}" if mealy else "")
                                  for v in range(1 << k))
                behaviour.append(f"In state S{s}" + (f", `out` is {out[s]}" if not mealy else "") + f": {moves}.")
        else:
            behaviour.append(f"Transition table:\n\n{table}\n")
        sw = clog2(n)
        golden = _binary(n, k, m, sw, nxt, out, mealy, reset)
        alternate = _one_hot(n, k, m, nxt, out, mealy, reset)
        plan = [f"Encode the {n} states in {sw} bits with localparams S0..S{n - 1}.",
                "One clocked process holds the state (reset to S0); a combinational case statement computes "
                "the next state from the table.",
                "The output comes from " + ("a case on state and input (Mealy)." if mealy else "a case on the state (Moore).")]
        return Design(self.name, level, dict(params), top, tuple(ports),
                      f"implements a {'Mealy' if mealy else 'Moore'} finite-state machine given by "
                      f"{'a description of each state' if params.get('prose') else 'a transition table'}.",
                      tuple(behaviour), module(top, ports, golden), module(top, ports, alternate), tuple(plan),
                      False, reset)


def _binary(n: int, k: int, m: int, sw: int, nxt, out, mealy: bool, reset: ResetStyle) -> str:
    lines = ["    localparam " + ", ".join(f"S{s} = {sw}'d{s}" for s in range(n)) + ";",
             f"    reg [{sw - 1}:0] state, next;", f"    reg [{m - 1}:0] out_r;", "    always @* begin",
             "        next = state;", f"        out_r = {m}'d0;", "        case (state)"]
    for s in range(n):
        lines.append(f"            S{s}: begin")
        if not mealy:
            lines.append(f"                out_r = {m}'d{out[s]};")
        lines.append("                case (in)")
        for v in range(1 << k):
            extra = f" out_r = {m}'d{out[s][v]};" if mealy else ""
            lines.append(f"                    {k}'d{v}: begin next = S{nxt[s][v]};{extra} end")
        lines += ["                endcase", "            end"]
    # unused codes, and the unknown state before the first reset: outputs are don't-care
    lines += [f"            default: begin next = {{{sw}{{1'bx}}}}; out_r = {{{m}{{1'bx}}}}; end",
              "        endcase", "    end"]
    return "\n".join(lines) + "\n" + reset.process("state <= S0;", "state <= next;") + "    assign out = out_r;\n"


def _one_hot(n: int, k: int, m: int, nxt, out, mealy: bool, reset: ResetStyle) -> str:
    lines = [f"    reg [{n - 1}:0] hot;", f"    wire [{n - 1}:0] hot_next;"]
    for j in range(n):
        terms = [f"(hot[{s}] & (in == {k}'d{v}))" for s in range(n) for v in range(1 << k) if nxt[s][v] == j]
        lines.append(f"    assign hot_next[{j}] = {_or(terms)};")
    for b in range(m):
        if mealy:
            terms = [f"(hot[{s}] & (in == {k}'d{v}))" for s in range(n) for v in range(1 << k) if out[s][v] >> b & 1]
        else:
            terms = [f"hot[{s}]" for s in range(n) if out[s] >> b & 1]
        lines.append(f"    assign {'out' if m == 1 else f'out[{b}]'} = {_or(terms)};")
    return "\n".join(lines) + "\n" + reset.process(f"hot <= {n}'d1;", "hot <= hot_next;")


def _kmp(pattern: str, state: str, bit: str, limit: int) -> int:
    """Length of the longest prefix of `pattern`, at most `limit`, that ends the string `state + bit`."""
    text = state + bit
    for size in range(min(limit, len(text)), -1, -1):
        if text.endswith(pattern[:size]):
            return size
    return 0


class SequenceDetector:
    name = "seq_detector"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        length = rng.choice(PATTERN_BITS[level])
        return {"pattern": "".join(rng.choice("01") for _ in range(length)),
                "overlap": level == 1 or rng.random() < 0.5, "mealy": level >= 2 and rng.random() < 0.5,
                **ResetStyle.sample(rng, level).as_params()}

    def build(self, params: dict[str, Any], level: int) -> Design:
        p, overlap, mealy = params["pattern"], params["overlap"], params["mealy"]
        reset = ResetStyle.from_params(params)
        n = len(p)
        top = f"seq_detect_{p}"
        ports = reset.ports() + [PortDoc("din", "input", 1, "serial input, one bit per clock"),
                                 PortDoc("detected", "output", 1, "pattern found")]
        behaviour = [f"The module watches `din`, sampled at each rising edge of `clk`, for the bit pattern {p} "
                     "(the leftmost bit arrives first)."]
        behaviour.append("`detected` is 1 during a clock cycle in which the current `din` is the last bit of the "
                         "pattern and the previously sampled bits complete it (Mealy: it depends on `din` directly)."
                         if mealy else
                         "`detected` is 1 for the one clock cycle that follows the rising edge that sampled the "
                         "last bit of the pattern (Moore: it is registered), and 0 otherwise.")
        behaviour.append("Occurrences may overlap: the end of one occurrence can be the start of the next."
                         if overlap else
                         "Occurrences do not overlap: after a detection, matching starts afresh with the next bit.")
        behaviour.append("Reset forgets every bit received so far.")
        golden = _kmp_fsm(p, overlap, mealy, reset)
        alternate = _history(p, overlap, mealy, reset)
        plan = [f"Build an FSM whose state is the length of the longest prefix of {p} matched so far "
                f"({n + (0 if mealy else 1)} states).",
                "For each state and input bit, the next state is the longest prefix that ends the bits seen "
                "(as in KMP), so partial matches are not lost.",
                ("Assert `detected` combinationally when the state is " + str(n - 1) + " and `din` completes the pattern."
                 if mealy else f"Assert `detected` in state {n} (a full match)."),
                "After a match, continue from the longest proper prefix of the pattern that ends the bits seen "
                "(overlapping)." if overlap else "After a match, restart from state 0 (non-overlapping)."]
        return Design(self.name, level, dict(params), top, tuple(ports),
                      f"detects the serial bit pattern {p} ({'overlapping' if overlap else 'non-overlapping'}, "
                      f"{'Mealy' if mealy else 'Moore'} output).",
                      tuple(behaviour), module(top, ports, golden), module(top, ports, alternate), tuple(plan),
                      False, reset, min_cycles=min(32 << n, 32768))  # random bits meet an n-bit window rarely


def _kmp_fsm(p: str, overlap: bool, mealy: bool, reset: ResetStyle) -> str:
    n = len(p)
    states = n if mealy else n + 1
    sw = clog2(states)
    lines = [f"    reg [{sw - 1}:0] state, next;", "    reg hit;", "    always @* begin",
             "        next = state;", "        hit = 1'b0;", "        case (state)"]
    for q in range(states):
        arms = []
        for bit in "01":
            if q == n:  # Moore: a full match was just seen
                target = _kmp(p, p, bit, n) if overlap else _kmp(p, "", bit, n)
                arms.append(f"next = {sw}'d{target};")
                continue
            full = _kmp(p, p[:q], bit, n)
            if mealy and full == n:
                target = _kmp(p, p[:q], bit, n - 1) if overlap else 0
                arms.append(f"begin next = {sw}'d{target}; hit = 1'b1; end")
            else:
                arms.append(f"next = {sw}'d{full};")
        lines.append(f"            {sw}'d{q}: if (din) {arms[1]} else {arms[0]}")
    lines += [f"            default: begin next = {{{sw}{{1'bx}}}}; hit = 1'bx; end  // before reset: unknown",
              "        endcase", "    end"]
    out = "    assign detected = hit;\n" if mealy else f"    assign detected = (state == {sw}'d{n});\n"
    return "\n".join(lines) + "\n" + reset.process(f"state <= {sw}'d0;", "state <= next;") + out


def _history(p: str, overlap: bool, mealy: bool, reset: ResetStyle) -> str:
    n = len(p)
    cw = clog2(n)
    lines = [f"    reg [{n - 2}:0] hist;", f"    reg [{cw - 1}:0] fresh;  // bits received since reset or the last match, up to {n - 1}",
             f"    wire match = (fresh == {cw}'d{n - 1}) && ({{hist, din}} == {n}'b{p});"]
    counting = f"if (fresh != {cw}'d{n - 1}) fresh <= fresh + 1'b1;"
    update = ["hist <= {hist, din};" if n > 2 else "hist <= din;",
              counting if overlap else f"if (match) fresh <= {cw}'d0;\nelse {counting}"]
    resets = [f"hist <= {n - 1}'d0;", f"fresh <= {cw}'d0;"]
    if mealy:
        out = "    assign detected = match;\n"
    else:
        lines.append("    reg seen;")
        update.append("seen <= match;")
        resets.append("seen <= 1'b0;")
        out = "    assign detected = seen;\n"
    return "\n".join(lines) + "\n" + reset.process("\n".join(resets), "\n".join(update)) + out
