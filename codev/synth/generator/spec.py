"""The natural-language side of a generated item: the user's spec and a reasoning for SFT.

Both are derived from the same `Design` fields, so the reasoning never states anything the spec
does not (the SFT target teaches reading a spec, not recalling a template). The reasoning comes in
several styles and works through a concrete case simulated on the golden (`trace.py`).
"""
from __future__ import annotations

from .design import Design, PortDoc
from .trace import Case


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


PROMPT_STYLES = ("codev", "verilogeval", "rtllm")


def user_prompt(design: Design, style: str = PROMPT_STYLES[0]) -> str:
    """The spec a user would write, in one of three house styles: codev's (ports as a list, behaviour as
    bullets, the module head), one laid out as VerilogEval v2's specs are (an interface list, then prose),
    and one laid out as RTLLM's design descriptions are (module name, port sections, implementation). The
    layouts are the benchmarks'; every sentence is the design's own."""
    if style == "verilogeval":
        return _verilogeval(design)
    if style == "rtllm":
        return _rtllm(design)
    return _codev(design)


def _verilogeval(design: Design) -> str:
    def line(p: PortDoc) -> str:
        width = f" ({p.width} bits{', signed' if p.signed else ''})" if p.width > 1 else ""
        return f" - {p.direction:6} {p.name}{width}"
    ports = "\n".join(line(p) for p in design.ports)
    notes = "\n".join(f" - {p.name}: {p.text}" for p in design.ports)
    text = "\n\n".join((*design.behaviour, *_timing(design)))
    return (f"Implement a module named {design.top} with the interface below. Ports are one bit wide unless a "
            f"width is given.\n\n{ports}\n\nThe module {design.summary} The ports carry:\n{notes}\n\n{text}\n")


def _rtllm(design: Design) -> str:
    def section(direction: str) -> str:
        return "\n".join(f"    {p.name}{f' [{p.width - 1}:0]' if p.width > 1 else ''}: {p.text}"
                         for p in design.ports if p.direction == direction)
    steps = "\n".join(f"    {line}" for line in (*design.behaviour, *_timing(design)))
    return (f"You are an experienced Verilog designer. Write the module described below.\n\n"
            f"The module {design.summary}\n\nModule name:\n    {design.top}\nInput ports:\n{section('input')}\n"
            f"Output ports:\n{section('output')}\n\nImplementation:\n{steps}\n\nGive the complete Verilog code.\n")


def _codev(design: Design) -> str:
    ports = "\n".join(f"- `{p.name}` ({p.direction}, {_width(p)}): {p.text}" for p in design.ports)
    behaviour = "\n".join(f"- {line}" for line in (*design.behaviour, *_timing(design)))
    return (f"Design a Verilog module `{design.top}` that {design.summary}\n\n"
            f"Ports:\n{ports}\n\nBehaviour:\n{behaviour}\n\n"
            f"The module head should be:\n{design.header()}\n")


def _number(value: int, width: int) -> str:
    return str(value) if width <= 4 else f"{value} (0x{value:x})"


def _assignments(values: dict[str, int], widths: dict[str, int]) -> str:
    return ", ".join(f"{name} = {_number(v, widths[name])}" for name, v in values.items())


def worked_case(design: Design, case: Case) -> str:
    """The case in words: every number is the golden's simulated output, and the focus output's meaning
    is quoted from the port table, so nothing here can disagree with the spec."""
    widths = {p.name: p.width for p in design.ports}
    meaning = next(p.text for p in design.ports if p.name == case.focus)
    if design.combinational:
        row = case.rows[0]
        text = (f"Take {_assignments(row.inputs, widths) or 'the inputs'}: the design must give "
                f"{_assignments(row.outputs, widths)}.")
        if case.event == "set":
            text += f" Here `{case.focus}` is 1, as it should be: it means \"{meaning}\"."
        return text
    lines = []
    for row in case.rows:
        lines.append(f"- cycle {row.step + 1}: inputs {_assignments(row.inputs, widths) or '(none but the clock)'}; "
                     f"outputs {_assignments(row.outputs, widths)}")
    if case.event == "set":
        what = f"`{case.focus}` becomes 1 in the last of them (it means \"{meaning}\")"
    elif case.event == "holds":
        what = f"`{case.focus}` ({meaning}) keeps its value through all of them"
    else:
        what = f"`{case.focus}` changes between them ({meaning})"
    return ("Some consecutive clock cycles of a run that starts from reset (cycle 1 is the first after reset is "
            "released), each line giving the inputs during the cycle and the outputs seen before its rising edge:\n"
            + "\n".join(lines) + f"\n{what}, so the state update "
            "has to produce exactly this sequence.")


STYLES = ("plan_first", "example_first", "questions")


def _interface(design: Design) -> tuple[str, str]:
    ins = ", ".join(f"{p.name} ({_width(p)})" for p in design.ports if p.direction == "input")
    outs = ", ".join(f"{p.name} ({_width(p)})" for p in design.ports if p.direction == "output")
    return ins, outs


def _final_check(design: Design) -> str:
    if design.combinational:
        return ("Last, I check that every output is assigned on every path (no latch), and that the widths "
                "match the module head.")
    return ("Last, I check that the state changes only at the rising edge of `clk` (or at reset), that the "
            "reset values are the ones asked for, and that the widths match the module head.")


def reasoning(design: Design, case: Case | None = None, style: str = STYLES[0]) -> str:
    """A chain of thought built only from the design's own fields (what it has, never what a family
    sometimes has), in one of several styles, working through `case` when one was simulated."""
    ins, outs = _interface(design)
    kind = "combinational" if design.combinational else "sequential"
    steps = "\n".join(f"{i}. {step}" for i, step in enumerate(design.plan, 1))
    timing = " ".join(_timing(design))
    example = worked_case(design, case) if case else ""
    if style == "example_first":
        parts = [f"I need a {kind} module `{design.top}` that {design.summary}"]
        if example:
            parts.append("Before writing code, I pin the behaviour down on a concrete case. " + example)
        parts += [f"The ports are the inputs {ins} and the outputs {outs}. {timing}",
                  f"To get that behaviour:\n{steps}", _final_check(design)]
    elif style == "questions":
        parts = [f"What is asked? A {kind} module `{design.top}` that {design.summary}",
                 f"Which ports? Inputs: {ins}. Outputs: {outs}.",
                 f"When does it act? {timing}",
                 f"How do I build it?\n{steps}"]
        if example:
            parts.append(f"Does a concrete case come out right? {example}")
        parts.append(_final_check(design))
    else:
        parts = [f"The task is a {kind} module `{design.top}` that {design.summary}",
                 f"Inputs: {ins}. Outputs: {outs}.\n{timing}", f"Plan:\n{steps}"]
        if example:
            parts.append("Let me check the plan on one case. " + example)
        parts.append(_final_check(design))
    return "\n\n".join(parts)


def answer(design: Design, case: Case | None = None, style: str = STYLES[0]) -> str:
    """The assistant turn in CodeV-R1's format."""
    return (f"<think>\n{reasoning(design, case, style)}\n</think>\n<answer>\n```verilog\n"
            f"{design.golden.strip()}\n```\n</answer>")
