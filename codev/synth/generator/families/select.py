"""N-to-1 multiplexers with a binary select, optional enable, and zero for unused select codes.

Golden: a case statement in a combinational process. Second rendering: an AND-OR network of
select decodes, one term per data input.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, clog2, module

INPUTS = {1: [2], 2: [4], 3: [3, 5, 6], 4: [5, 6, 7, 8], 5: [9, 10, 12, 16]}
WIDTHS = {1: [1, 4], 2: [4, 8], 3: [8, 16], 4: [8, 16, 32], 5: [16, 32]}


class Mux:
    name = "mux"
    combinational = True

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        return {"inputs": rng.choice(INPUTS[level]), "width": rng.choice(WIDTHS[level]),
                "enable": level >= 3 and rng.random() < 0.5}

    def build(self, params: dict[str, Any], level: int) -> Design:
        n, w, en = params["inputs"], params["width"], params["enable"]
        sw = clog2(n)
        top = f"mux{n}to1_{w}bit" + ("_en" if en else "")
        ports = [PortDoc(f"d{i}", "input", w, f"data input {i}") for i in range(n)]
        ports.append(PortDoc("sel", "input", sw, "binary select: which data input drives `y`"))
        if en:
            ports.append(PortDoc("en", "input", 1, "enable: when 0, `y` is 0"))
        ports.append(PortDoc("y", "output", w, "the selected data input"))
        behaviour = ["`y` equals `d<sel>` (so `sel` = 0 selects `d0`)."]
        if n < 1 << sw:
            behaviour.append(f"Select values {n} and above select nothing: `y` is 0.")
        if en:
            behaviour.append("When `en` is 0, `y` is 0 whatever `sel` is.")
        cases = "".join(f"            {sw}'d{i}: y_r = d{i};\n" for i in range(n))
        default = "" if n == 1 << sw else f"            default: y_r = {w}'d0;\n"
        head = f"        if (!en) y_r = {w}'d0;\n        else\n" if en else ""
        golden = (f"    reg [{w - 1}:0] y_r;\n    always @* begin\n{head}"
                  f"        case (sel)\n{cases}{default}        endcase\n    end\n    assign y = y_r;\n")
        gate = "en & " if en else ""
        terms = " |\n               ".join(f"({{{w}{{{gate}(sel == {sw}'d{i})}}}} & d{i})" for i in range(n))
        alternate = f"    assign y = {terms};\n"
        summary = f"selects one of {n} {w}-bit inputs."
        plan = ["Use a combinational always block in which every path assigns `y`"
                + (" (a default arm for the unused select codes), so no latch is inferred." if n < 1 << sw else
                   " (the case arms cover every select code), so no latch is inferred."),
                "A case statement on `sel` picks the data input" + ("; `en` = 0 forces zero." if en else ".")]
        return Design(self.name, level, dict(params), top, tuple(ports), summary, tuple(behaviour),
                      module(top, ports, golden), module(top, ports, alternate), tuple(plan), True)
