"""A concrete case for the SFT reasoning, read off a short simulation of the golden.

Why simulate rather than compute in Python: the numbers the reasoning quotes are then what the golden
does, not what a second model of the family believes it does (a wrong worked example would teach the
wrong thing as surely as wrong code). The stimulus is a reset, then random inputs with request-like
1-bit inputs biased (enables mostly on, loads rarely), plus corner operands for combinational designs
(all ones, the top bit alone), so carries, overflows and full flags appear. The case chosen is the first
time the rarest 1-bit output is 1 (a carry, `full`, `detected`), else a row where an output changes.
"""
from __future__ import annotations

import random
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .design import Design, PortDoc

STEPS = 48  # combinational vectors, or clock cycles after reset
MAX_STEPS = 1024  # a design that needs a long run to reach its events (`min_cycles`) gets up to this many
RARE = ("load", "clear", "sub")  # 1-bit inputs that are on one time in six
OFTEN = ("en", "in_valid", "wr_en", "up", "shift_en")  # on five times in six


class TraceUnavailable(Exception):
    """The golden could not be simulated here (no Icarus, or it did not run)."""


@dataclass(frozen=True)
class Row:
    """One vector (combinational) or one clock cycle (sequential): inputs applied, outputs seen."""
    step: int
    inputs: dict[str, int]
    outputs: dict[str, int]


@dataclass(frozen=True)
class Case:
    """The rows the reasoning walks through, and the output they show."""
    rows: tuple[Row, ...]
    focus: str  # the output the case is about
    event: str  # "set" (a 1-bit output becomes 1), "changes", "holds" (nothing changed in the whole run)


def _data_inputs(design: Design) -> list[PortDoc]:
    skip = {"clk"} | ({design.reset.name} if design.reset else set())
    return [p for p in design.ports if p.direction == "input" and p.name not in skip]


def _value(port: PortDoc, rng: random.Random) -> int:
    if port.width == 1:
        share = 1 / 6 if port.name in RARE else 5 / 6 if port.name in OFTEN else 0.5
        return int(rng.random() < share)
    return rng.randrange(1 << port.width)


def stimulus(design: Design, seed: int) -> list[dict[str, int]]:
    rng = random.Random(seed)
    ports = _data_inputs(design)
    steps = STEPS if design.combinational else max(STEPS, min(design.min_cycles // 4, MAX_STEPS))
    rows = [{p.name: _value(p, rng) for p in ports} for _ in range(steps)]
    if design.combinational:
        corners = [{p.name: (1 << p.width) - 1 for p in ports}, {p.name: 1 << (p.width - 1) for p in ports}]
        rows = rows + corners  # random vectors first: a corner shows a flag only when nothing else does
    return rows


def _testbench(design: Design, rows: list[dict[str, int]]) -> str:
    ins, outs = _data_inputs(design), [p for p in design.ports if p.direction == "output"]
    decl = [f"    reg [{p.width - 1}:0] {p.name};" for p in ins]
    decl += [f"    wire [{p.width - 1}:0] {p.name};" for p in outs]
    conns = ", ".join(f".{p.name}({p.name})" for p in design.ports)
    show = "$display(\"ROW %0d" + " %0d" * len(outs) + "\", i" + "".join(f", {p.name}" for p in outs) + ");"
    body = []
    if design.combinational:
        for i, row in enumerate(rows):
            sets = " ".join(f"{k} = {v};" for k, v in row.items())
            body.append(f"        i = {i}; {sets} #1; {show}")
    else:
        reset = design.reset
        on, off = ("1", "0") if reset.active_high else ("0", "1")
        zero = " ".join(f"{p.name} = 0;" for p in ins)
        body.append(f"        clk = 0; {reset.name} = {on}; {zero} #1; clk = 1; #1; clk = 0; #1; {reset.name} = {off}; #1;")
        for i, row in enumerate(rows):
            sets = " ".join(f"{k} = {v};" for k, v in row.items())
            body.append(f"        i = {i}; {sets} #1; {show} clk = 1; #1; clk = 0; #1;")
    clock = "" if design.combinational else f"    reg clk, {design.reset.name};\n"
    return (f"`timescale 1ns/1ps\nmodule codev_trace_tb;\n{clock}" + "\n".join(decl) + "\n    integer i;\n"
            f"    {design.top} dut({conns});\n    initial begin\n" + "\n".join(body) + "\n        $finish;\n    end\nendmodule\n")


def simulate(design: Design, rows: list[dict[str, int]], timeout_s: float = 30.0) -> list[Row]:
    """The golden's outputs for each row (for a sequential design: before the rising edge that ends the
    cycle, so a registered output shows the state the earlier edges made)."""
    outs = [p.name for p in design.ports if p.direction == "output"]
    with tempfile.TemporaryDirectory(prefix="codev-trace-") as work:
        tb, dut, exe = Path(work) / "tb.v", Path(work) / "dut.v", Path(work) / "sim.vvp"
        tb.write_text(_testbench(design, rows))
        dut.write_text(design.golden)
        try:
            subprocess.run(["iverilog", "-g2012", "-o", str(exe), str(tb), str(dut)], check=True,
                           capture_output=True, timeout=timeout_s)
            run = subprocess.run(["vvp", "-n", str(exe)], check=True, capture_output=True, text=True,
                                 timeout=timeout_s)
        except (OSError, subprocess.SubprocessError) as exc:
            raise TraceUnavailable(f"simulating {design.top}: {exc}") from None
    found = []
    for line in run.stdout.splitlines():
        parts = line.split()
        if parts[:1] != ["ROW"] or "x" in line or "z" in line:
            continue
        step = int(parts[1])
        found.append(Row(step, rows[step], dict(zip(outs, map(int, parts[2:])))))
    return found


def pick_case(design: Design, rows: list[Row], span: int = 3) -> Case | None:
    """The first time the rarest 1-bit output is 1 (with up to `span` - 1 rows before it when sequential),
    else the first row where some output changes, else the first rows, told as an output that holds."""
    if not rows:
        return None
    flags = [p.name for p in design.ports if p.direction == "output" and p.width == 1]
    counts = {f: sum(r.outputs.get(f, 0) for r in rows) for f in flags}
    live = sorted((n, f) for f, n in counts.items() if 0 < n < len(rows))
    before = 0 if design.combinational else span - 1
    if live:
        rises = {f: next((i for i in range(1, len(rows)) if rows[i].outputs[f] and not rows[i - 1].outputs[f]), None)
                 for _, f in live}
        if design.combinational:
            focus = live[0][1]
            at = next(i for i, r in enumerate(rows) if r.outputs[focus])
            return Case((rows[at],), focus, "set")
        risen = [f for _, f in live if rises[f] is not None]
        if risen:
            at = rises[risen[0]]
            return Case(tuple(rows[max(0, at - before):at + 1]), risen[0], "set")
    outs = [p.name for p in design.ports if p.direction == "output"]
    for i in range(1, len(rows)):
        changed = [o for o in outs if rows[i].outputs[o] != rows[i - 1].outputs[o]]
        if changed and (design.combinational or i >= before):
            return Case(tuple(rows[max(0, i - before):i + 1]), changed[0], "changes")
    if design.combinational:
        return Case((rows[0],), outs[0], "changes")  # told as a plain input/output pair
    return Case(tuple(rows[:span]), outs[0], "holds")  # nothing changed in the run: say so, claim no change


def concrete_case(design: Design, seed: int) -> Case | None:
    return pick_case(design, simulate(design, stimulus(design, seed)))
