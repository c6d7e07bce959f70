"""Register files and small RAMs: synchronous write, one or two read ports (combinational or registered).

Golden: an array of registers cleared by reset, written in the clocked process. Second rendering: one
flat vector holding every word, written and read through indexed part selects.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, ResetStyle, clog2, module

WORDS = {1: [4], 2: [4, 8], 3: [8, 6], 4: [16, 12], 5: [32, 24]}
WIDTHS = {1: [4], 2: [8], 3: [8, 16], 4: [16, 32], 5: [32]}


class RegisterFile:
    name = "regfile"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        return {"words": rng.choice(WORDS[level]), "width": rng.choice(WIDTHS[level]),
                "read_ports": 1 if level == 1 else rng.choice([1, 2]),
                "sync_read": level >= 3 and rng.random() < 0.4,
                "zero_reg": level >= 4 and rng.random() < 0.5, **ResetStyle.sample(rng, level).as_params()}

    def build(self, params: dict[str, Any], level: int) -> Design:
        n, w, ports_n, sync, zero = (params["words"], params["width"], params["read_ports"], params["sync_read"],
                                     params["zero_reg"])
        reset = ResetStyle.from_params(params)
        aw = clog2(n)
        kind = "ram" if sync else "regfile"
        top = f"{kind}_{n}x{w}_{ports_n}r" + ("_z" if zero else "")
        reads = [""] if ports_n == 1 else ["1", "2"]
        ports = reset.ports() + [PortDoc("we", "input", 1, "write enable"),
                                 PortDoc("waddr", "input", aw, "write address"),
                                 PortDoc("wdata", "input", w, "data to write")]
        for r in reads:
            ports.append(PortDoc(f"raddr{r}", "input", aw, f"read address{' of port ' + r if r else ''}"))
        for r in reads:
            ports.append(PortDoc(f"rdata{r}", "output", w, f"data read{' on port ' + r if r else ''}"))
        behaviour = [f"The memory holds {n} words of {w} bits, at addresses 0 to {n - 1}.",
                     "At a rising edge with `we` = 1, `wdata` is written to the word at `waddr`"
                     + (" (address 0 is a constant zero register: writes to it are ignored)." if zero else ".")]
        if n < 1 << aw:
            behaviour.append(f"Addresses {n} and above do not exist: writing there changes nothing and reading "
                             "there gives 0.")
        if sync:
            behaviour.append("Reads are synchronous: at each rising edge, each read port's output register takes the "
                             "word at its address as it was before that edge (a write at the same edge is not seen).")
        else:
            behaviour.append("Reads are combinational: each read data output shows the word at its address at once "
                             "(a word written at an edge is seen right after that edge).")
        behaviour.append("Reset clears every word" + (" and every read data output." if sync else "."))
        golden = _array(n, w, aw, reads, sync, zero, reset)
        alternate = _flat(n, w, aw, reads, sync, zero, reset)
        plan = [f"An array of {n} registers of {w} bits, cleared by reset in a loop; the write happens in the "
                "clocked process" + (", except to address 0." if zero else "."),
                ("Each read port is a register loaded from the array at the clock edge." if sync else
                 "Each read port is a continuous assignment from the array.")
                + (f" Out-of-range addresses (>= {n}) read as 0." if n < 1 << aw else "")]
        return Design(self.name, level, dict(params), top, tuple(ports),
                      f"implements a {n}-word by {w}-bit {'RAM with synchronous reads' if sync else 'register file'} "
                      f"with {ports_n} read port{'s' if ports_n > 1 else ''} and one write port.",
                      tuple(behaviour), module(top, ports, golden), module(top, ports, alternate), tuple(plan), False,
                      reset)


def _write_guard(n: int, aw: int, zero: bool) -> str:
    guards = ["we"] + ([f"waddr < {aw}'d{n}"] if n < 1 << aw else []) + ([f"waddr != {aw}'d0"] if zero else [])
    return " && ".join(guards)


def _array(n, w, aw, reads, sync, zero, reset) -> str:
    lines = [f"    reg [{w - 1}:0] mem [0:{n - 1}];", "    integer i;"]
    valid = (lambda r: f"(raddr{r} < {aw}'d{n}) ? mem[raddr{r}] : {w}'d0") if n < 1 << aw else (lambda r: f"mem[raddr{r}]")
    if sync:
        lines += [f"    reg [{w - 1}:0] q{r};" for r in reads]
    clear = f"for (i = 0; i < {n}; i = i + 1) mem[i] <= {w}'d0;" + "".join(f"\nq{r} <= {w}'d0;" for r in reads if sync)
    body = f"if ({_write_guard(n, aw, zero)}) mem[waddr] <= wdata;" + "".join(
        f"\nq{r} <= {valid(r)};" for r in reads if sync)
    out = "".join(f"    assign rdata{r} = {f'q{r}' if sync else valid(r)};\n" for r in reads)
    return "\n".join(lines) + "\n" + reset.process(clear, body) + out


def _flat(n, w, aw, reads, sync, zero, reset) -> str:
    lines = [f"    reg [{n * w - 1}:0] flat;  // word k is flat[k*{w} +: {w}]"]
    pick = (lambda r: f"((raddr{r} >= {aw}'d{n}) ? {w}'d0 : flat[raddr{r} * {w} +: {w}])") if n < 1 << aw else \
        (lambda r: f"flat[raddr{r} * {w} +: {w}]")
    if sync:
        lines += [f"    reg [{w - 1}:0] hold{r};" for r in reads]
    clear = f"flat <= {n * w}'d0;" + "".join(f"\nhold{r} <= {w}'d0;" for r in reads if sync)
    body = f"if ({_write_guard(n, aw, zero)}) flat[waddr * {w} +: {w}] <= wdata;" + "".join(
        f"\nhold{r} <= {pick(r)};" for r in reads if sync)
    out = "".join(f"    assign rdata{r} = {f'hold{r}' if sync else pick(r)};\n" for r in reads)
    return "\n".join(lines) + "\n" + reset.process(clear, body) + out
