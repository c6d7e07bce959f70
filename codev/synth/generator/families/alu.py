"""ALUs: a random subset of operations under a random opcode assignment, with optional flags.

Golden: a case statement on the opcode, carry and overflow taken from widened arithmetic. Second
rendering: every operation written with different identities (a + b as a - ~b - 1, AND through De
Morgan, shifts as concatenations), selected by an AND-OR network; carry and overflow from
wrap-around and sign tests instead of a widened sum.
"""
from __future__ import annotations

import random
import re
from typing import Any

from ..design import Design, PortDoc, clog2, module

WIDTHS = {1: [4], 2: [8], 3: [8, 16], 4: [16, 32], 5: [16, 32]}
BASIC = ["add", "sub", "and", "or"]
# name: (golden expression, second rendering, spec wording); W and M stand for width and MSB index
OPS = {
    "add": ("a + b", "a - ~b - 1'b1", "a + b"),
    "sub": ("a - b", "a + ~b + 1'b1", "a - b"),
    "and": ("a & b", "~(~a | ~b)", "a AND b, bitwise"),
    "or": ("a | b", "~(~a & ~b)", "a OR b, bitwise"),
    "xor": ("a ^ b", "(a | b) & ~(a & b)", "a XOR b, bitwise"),
    "nor": ("~(a | b)", "~a & ~b", "NOT (a OR b), bitwise"),
    "nand": ("~(a & b)", "~a | ~b", "NOT (a AND b), bitwise"),
    "xnor": ("~(a ^ b)", "(a & b) | (~a & ~b)", "NOT (a XOR b), bitwise"),
    "shl": ("a << 1", "{a[M-1:0], 1'b0}", "a shifted left by one (a zero enters)"),
    "shr": ("a >> 1", "{1'b0, a[M:1]}", "a shifted right by one, logically (a zero enters)"),
    "sra": ("$signed(a) >>> 1", "{a[M], a[M:1]}", "a shifted right by one, arithmetically (the sign bit is kept)"),
    "not": ("~a", "a ^ {W{1'b1}}", "bitwise NOT of a"),
    "inc": ("a + 1'b1", "a - {W{1'b1}}", "a + 1"),
    "pass": ("a", "a | {W{1'b0}}", "a unchanged"),
    "slt": ("(a < b) ? W'd1 : W'd0", "{{(W-1){1'b0}}, lt}", "1 if a < b (unsigned), else 0"),
    "max": ("(a > b) ? a : b", "lt ? b : a", "the larger of a and b (unsigned)"),
}


def _fill(text: str, w: int) -> str:
    return text.replace("W", str(w)).replace("M-1", str(w - 2)).replace("M", str(w - 1))


class Alu:
    name = "alu"
    combinational = True

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        count = {1: 4, 2: 4, 3: rng.randint(5, 6), 4: rng.randint(6, 8), 5: 8}[level]
        pool = BASIC if level == 1 else sorted(OPS)
        ops = rng.sample(pool, count)
        codes = rng.sample(range(1 << clog2(count)), count)
        flags = [] if level <= 2 else ["zero", "carry"] if level == 3 else \
            rng.sample(["zero", "carry", "negative", "overflow"], rng.randint(2, 4))
        if {"carry", "overflow"} & set(flags) and not {"add", "sub"} & set(ops):
            # a carry or overflow flag needs an operation that sets it (else it is the constant 0)
            ops[rng.randrange(count)] = rng.choice(["add", "sub"])
        if not any(re.search(r"\bb\b", OPS[op][0]) for op in ops):
            ops[rng.randrange(count)] = rng.choice(sorted(set(BASIC) - set(ops)))  # `b` must be used
        return {"width": rng.choice(WIDTHS[level]), "ops": dict(sorted(zip(codes, ops))),
                "flags": sorted(flags, key=["zero", "carry", "negative", "overflow"].index)}

    def build(self, params: dict[str, Any], level: int) -> Design:
        w, flags = params["width"], params["flags"]
        ops = {int(code): op for code, op in params["ops"].items()}
        ow = clog2(len(ops))
        msb = w - 1
        top = f"alu_{w}bit_{len(ops)}op"
        ports = [PortDoc("a", "input", w, "first operand"), PortDoc("b", "input", w, "second operand"),
                 PortDoc("op", "input", ow, "operation code (table below)"),
                 PortDoc("y", "output", w, "result")]
        texts = {"zero": "1 when `y` is 0",
                 "carry": "carry out of a + b for ADD, borrow (a < b, unsigned) for SUB, 0 for every other operation",
                 "negative": "the most significant bit of `y`",
                 "overflow": "signed (two's complement) overflow of ADD or SUB; 0 for every other operation"}
        ports += [PortDoc(f, "output", 1, texts[f]) for f in flags]
        behaviour = [f"`op` = {code}: y = {OPS[op][2]}" for code, op in sorted(ops.items())]
        if len(ops) < 1 << ow:
            behaviour.append("Any other `op` value gives y = 0 (and every flag computed from y accordingly).")
        behaviour.append(f"Results are taken modulo 2^{w} (only the low {w} bits are kept).")
        golden = _golden(w, ow, ops, flags, msb)
        alternate = _alternate(w, ow, ops, flags, msb)
        summary = f"implements a {w}-bit ALU with {len(ops)} operations" + (
            f" and the flags {', '.join(flags)}." if flags else ".")
        plan = ["A combinational always block with a case on `op` in which every arm assigns the result"
                + (" (a default arm gives 0 for the unused codes), so no latch appears." if len(ops) < 1 << ow else
                   " (every code is used, so the arms cover them all), so no latch appears.")]
        # each arm restated next to its row of the table: the code is then read from the plan line by line
        plan.append("The arms, one per row of the table:\n" + "\n".join(
            f"   - `op` = {code}: y = {OPS[op][2]}, so {_golden_arm(w, ow, code, op, flags, msb)}"
            for code, op in sorted(ops.items())))
        arith = " and ".join(op.upper() for op in ("add", "sub") if op in ops.values())
        if "carry" in flags:
            plan.append(f"For {arith} compute a result one bit wider, so the carry (borrow for SUB) is its top bit; "
                        "the carry stays 0 for every other operation.")
        if "overflow" in flags:
            plan.append(f"Overflow for {arith} compares the sign bits of the operands and of the result; it stays 0 "
                        "for every other operation.")
        derived = [f for f in ("zero", "negative") if f in flags]
        if derived:
            plan.append(f"Derive {' and '.join(derived)} from the final `y`.")
        return Design(self.name, level, {**params, "ops": {str(k): v for k, v in sorted(ops.items())}}, top,
                      tuple(ports), summary, tuple(behaviour), module(top, ports, golden),
                      module(top, ports, alternate), tuple(plan), True)


