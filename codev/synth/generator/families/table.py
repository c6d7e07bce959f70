"""A second rendering for any small controller: its state graph enumerated from a Python model of the spec.

Why: a word-problem FSM's golden is written the way a designer would (a mode register, a timer, a
flag), and its natural second rendering would be the same code again. Here the spec is modelled once
more, in Python (`step` and `outputs` over hashable states), the reachable states are enumerated from
the reset state over every value of the conditions the controller reads, and the result is written
out as a flat state table: one binary state code per reachable state, a case per state and input
value. Nothing of the golden's structure (its timers, its flags) survives, so agreement is evidence
about behaviour, not about a template.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from ..design import ResetStyle, clog2

MAX_STATES = 512


def enumerate_states(init: Hashable, step: Callable[[Hashable, tuple[int, ...]], Hashable],
                     conditions: int) -> tuple[list[Hashable], dict[tuple[int, int], int]]:
    """Reachable states in discovery order (the reset state first) and the transition map by index."""
    index, order, edges = {init: 0}, [init], {}
    at = 0
    while at < len(order):  # `order` grows while it is walked: a breadth-first search
        for value in range(1 << conditions):
            bits = tuple((value >> (conditions - 1 - i)) & 1 for i in range(conditions))
            target = step(order[at], bits)
            if target not in index:
                if len(order) >= MAX_STATES:
                    raise ValueError(f"state graph larger than {MAX_STATES} states")
                index[target] = len(order)
                order.append(target)
            edges[at, value] = index[target]
        at += 1
    return order, edges


def table_rendering(init: Hashable, step: Callable[[Hashable, tuple[int, ...]], Hashable],
                    conditions: Sequence[str], outputs: Sequence[tuple[str, int, Callable[[Hashable], int]]],
                    reset: ResetStyle) -> str:
    """Module body: state register, next-state table over `{conditions}` and the outputs decoded from the
    state (outputs depend on the state only). `conditions` are Verilog expressions, first one most
    significant; `outputs` are (port, width, value of the state)."""
    k = len(conditions)
    order, edges = enumerate_states(init, step, k)
    sw = clog2(len(order))
    lines = [f"    reg [{sw - 1}:0] st, nx;  // {len(order)} reachable states, enumerated from the spec",
             "    always @* begin", "        case (st)"]
    key = "{" + ", ".join(conditions) + "}" if k > 1 else (conditions[0] if k else "")
    for s in range(len(order)):
        targets = [edges[s, v] for v in range(1 << k)]
        if len(set(targets)) == 1:
            lines.append(f"            {sw}'d{s}: nx = {sw}'d{targets[0]};")
            continue
        lines.append(f"            {sw}'d{s}: case ({key})")
        lines += [f"                {k}'d{v}: nx = {sw}'d{t};" for v, t in enumerate(targets)]
        lines.append("            endcase")
    lines += [f"            default: nx = {{{sw}{{1'bx}}}};", "        endcase", "    end"]
    for name, width, value in outputs:
        lines += [f"    reg [{width - 1}:0] {name}_r;", "    always @* begin", "        case (st)"]
        lines += [f"            {sw}'d{s}: {name}_r = {width}'d{value(state)};" for s, state in enumerate(order)]
        lines += [f"            default: {name}_r = {{{width}{{1'bx}}}};", "        endcase", "    end",
                  f"    assign {name} = {name}_r;"]
    return "\n".join(lines) + "\n" + reset.process(f"st <= {sw}'d0;", "st <= nx;")
