"""Sequential multipliers and dividers: a start strobe, a fixed number of cycles of work, a done pulse.

The knobs change the machine, not only its widths: radix (1, 2 or 4 bits retired per cycle, so the
latency is width / radix cycles), signed multiplication (magnitudes multiplied, sign fixed at the end),
and unsigned division with the divide-by-zero result spelled out.

Golden: the textbook datapath (shift-and-add over the multiplier's bits; restoring division shifting in
one dividend bit a step), `radix` steps unrolled per cycle. Second rendering: no datapath at all; the
operands are held, an up counter waits the same number of cycles, and the result is the `*`, `/` and
`%` operators applied at the last one.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, ResetStyle, clog2, module

WIDTHS = {1: [4], 2: [6, 8], 3: [8], 4: [8, 12, 16], 5: [16, 24, 32]}
RADIX = {1: [1], 2: [1], 3: [1, 2], 4: [1, 2], 5: [2, 4]}


class SeqMulDiv:
    name = "seq_muldiv"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        op = rng.choice(["mul", "div"])
        w = rng.choice(WIDTHS[level])
        radix = rng.choice([r for r in RADIX[level] if w % r == 0])
        return {"op": op, "width": w, "radix": radix, "signed": op == "mul" and level >= 3 and rng.random() < 0.5,
                **ResetStyle.sample(rng, level).as_params()}

    def build(self, params: dict[str, Any], level: int) -> Design:
        op, w, r, signed = params["op"], params["width"], params["radix"], params["signed"]
        reset = ResetStyle.from_params(params)
        cycles = w // r
        kind = "signed (two's complement)" if signed else "unsigned"
        if op == "mul":
            top = f"seq_{'s' if signed else 'u'}mul_{w}bit_r{r}"
            results = [PortDoc("product", "output", 2 * w, f"the {2 * w}-bit product of the last operation, {kind}", signed)]
            what = f"multiplies two {w}-bit {kind} numbers"
            result_text = f"`product` is the exact {2 * w}-bit product a * b as {kind} numbers."
        else:
            top = f"seq_udiv_{w}bit_r{r}"
            results = [PortDoc("quotient", "output", w, "quotient of the last division, rounded down"),
                       PortDoc("remainder", "output", w, "remainder of the last division")]
            what = f"divides two {w}-bit unsigned numbers"
            result_text = (f"`quotient` = a / b rounded down and `remainder` = a - quotient * b; dividing by zero "
                           f"gives quotient {(1 << w) - 1} (all ones) and remainder a.")
        ports = reset.ports() + [PortDoc("start", "input", 1, "begin an operation on `a` and `b` (ignored while busy)"),
                                 PortDoc("a", "input", w, "first operand (" + ("multiplicand" if op == "mul" else "dividend")
                                         + f", {kind if op == 'mul' else 'unsigned'})", signed),
                                 PortDoc("b", "input", w, "second operand (" + ("multiplier" if op == "mul" else "divisor")
                                         + f", {kind if op == 'mul' else 'unsigned'})", signed),
                                 PortDoc("busy", "output", 1, "1 while an operation is in progress"),
                                 PortDoc("done", "output", 1, "1 for one cycle when a result is ready"), *results]
        names = ", ".join(f"`{p.name}`" for p in results)
        behaviour = [f"The module {what} over several clock cycles, {r} bit{'s' if r > 1 else ''} of the "
                     f"{'multiplier' if op == 'mul' else 'quotient'} per cycle.",
                     f"At a rising edge at which `start` is 1 and `busy` is 0, the module captures `a` and `b`; "
                     f"`busy` is then 1 for exactly {cycles} clock cycle{'s' if cycles > 1 else ''}. At the rising "
                     f"edge that ends the last of them, {names} take{'s' if len(results) == 1 else ''} the result, "
                     f"`busy` returns to 0 and `done` is 1 for the one cycle that follows.",
                     result_text,
                     f"{names} keep{'s' if len(results) == 1 else ''} the last result until the next one is ready; "
                     "`start` is ignored while `busy` is 1 (a new operation can start at the edge that ends the "
                     "cycle in which `done` is 1).",
                     f"Reset stops any operation: `busy` and `done` become 0 and {names} become 0."]
        golden = _mul_datapath(w, r, cycles, signed, reset) if op == "mul" else _div_datapath(w, r, cycles, reset)
        alternate = _operators(op, w, cycles, signed, reset)
        if op == "mul":
            plan = ["At start, hold the " + ("magnitudes of the operands (and whether exactly one is negative)" if signed
                                              else "operands") + f", clear a {2 * w}-bit accumulator, and set a counter to "
                    f"{cycles}.",
                    f"Each busy cycle adds the multiplicand times the low {r} bit{'s' if r > 1 else ''} of the multiplier "
                    f"to the accumulator, then shifts the multiplicand left and the multiplier right by {r}.",
                    "When the counter reaches its last cycle, write the accumulator" + (", negated if the signs differed,"
                                                                                      if signed else "")
                    + " to `product` and pulse `done`."]
        else:
            plan = [f"At start, hold the dividend in a shift register and the divisor, clear a {w + 1}-bit partial "
                    f"remainder and the quotient, and set a counter to {cycles}.",
                    f"Each busy cycle does {r} restoring step{'s' if r > 1 else ''}: shift the next dividend bit into the "
                    "partial remainder; when it is at least the divisor, subtract the divisor and shift a 1 into the "
                    "quotient, otherwise a 0 (with a zero divisor every bit is 1 and the remainder is the dividend).",
                    "At the last cycle write the quotient and the remainder and pulse `done`."]
        return Design(self.name, level, dict(params), top, tuple(ports), f"{what} sequentially, with start, busy and "
                      "done handshakes.", tuple(behaviour), module(top, ports, golden), module(top, ports, alternate),
                      tuple(plan), False, reset, min_cycles=60 * (cycles + 2))


def _control(cycles: int, capture: str, work: str, finish: str, resets: str, reset: ResetStyle) -> tuple[str, str]:
    """The down-counting control shared by both datapaths: returns the declaration and the process."""
    cw = clog2(cycles + 1)
    decl = f"    reg [{cw - 1}:0] left;  // cycles of work still to do\n    reg done_r;\n"
    body = (f"done_r <= 1'b0;\nif (left == {cw}'d0) begin\n    if (start) begin\n"
            + "".join(f"        {line}\n" for line in capture.splitlines()) + f"        left <= {cw}'d{cycles};\n    end\nend\n"
            f"else begin\n" + "".join(f"    {line}\n" for line in work.splitlines())
            + f"    left <= left - 1'b1;\n    if (left == {cw}'d1) begin\n"
            + "".join(f"        {line}\n" for line in finish.splitlines()) + "        done_r <= 1'b1;\n    end\nend")
    process = reset.process(f"left <= {cw}'d0;\ndone_r <= 1'b0;\n" + resets, body)
    return decl, process + f"    assign busy = (left != {cw}'d0);\n    assign done = done_r;\n"


def _mul_datapath(w: int, r: int, cycles: int, signed: bool, reset: ResetStyle) -> str:
    decl = (f"    reg [{2 * w - 1}:0] mcand, acc, p_r;\n    reg [{w - 1}:0] mplier;\n"
            f"    reg [{2 * w - 1}:0] acc_next;\n    integer i;\n")
    if signed:
        decl += (f"    wire [{w - 1}:0] mag_a = a[{w - 1}] ? ~a + 1'b1 : a;\n"
                 f"    wire [{w - 1}:0] mag_b = b[{w - 1}] ? ~b + 1'b1 : b;\n    reg neg;\n")
    decl += ("    always @* begin\n        acc_next = acc;\n"
             f"        for (i = 0; i < {r}; i = i + 1)\n            if (mplier[i]) acc_next = acc_next + (mcand << i);\n"
             "    end\n")
    ma, mb = ("mag_a", "mag_b") if signed else ("a", "b")
    capture = f"mcand <= {{{w}'d0, {ma}}};\nmplier <= {mb};\nacc <= {2 * w}'d0;" + (f"\nneg <= a[{w - 1}] ^ b[{w - 1}];" if signed else "")
    work = f"acc <= acc_next;\nmcand <= mcand << {r};\nmplier <= mplier >> {r};"
    finish = "p_r <= neg ? ~acc_next + 1'b1 : acc_next;" if signed else "p_r <= acc_next;"
    resets = f"mcand <= {2 * w}'d0;\nmplier <= {w}'d0;\nacc <= {2 * w}'d0;\np_r <= {2 * w}'d0;" + ("\nneg <= 1'b0;" if signed else "")
    cdecl, process = _control(cycles, capture, work, finish, resets, reset)
    return decl + cdecl + process + "    assign product = p_r;\n"


def _div_datapath(w: int, r: int, cycles: int, reset: ResetStyle) -> str:
    decl = (f"    reg [{w - 1}:0] dvd, dvs, quo, q_r, r_r;\n    reg [{w}:0] part;\n"
            f"    reg [{w - 1}:0] dvd_next, quo_next;\n    reg [{w}:0] part_next;\n    integer i;\n"
            "    always @* begin\n        dvd_next = dvd;\n        quo_next = quo;\n        part_next = part;\n"
            f"        for (i = 0; i < {r}; i = i + 1) begin\n"
            f"            part_next = {{part_next[{w - 1}:0], dvd_next[{w - 1}]}};\n"
            "            dvd_next = dvd_next << 1;\n"
            "            if (part_next >= {1'b0, dvs}) begin\n"
            "                part_next = part_next - {1'b0, dvs};\n"
            "                quo_next = {quo_next" + (f"[{w - 2}:0]" if w > 1 else "") + ", 1'b1};\n"
            "            end else quo_next = {quo_next" + (f"[{w - 2}:0]" if w > 1 else "") + ", 1'b0};\n"
            "        end\n    end\n")
    capture = f"dvd <= a;\ndvs <= b;\nquo <= {w}'d0;\npart <= {w + 1}'d0;"
    work = "dvd <= dvd_next;\nquo <= quo_next;\npart <= part_next;"
    finish = f"q_r <= quo_next;\nr_r <= part_next[{w - 1}:0];"
    resets = (f"dvd <= {w}'d0;\ndvs <= {w}'d0;\nquo <= {w}'d0;\npart <= {w + 1}'d0;\nq_r <= {w}'d0;\nr_r <= {w}'d0;")
    cdecl, process = _control(cycles, capture, work, finish, resets, reset)
    return decl + cdecl + process + "    assign quotient = q_r;\n    assign remainder = r_r;\n"


def _operators(op: str, w: int, cycles: int, signed: bool, reset: ResetStyle) -> str:
    cw = clog2(cycles + 1)
    lines = [f"    reg [{w - 1}:0] a_q, b_q;", "    reg running, fresh;", f"    reg [{cw - 1}:0] n;  // busy cycles done"]
    if op == "mul":
        lines += [f"    reg [{2 * w - 1}:0] prod_q;"]
        if signed:
            lines += [f"    wire signed [{2 * w - 1}:0] wa = $signed(a_q);  // sign-extended",
                      f"    wire signed [{2 * w - 1}:0] wb = $signed(b_q);", f"    wire [{2 * w - 1}:0] full = wa * wb;"]
        else:
            lines += [f"    wire [{2 * w - 1}:0] full = a_q * b_q;"]
        write, clear = "prod_q <= full;", f"prod_q <= {2 * w}'d0;"
        outs = "    assign product = prod_q;\n"
    else:
        lines += [f"    reg [{w - 1}:0] quo_q, rem_q;"]
        write = (f"quo_q <= (b_q == {w}'d0) ? {{{w}{{1'b1}}}} : a_q / b_q;\n"
                 f"rem_q <= (b_q == {w}'d0) ? a_q : a_q % b_q;")
        clear = f"quo_q <= {w}'d0;\nrem_q <= {w}'d0;"
        outs = "    assign quotient = quo_q;\n    assign remainder = rem_q;\n"
    body = (f"fresh <= 1'b0;\nif (!running) begin\n    if (start) begin a_q <= a; b_q <= b; running <= 1'b1; n <= {cw}'d0; end\nend\n"
            f"else if (n == {cw}'d{cycles - 1}) begin\n    running <= 1'b0;\n    fresh <= 1'b1;\n"
            + "".join(f"    {line}\n" for line in write.splitlines()) + "end\nelse n <= n + 1'b1;")
    resets = f"a_q <= {w}'d0;\nb_q <= {w}'d0;\nrunning <= 1'b0;\nfresh <= 1'b0;\nn <= {cw}'d0;\n" + clear
    return ("\n".join(lines) + "\n" + reset.process(resets, body)
            + "    assign busy = running;\n    assign done = fresh;\n" + outs)