def _golden(w: int, ow: int, ops: dict[int, str], flags: list[str], msb: int) -> str:
    carry, ovf = "carry" in flags, "overflow" in flags
    regs = ", ".join(x for x, on in (("c", carry), ("v", ovf)) if on)
    lines = [f"    reg [{w - 1}:0] r;"] + ([f"    reg {regs};"] if regs else []) + ["    always @* begin"]
    lines += ["        c = 1'b0;"] if carry else []
    lines += ["        v = 1'b0;"] if ovf else []
    lines.append("        case (op)")
    lines += [f"            {_golden_arm(w, ow, code, op, flags, msb)}" for code, op in sorted(ops.items())]
    if len(ops) < 1 << ow:
        lines.append(f"            default: r = {w}'d0;")
    lines += ["        endcase", "    end", "    assign y = r;"]
    lines += [{"zero": "    assign zero = (r == 0);", "carry": "    assign carry = c;",
               "negative": f"    assign negative = r[{msb}];", "overflow": "    assign overflow = v;"}[f]
              for f in flags]
    return "\n".join(lines) + "\n"


def _golden_arm(w: int, ow: int, code: int, op: str, flags: list[str], msb: int) -> str:
    if op not in ("add", "sub"):
        return f"{ow}'d{code}: r = {_fill(OPS[op][0], w)};"
    sign, same = ("+", "==") if op == "add" else ("-", "!=")
    result = f"{{c, r}} = {{1'b0, a}} {sign} {{1'b0, b}};" if "carry" in flags else f"r = a {sign} b;"
    flag = f" v = (a[{msb}] {same} b[{msb}]) && (r[{msb}] != a[{msb}]);" if "overflow" in flags else ""
    return f"{ow}'d{code}: begin {result}{flag} end" if flag else f"{ow}'d{code}: {result}"


def _alternate(w: int, ow: int, ops: dict[int, str], flags: list[str], msb: int) -> str:
    lines = ["    wire lt = a < b;"]
    terms = []
    for code, op in sorted(ops.items()):
        lines.append(f"    wire [{w - 1}:0] r_{op} = {_fill(OPS[op][1], w)};")
        terms.append(f"({{{w}{{op == {ow}'d{code}}}}} & r_{op})")
    lines.append("    assign y = " + " |\n               ".join(terms) + ";")
    code_of = {op: code for code, op in ops.items()}
    is_op = {op: f"(op == {ow}'d{code_of[op]})" for op in ("add", "sub") if op in code_of}
    carry = [f"({is_op['add']} & (r_add < a))"] if "add" in is_op else []
    carry += [f"({is_op['sub']} & lt)"] if "sub" in is_op else []
    ovf = [f"({is_op['add']} & (a[{msb}] ^ r_add[{msb}]) & (b[{msb}] ^ r_add[{msb}]))"] if "add" in is_op else []
    ovf += [f"({is_op['sub']} & (a[{msb}] ^ b[{msb}]) & (a[{msb}] ^ r_sub[{msb}]))"] if "sub" in is_op else []
    for flag in flags:
        if flag == "zero":
            lines.append("    assign zero = ~|y;")
        elif flag == "negative":
            lines.append(f"    assign negative = y[{msb}];")
        else:
            chosen = carry if flag == "carry" else ovf
            value = " | ".join(chosen) or "1'b0"
            lines.append(f"    assign {flag} = {value};")
    return "\n".join(lines) + "\n"
