"""The natural-language side of a generated item: the user's spec and a short reasoning for SFT.

Both are derived from the same `Design` fields, so the reasoning never states anything the spec
does not (the SFT target teaches reading a spec, not recalling a template).
"""
from __future__ import annotations

from .design import Design, PortDoc


def _width(port: PortDoc) -> str:
    bits = "1 bit" if port.width == 1 else f"{port.width} bits"
    return f"{bits}, signed" if port.signed else bits


def _timing(design: Design) -> list[str]:
    if design.combinational:
        return ["The module is purely combinational: there is no clock, and every output follows its inputs."]
    lines = ["All state changes on the rising edge of `clk`."]
    if design.reset is not None:
        lines.append(design.reset.sentence())
    return lines


def user_prompt(design: Design) -> str:
    """The spec a user would write: function, ports with widths, clock and reset, the module head."""
    ports = "\n".join(f"- `{p.name}` ({p.direction}, {_width(p)}): {p.text}" for p in design.ports)
    behaviour = "\n".join(f"- {line}" for line in (*design.behaviour, *_timing(design)))
    return (f"Design a Verilog module `{design.top}` that {design.summary}\n\n"
            f"Ports:\n{ports}\n\nBehaviour:\n{behaviour}\n\n"
            f"The module head should be:\n{design.header()}\n")


def reasoning(design: Design) -> str:
    """A short chain of thought: restate the task, the interface, the timing, then the plan."""
    ins = ", ".join(f"{p.name} ({_width(p)})" for p in design.ports if p.direction == "input")
    outs = ", ".join(f"{p.name} ({_width(p)})" for p in design.ports if p.direction == "output")
    kind = "combinational" if design.combinational else "sequential"
    steps = "\n".join(f"{i}. {step}" for i, step in enumerate(design.plan, 1))
    timing = " ".join(_timing(design))
    return (f"The task is a {kind} module `{design.top}` that {design.summary}\n"
            f"Inputs: {ins}. Outputs: {outs}.\n{timing}\n"
            f"Plan:\n{steps}\n"
            f"Finally I check that every output is driven, widths match the module head, "
            f"and no latch or undriven bit is left.")


def answer(design: Design) -> str:
    """The assistant turn in CodeV-R1's format."""
    return f"<think>\n{reasoning(design)}\n</think>\n<answer>\n```verilog\n{design.golden.strip()}\n```\n</answer>"
