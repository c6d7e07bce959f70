"""The cocotb test that drives one design with the checker's stimulus and records its outputs.

Run by cocotb (not imported by the checker). It follows harness.py's time grid exactly: clock j at
+j ns, sample A at +5 (clocked designs), resets and data inputs at +6, sample B at +9. The trace is
one line per sample, 4-state binary, outputs concatenated MSB first, like the golden trace the
Verilog harness writes, so golden and candidate traces compare line by line.

User stimulus: CODEV_COCOTB_USER="package.module:function" names `async def function(dut, sample)`;
it runs after the built-in rows, for the golden and every candidate alike, and calls `sample()`
wherever outputs should be compared.
"""
from __future__ import annotations

import importlib
import json
import os

import cocotb
from cocotb.triggers import Timer

MAX_CLOCK_OFFSET = 4


def _bits(handle, width: int) -> str:
    text = str(handle.value).lower().replace("u", "x").replace("w", "x").replace("l", "0").replace("h", "1")
    text = text.replace("-", "x")
    return text.rjust(width, "0")[-width:]


@cocotb.test()
async def replay(dut):
    with open(os.environ["CODEV_COCOTB_SPEC"]) as fh:
        spec = json.load(fh)
    columns, clocks, outputs = spec["columns"], spec["clocks"], spec["outputs"]
    handles = {name: getattr(dut, name) for name in columns}
    out_handles = [(getattr(dut, name), width) for name, width in outputs]
    # written as it is recorded, one flush per step: a design that differs and then hangs leaves
    # the lines that show it (the checker scores that prefix instead of calling it a timeout)
    trace = open(spec["trace"] + ".part", "w")

    def sample() -> None:
        trace.write("".join(_bits(h, w) for h, w in out_handles) + "\n")

    data = [name for name in columns if name not in clocks]
    for row in spec["rows"]:
        values = dict(zip(columns, row))
        elapsed = 0
        for j, clock in enumerate(clocks):
            offset = min(j, MAX_CLOCK_OFFSET)
            if offset > elapsed:
                await Timer(offset - elapsed, "ns")
                elapsed = offset
            handles[clock].value = values[clock]
        if clocks:
            await Timer(5 - elapsed, "ns")
            sample()
            await Timer(1, "ns")
        else:
            await Timer(6, "ns")
        for name in data:
            handles[name].value = values[name]
        await Timer(3, "ns")
        sample()
        trace.flush()
        await Timer(1, "ns")
    user = os.environ.get("CODEV_COCOTB_USER")
    if user:
        module, _, function = user.partition(":")
        await getattr(importlib.import_module(module), function)(dut, sample)
    trace.close()
    os.replace(spec["trace"] + ".part", spec["trace"])  # the whole trace exists only for a finished run
