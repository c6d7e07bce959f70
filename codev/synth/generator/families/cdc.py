"""Clock-domain crossing, one clock domain per module (as CDC logic is written: each side in its own module):
multi-flop synchronisers for signals from another domain, with an optional rising-edge pulse, and the
pointer side of an asynchronous FIFO: a binary and a Gray-coded pointer, the other side's Gray pointer
brought in through two flip-flops, and the full (write side) or empty (read side) flag.

Synchroniser golden: named stages assigned one from the next. Second rendering: one packed delay line
shifted by a concatenation. FIFO pointer golden: the usual Gray-domain comparison (full when the next
Gray pointer equals the synchronised one with its top two bits inverted, empty when they are equal).
Second rendering: no Gray comparison at all; the synchronised pointer is converted back to binary and the
flag comes from the binary distance between the pointers.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, ResetStyle, module

ADDR_BITS = {3: [2, 3], 4: [3, 4], 5: [4, 5]}


class ClockDomainCrossing:
    name = "cdc"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        reset = ResetStyle.sample(rng, level).as_params()
        if level <= 2 or rng.random() < 0.25:
            return {"kind": "sync", "width": rng.choice([1, 2] if level == 1 else [1, 2, 4, 8]),
                    "stages": rng.choice([2, 3]), "pulse": level >= 2 and rng.random() < 0.6,
                    **reset}
        return {"kind": rng.choice(["write_side", "read_side"]), "addr_bits": rng.choice(ADDR_BITS[min(level, 5)]),
                **reset}

    def build(self, params: dict[str, Any], level: int) -> Design:
        reset = ResetStyle.from_params(params)
        made = _sync(params, reset) if params["kind"] == "sync" else _pointer(params, reset)
        top, ports, summary, behaviour, golden, alternate, plan = made
        ports = reset.ports() + ports
        return Design(self.name, level, dict(params), top, tuple(ports), summary, tuple(behaviour),
                      module(top, ports, golden), module(top, ports, alternate), tuple(plan), False, reset)


def _sync(p: dict[str, Any], reset: ResetStyle):
    w, n, pulse = p["width"], p["stages"], p["pulse"]
    top = f"sync_{n}ff_{w}bit" + ("_rise" if pulse else "")
    rng_ = f"[{w - 1}:0] " if w > 1 else ""
    ports = [PortDoc("async_in", "input", w, "a signal from another clock domain, asynchronous to `clk`"),
             PortDoc("sync_out", "output", w, "`async_in` synchronised to `clk`")]
    if pulse:
        ports.append(PortDoc("rise", "output", 1, "1 for one cycle when bit 0 of `sync_out` goes from 0 to 1"))
    behaviour = ["`async_in` changes at any time, unrelated to `clk`. To use it safely, pass "
                 + ("each bit" if w > 1 else "it") + f" through {n} flip-flops in series clocked by `clk` (a "
                 f"{n}-flip-flop synchroniser): at every rising edge the first takes `async_in` and each next one takes "
                 f"the value of the one before it. `sync_out` is the output of the last one, so it shows the value "
                 f"`async_in` had at the rising edge {n} edges earlier."]
    if pulse:
        behaviour.append("`rise` is 1 during a cycle in which bit 0 of `sync_out` is 1 and was 0 in the cycle before "
                         "(an extra flip-flop remembers the previous value of that bit), and 0 otherwise.")
    behaviour.append("Reset clears every flip-flop" + (", so `rise` is 0 after reset" if pulse else "") + ".")
    stages = [f"s{i}" for i in range(1, n + 1)]
    decl = [f"    reg {rng_}{s};" for s in stages] + (["    reg last;"] if pulse else [])
    zero = f"{w}'d0" if w > 1 else "1'b0"
    resets = [f"{s} <= {zero};" for s in stages] + (["last <= 1'b0;"] if pulse else [])
    moves = ["s1 <= async_in;"] + [f"{stages[i]} <= {stages[i - 1]};" for i in range(1, n)] + \
        ([f"last <= {stages[-1]}{'[0]' if w > 1 else ''};"] if pulse else [])
    golden = ("\n".join(decl) + "\n" + reset.process("\n".join(resets), "\n".join(moves))
              + f"    assign sync_out = {stages[-1]};\n"
              + (f"    assign rise = {stages[-1]}{'[0]' if w > 1 else ''} & ~last;\n" if pulse else ""))
    depth = n + (1 if pulse else 0)
    total = w * depth
    line = f"    reg [{total - 1}:0] line;  // stage k (from 1) in bits [{w}*k-1 : {w}*(k-1)]"
    shift = f"line <= {{line[{total - w - 1}:0], async_in}};" if depth > 1 else "line <= async_in;"
    if pulse:  # the extra stage keeps only bit 0 in the golden; here it keeps the whole word, bit 0 is used
        out = (f"    assign sync_out = line[{w * n - 1}:{w * (n - 1)}];\n"
               f"    assign rise = line[{w * (n - 1)}] & ~line[{w * n}];\n")
    else:
        out = f"    assign sync_out = line[{w * n - 1}:{w * (n - 1)}];\n"
    alternate = line + "\n" + reset.process(f"line <= {total}'d0;", shift) + out
    plan = [f"Declare {n} registers" + (f" of {w} bits" if w > 1 else "") + " and, in one clocked process, move the "
            "value one stage further at every edge: the first takes `async_in`.",
            "`sync_out` is the last stage; nothing else reads the earlier stages (they may be metastable)."]
    if pulse:
        plan.append("One more register holds the previous bit 0 of the last stage; `rise` is that bit 1 now and 0 before.")
    summary = f"synchronises a {w}-bit asynchronous signal with {n} flip-flops" + (" and detects its rising edge." if pulse else ".")
    return top, ports, summary, behaviour, golden, alternate, plan


def _pointer(p: dict[str, Any], reset: ResetStyle):
    a, side = p["addr_bits"], p["kind"]
    write = side == "write_side"
    pw = a + 1
    me, other = ("w", "r") if write else ("r", "w")
    inc, flag = (f"{me}inc", "full" if write else "empty")
    top = f"async_fifo_{'wptr_full' if write else 'rptr_empty'}_{1 << a}deep"
    ports = [PortDoc(inc, "input", 1, ("write" if write else "read") + " request for this cycle"),
             PortDoc(f"{other}ptr_gray", "input", pw, f"the {'read' if write else 'write'} pointer, Gray-coded, "
                     f"from the other clock domain (asynchronous to `clk`)"),
             PortDoc(f"{me}addr", "output", a, f"the {'write' if write else 'read'} address into the FIFO memory"),
             PortDoc(f"{me}ptr_gray", "output", pw, "this side's pointer, Gray-coded, for the other domain"),
             PortDoc(flag, "output", 1, f"1 when the FIFO is {flag}")]
    who = "write" if write else "read"
    behaviour = [f"This is the {who} side of an asynchronous FIFO with {1 << a} entries, clocked by `clk`. It keeps "
                 f"a {pw}-bit binary {who} pointer (one bit more than the address, so a full FIFO and an empty one "
                 f"differ), reset to 0. At a rising edge at which `{inc}` is 1 and `{flag}` is 0 the pointer "
                 f"increases by 1 (modulo {1 << pw}); otherwise it holds.",
                 f"`{me}addr` is the low {a} bits of the binary pointer. `{me}ptr_gray` is the Gray code of the "
                 f"binary pointer (b ^ (b >> 1)), held in a register that changes at the same edges as the pointer.",
                 f"`{other}ptr_gray` comes from the other clock domain: pass it through two {pw}-bit flip-flops in "
                 "series clocked by `clk` (reset to 0); the second one's output is the synchronised pointer.",
                 (f"`full` is a register: at every rising edge it takes 1 exactly when the write pointer after that "
                  f"edge and the synchronised read pointer before that edge, both read as {pw}-bit binary numbers "
                  f"(convert the Gray code back), differ by exactly {1 << a} modulo {1 << pw}: the writer is a whole FIFO ahead."
                  if write else
                  "`empty` is a register: at every rising edge it takes 1 exactly when the read pointer after that "
                  "edge equals the synchronised write pointer before that edge (nothing left to read)."),
                 f"Reset clears the pointers and the synchroniser flip-flops and sets `{flag}` to "
                 + ("0." if write else "1 (the FIFO starts empty).")]
    sync = f"{me}q2_{other}ptr"
    decl = [f"    reg [{a}:0] {me}bin, {me}gray;", f"    reg [{a}:0] {me}q1_{other}ptr, {sync};", f"    reg {flag}_r;",
            f"    wire [{a}:0] {me}bin_next = {me}bin + ({inc} & ~{flag}_r);",
            f"    wire [{a}:0] {me}gray_next = ({me}bin_next >> 1) ^ {me}bin_next;"]
    if write:
        cond = f"({me}gray_next == {{~{sync}[{a}:{a - 1}], {sync}[{a - 2}:0]}})" if a >= 2 else \
            f"({me}gray_next == ~{sync})"
    else:
        cond = f"({me}gray_next == {sync})"
    resets = [f"{me}bin <= {pw}'d0;", f"{me}gray <= {pw}'d0;", f"{me}q1_{other}ptr <= {pw}'d0;", f"{sync} <= {pw}'d0;",
              f"{flag}_r <= 1'b{0 if write else 1};"]
    body = [f"{me}bin <= {me}bin_next;", f"{me}gray <= {me}gray_next;", f"{me}q1_{other}ptr <= {other}ptr_gray;",
            f"{sync} <= {me}q1_{other}ptr;", f"{flag}_r <= {cond};"]
    golden = ("\n".join(decl) + "\n" + reset.process("\n".join(resets), "\n".join(body))
              + f"    assign {me}addr = {me}bin[{a - 1}:0];\n    assign {me}ptr_gray = {me}gray;\n"
              f"    assign {flag} = {flag}_r;\n")
    lines = [f"    reg [{a}:0] ptr, hop1, hop2;", "    reg flag_q;", f"    reg [{a}:0] far;  // the synchronised pointer in binary",
             "    integer i;", "    always @* begin", f"        far[{a}] = hop2[{a}];",
             f"        for (i = {a - 1}; i >= 0; i = i - 1) far[i] = far[i + 1] ^ hop2[i];", "    end",
             f"    wire [{a}:0] step = ptr + {{{a}'d0, ({inc} && !flag_q)}};", f"    wire [{a}:0] gap = step - far;"]
    test = f"(gap == {pw}'d{1 << a})" if write else f"(gap == {pw}'d0)"
    alternate = ("\n".join(lines) + "\n"
                 + reset.process(f"ptr <= {pw}'d0;\nhop1 <= {pw}'d0;\nhop2 <= {pw}'d0;\nflag_q <= 1'b{0 if write else 1};",
                                 f"ptr <= step;\nhop1 <= {other}ptr_gray;\nhop2 <= hop1;\nflag_q <= {test};")
                 + f"    assign {me}addr = ptr[{a - 1}:0];\n    assign {me}ptr_gray = {{ptr[{a}], ptr[{a}:1] ^ ptr[{a - 1}:0]}};\n"
                 f"    assign {flag} = flag_q;\n")
    plan = [f"Keep the binary pointer and its Gray code in registers; compute the next binary pointer (add 1 when "
            f"`{inc}` is 1 and `{flag}` is 0) and the next Gray code from it, and update both at every edge.",
            f"Two {pw}-bit registers in series synchronise `{other}ptr_gray`; only the second one is used.",
            ("`full` takes whether the next Gray pointer equals the synchronised one with its top two bits inverted "
             f"(in Gray code that is a distance of exactly {1 << a})." if write else
             "`empty` takes whether the next Gray pointer equals the synchronised one (Gray codes are equal exactly "
             "when the pointers are).")]
    summary = f"is the {who} side of a {1 << a}-entry asynchronous FIFO: pointers, Gray code, synchroniser and `{flag}`."
    return top, ports, summary, behaviour, golden, alternate, plan
