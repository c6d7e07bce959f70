"""Self-play task types: what a task holds, the prompts both roles see, and how their answers are read.

Three types, each judged by codev's own tools:
- `spec`: a description -> a design; the solver's design is checked against the hidden golden (checker).
- `deduction`: a design and an input sequence -> the output trace; truth is the golden's simulation.
- `induction`: the port list and input/output traces -> a design reproducing them; judged by the checker
  against the hidden golden on fresh stimulus (the checker draws a new seed per check: held-back inputs).
The proposer writes the golden design (and, for `spec`, the description); the input sequences are drawn
by the checker's own stimulus builder, so a trace never depends on the proposer's arithmetic.
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from codev.llm.prompts import template
from testbench_gen import CheckOptions, Interface, prepare_golden

from ..reward import extract_answer

TASK_TYPES = ("spec", "deduction", "induction")
ROLES = ("proposer", "solver")

_SPEC_PROPOSAL = re.compile(r"^\s*<think>(?:(?!<think>|</think>)[\s\S])*</think>\s*<spec>([\s\S]*?)</spec>\s*"
                            r"<answer>(?:(?!<answer>|</answer>)[\s\S])*?```verilog\s*\n([\s\S]*?)```"
                            r"(?:(?!<answer>|</answer>)[\s\S])*</answer>\s*$")
_ANSWER_BODY = re.compile(r"^\s*<think>(?:(?!<think>|</think>)[\s\S])*</think>\s*<answer>([\s\S]*?)</answer>\s*$")
_TRACE_LINE = re.compile(r"^\s*(\d+)\s*[:|]\s*(.*?)\s*$")


@dataclass
class Trace:
    """A short simulation of a golden: input values per step and its outputs at the end of each step.

    Values are lower-case hex (1-bit ports: 0/1); an output with any unknown bit reads `x` (all-`z`: `z`).
    """
    inputs: list[str]                  # stimulus columns (clocks and resets included), in row order
    outputs: list[str]                 # compared ports, in trace order
    rows: list[list[str]]              # per step: input values
    values: list[list[str]]            # per step: output values
    seed: int = 0

    def table(self, with_outputs: bool = True) -> str:
        head = "step | " + " ".join(self.inputs) + (" | " + " ".join(self.outputs) if with_outputs else "")
        lines = [head]
        for n, (ins, outs) in enumerate(zip(self.rows, self.values)):
            lines.append(f"{n} | " + " ".join(ins) + (" | " + " ".join(outs) if with_outputs else ""))
        return "\n".join(lines)


@dataclass
class Task:
    """One verified self-play task (a row of the task buffer)."""
    id: str
    type: str                          # one of TASK_TYPES
    origin: str                        # "seed" (generator item) or "proposed"
    golden: str
    interface: str                     # testbench_gen Interface as JSON
    spec: str = ""                     # spec tasks: the description (the module head is added to the prompt)
    trace: dict[str, Any] | None = None  # deduction / induction: a Trace as a dict
    round: int = -1                    # round it was proposed in (-1: seed)
    solve_rate: float | None = None    # solver's rate when it was proposed (None: seed or not judged)
    source: str = ""                   # generator/<family> or selfplay/<type>
    level: int = 0
    user_prompt: str = ""              # spec tasks from generator items: the item's own prompt, used verbatim

    def to_row(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Task":
        return cls(**{k: row[k] for k in cls.__dataclass_fields__ if k in row})

    @property
    def iface(self) -> Interface:
        return Interface.from_json(json.loads(self.interface))

    def trace_obj(self) -> Trace:
        if self.trace is None:
            raise ValueError(f"task {self.id} ({self.type}) has no trace")
        return Trace(**copy.deepcopy(self.trace))


@dataclass(frozen=True)
class Proposal:
    """What a proposer completion says: a golden and, for spec tasks, a description (None when unreadable)."""
    type: str
    golden: str | None
    spec: str = ""
    problem: str = ""                  # why it could not be read (funnel reason `parse`)


# ---------------------------------------------------------------- traces

def render_value(bits: str) -> str:
    if set(bits) <= {"0", "1"}:
        return format(int(bits, 2), "x")
    if set(bits) == {"z"}:
        return "z"
    return "x"


def trace_options(cycles: int, seed: int) -> CheckOptions:
    """A short stimulus: one segment from reset, no long run, no jitter (the shown trace is exactly this)."""
    return CheckOptions(cycles=cycles, seeds=1, seed=seed, long_cycles=0, horizon_jitter=0.0)


def record_trace(golden: str, cycles: int, seed: int, top: str | None = None) -> Trace:
    """The golden's outputs under the checker's stimulus of `cycles` cycles (raises InvalidGolden)."""
    from dataclasses import replace

    run = prepare_golden(golden, replace(trace_options(cycles, seed), top=top))
    iface, stim = run.interface, run.stimulus
    outputs = [p for p in iface.ports if p.direction != "input"]
    last = run.plan.per_step - 1  # the sample at the end of each step
    values = []
    for step in range(run.plan.steps):
        line, pos, row = run.expected[step * run.plan.per_step + last], 0, []
        for port in outputs:
            row.append(render_value(line[pos:pos + port.width]))
            pos += port.width
        values.append(row)
    rows = [[format(v, "x") for v in r] for r in stim.rows]
    return Trace(list(stim.columns), [p.name for p in outputs], rows, values, seed)


# ---------------------------------------------------------------- prompts

def module_head(iface: Interface) -> str:
    def decl(p) -> str:
        kind = {"input": "input", "output": "output", "inout": "inout"}[p.direction]
        signed = " signed" if p.signed else ""
        width = f" [{p.width - 1}:0]" if p.width > 1 else ""
        return f"    {kind}{signed}{width} {p.name}"
    return f"module {iface.top}(\n" + ",\n".join(decl(p) for p in iface.ports) + "\n);"


def _ports(iface: Interface) -> str:
    return "\n".join(f"- `{p.name}` ({p.direction}, {p.width} bit{'s' if p.width > 1 else ''})" for p in iface.ports)


def _timing(iface: Interface) -> str:
    if not iface.clocks:
        return "Each step applies new input values; outputs are read at the end of the step."
    clocks = ", ".join(c.name for c in iface.clocks)
    return (f"Each step is half a clock period: `{clocks}` alternates 0/1 from step to step; outputs are read "
            "at the end of each step.")


def solver_prompt(task: Task) -> list[dict[str, str]]:
    system = {"role": "system", "content": template("codev_r1_system")}
    iface = task.iface
    if task.type == "spec" and task.user_prompt:
        user = task.user_prompt  # the prompt the policy met in SFT, so the solver starts in distribution
    elif task.type == "spec":
        user = (f"Design a Verilog module `{iface.top}` as described below.\n\n{task.spec.strip()}\n\n"
                f"Ports:\n{_ports(iface)}\n\nThe module head should be:\n{module_head(iface)}\n")
    elif task.type == "deduction":
        trace = task.trace_obj()
        user = (f"Here is a Verilog module:\n```verilog\n{task.golden.strip()}\n```\n"
                f"{_timing(iface)} The inputs, one row per step:\n{trace.table(with_outputs=False)}\n\n"
                f"Predict its outputs ({' '.join(trace.outputs)}, hex, `x` when unknown) at the end of every step. "
                "Think first, then inside <answer> </answer> write one line per step: `STEP: "
                + " ".join(o.upper() for o in trace.outputs) + "`.\n")
    elif task.type == "induction":
        trace = task.trace_obj()
        user = (f"Write a Verilog module with this head:\n{module_head(iface)}\n\n"
                f"It must reproduce these input/output traces (hex values, `x` unknown). {_timing(iface)}\n"
                f"{trace.table()}\n\nIt will be checked against a hidden reference on other input sequences.\n")
    else:
        raise ValueError(f"unknown task type {task.type!r}")
    return [system, {"role": "user", "content": user}]


def proposer_prompt(task_type: str, references: list[Task]) -> list[dict[str, str]]:
    """Ask for a new task of `task_type`, showing `references` from the buffer (Absolute Zero's conditioning)."""
    system = {"role": "system", "content": template("codev_r1_system")}
    shown = []
    for n, ref in enumerate(references, 1):
        body = f"Description:\n{ref.spec.strip()}\n" if task_type == "spec" and ref.spec else ""
        shown.append(f"Example {n}:\n{body}```verilog\n{ref.golden.strip()}\n```")
    examples = ("\n\n".join(shown) + "\n\n") if shown else ""
    goal = {
        "spec": "a design task: a description a designer can implement, and its reference design",
        "deduction": "a design whose output trace a reader has to work out by hand",
        "induction": "a design whose function a reader has to infer from input/output traces",
    }[task_type]
    if task_type == "spec":
        how = ("Think first, then write the description (behaviour, ports, clock and reset; no code) inside "
               "<spec> </spec>, then the reference design inside <answer> ```verilog ... ``` </answer>.")
    else:
        how = "Think first, then write the design inside <answer> ```verilog ... ``` </answer>."
    user = (f"Propose {goal}. It must be new: different in function from these examples, neither trivial (a "
            f"constant or a wire) nor unsolvable.\n\n{examples}{how}\n")
    return [system, {"role": "user", "content": user}]


# ---------------------------------------------------------------- reading answers

def parse_proposal(task_type: str, text: str) -> Proposal:
    if task_type == "spec":
        match = _SPEC_PROPOSAL.match(text)
        if not match:
            return Proposal(task_type, None, problem="no <think>, <spec> and <answer> with a ```verilog block")
        spec, golden = match.group(1).strip(), match.group(2)
        if not spec:
            return Proposal(task_type, None, problem="empty <spec>")
        return Proposal(task_type, golden, spec)
    golden = extract_answer(text)
    if golden is None:
        return Proposal(task_type, None, problem="no <think> then <answer> with a ```verilog block")
    return Proposal(task_type, golden)


def parse_trace_answer(text: str, steps: int, outputs: int) -> list[list[str]] | None:
    """The predicted outputs per step from a deduction answer, or None when the format is wrong."""
    match = _ANSWER_BODY.match(text)
    if not match:
        return None
    found: dict[int, list[str]] = {}
    for line in match.group(1).replace("```", "\n").splitlines():
        m = _TRACE_LINE.match(line)
        if not m:
            continue
        values = [v.lower().removeprefix("0x").lstrip("0") or "0" if v.lower() not in ("x", "z") else v.lower()
                  for v in re.split(r"[\s,|]+", m.group(2)) if v]
        found.setdefault(int(m.group(1)), values)
    if sorted(found) != list(range(steps)) or any(len(v) != outputs for v in found.values()):
        return None
    return [found[n] for n in range(steps)]


def trace_matches(predicted: list[list[str]], truth: list[list[str]]) -> bool:
    def norm(v: str) -> str:
        return v if v in ("x", "z") else (v.lstrip("0") or "0")
    return all([norm(a) for a in p] == [norm(b) for b in t] for p, t in zip(predicted, truth)) and \
        len(predicted) == len(truth)


def trace_answer(trace: Trace) -> str:
    """The correct deduction answer (tests; seeds' SFT rendering)."""
    lines = "\n".join(f"{n}: " + " ".join(v) for n, v in enumerate(trace.values))
    return f"<think>Simulate step by step.</think>\n<answer>\n{lines}\n</answer>"


__all__ = ["TASK_TYPES", "ROLES", "Trace", "Task", "Proposal", "record_trace", "trace_options", "module_head",
           "solver_prompt", "proposer_prompt", "parse_proposal", "parse_trace_answer", "trace_matches",
           "trace_answer", "render_value"]
