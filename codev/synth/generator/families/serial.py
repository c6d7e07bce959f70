"""Serial data: serialisers (parallel in, serial out), deserialisers (serial in, parallel out) and a UART
transmitter (start bit, data bits LSB first, optional parity, stop bit, a baud divider).

Serialiser golden: a shift register and a bit counter. Second rendering: the word kept whole and the
output bit picked by an index. Deserialiser golden: shift in and count; second rendering: write bit k
of the word at index k. UART golden: an FSM (idle, start, data, parity, stop) with a baud counter;
second rendering: the whole frame built at once as a vector and shifted out, with a bit counter.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, ResetStyle, clog2, module

WIDTHS = {1: [4], 2: [8], 3: [8, 12], 4: [16], 5: [16, 32]}
BAUD = {1: [1], 2: [2, 4], 3: [4, 8], 4: [8, 16], 5: [16, 434]}


class Serialiser:
    name = "serdes"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        return {"width": rng.choice(WIDTHS[level]), "direction": rng.choice(["piso", "sipo"]),
                "msb_first": level == 1 or rng.random() < 0.5, **ResetStyle.sample(rng, level).as_params()}

    def build(self, params: dict[str, Any], level: int) -> Design:
        w, direction, msb = params["width"], params["direction"], params["msb_first"]
        reset = ResetStyle.from_params(params)
        cw = clog2(w + 1)
        order = "most significant bit first" if msb else "least significant bit first"
        if direction == "piso":
            top = f"serializer_{w}bit_{'msb' if msb else 'lsb'}"
            ports = reset.ports() + [PortDoc("load", "input", 1, "start sending `data` (ignored while busy)"),
                                     PortDoc("data", "input", w, "the word to send"),
                                     PortDoc("sout", "output", 1, "serial output"),
                                     PortDoc("busy", "output", 1, "1 while a word is being sent")]
            behaviour = [f"At a rising edge with `load` = 1 and `busy` = 0, the module captures `data` and starts "
                         f"sending it on `sout`, {order}, one bit per clock cycle for {w} cycles.",
                         f"`busy` is 1 during exactly those {w} cycles; `sout` shows the bit being sent, and 0 "
                         "whenever `busy` is 0.",
                         "Reset stops any transfer: `busy` and `sout` become 0."]
            golden, alternate = _piso(w, cw, msb, reset)
            plan = [f"A {w}-bit shift register loaded from `data`, and a counter of bits left to send.",
                    f"`sout` is the {'top' if msb else 'bottom'} bit of the register while busy; each edge while "
                    f"busy shifts it {'left' if msb else 'right'} and decrements the counter."]
            summary = f"serialises {w}-bit words, {order}."
        else:
            top = f"deserializer_{w}bit_{'msb' if msb else 'lsb'}"
            ports = reset.ports() + [PortDoc("din", "input", 1, "serial input"),
                                     PortDoc("din_valid", "input", 1, "`din` holds a bit this cycle"),
                                     PortDoc("data", "output", w, "the last complete word"),
                                     PortDoc("data_valid", "output", 1, "1 for one cycle when a new word is complete")]
            behaviour = [f"At each rising edge with `din_valid` = 1 the module takes the bit on `din`. Bits arrive "
                         f"{order}; every {w} bits taken form a word.",
                         f"Right after the edge that takes the {w}th bit of a word, `data` shows the word and "
                         "`data_valid` is 1 for that one cycle; `data` keeps the word until the next one is complete.",
                         "Reset forgets the bits received so far and clears `data` and `data_valid`."]
            golden, alternate = _sipo(w, cw, msb, reset)
            plan = [f"Shift each valid bit into a {w}-bit register ({'from the bottom' if msb else 'from the top'}) "
                    "and count the bits of the current word.",
                    "When the count reaches the word length, copy the register to `data` and pulse `data_valid`."]
            summary = f"deserialises a bit stream into {w}-bit words, {order}."
        return Design(self.name, level, dict(params), top, tuple(ports), summary, tuple(behaviour),
                      module(top, ports, golden), module(top, ports, alternate), tuple(plan), False, reset)


def _piso(w: int, cw: int, msb: bool, reset: ResetStyle) -> tuple[str, str]:
    shift = f"sh <= {{sh[{w - 2}:0], 1'b0}};" if msb else f"sh <= {{1'b0, sh[{w - 1}:1]}};"
    golden = (f"    reg [{w - 1}:0] sh;\n    reg [{cw - 1}:0] left;\n"
              + reset.process(f"sh <= {w}'d0;\nleft <= {cw}'d0;",
                              f"if (left != {cw}'d0) begin\n    {shift}\n    left <= left - 1'b1;\nend\n"
                              f"else if (load) begin\n    sh <= data;\n    left <= {cw}'d{w};\nend")
              + f"    assign busy = (left != {cw}'d0);\n    assign sout = busy & sh[{w - 1 if msb else 0}];\n")
    index = f"{cw}'d{w} - sent" if msb else "sent - 1'b1"
    alternate = (f"    reg [{w - 1}:0] word;\n    reg [{cw - 1}:0] sent;  // 0: idle; k: bit k of the word is on the line\n"
                 + reset.process(f"word <= {w}'d0;\nsent <= {cw}'d0;",
                                 f"if (sent == {cw}'d0) begin\n    if (load) begin word <= data; sent <= {cw}'d1; end\nend\n"
                                 f"else sent <= (sent == {cw}'d{w}) ? {cw}'d0 : sent + 1'b1;")
                 + f"    assign busy = (sent != {cw}'d0);\n    assign sout = busy & word[{index}];\n")
    return golden, alternate


def _sipo(w: int, cw: int, msb: bool, reset: ResetStyle) -> tuple[str, str]:
    shift = f"sh <= {{sh[{w - 2}:0], din}};" if msb else f"sh <= {{din, sh[{w - 1}:1]}};"
    full = f"{{sh[{w - 2}:0], din}}" if msb else f"{{din, sh[{w - 1}:1]}}"
    golden = (f"    reg [{w - 1}:0] sh, word;\n    reg [{cw - 1}:0] got;\n    reg pulse;\n"
              + reset.process(f"sh <= {w}'d0;\nword <= {w}'d0;\ngot <= {cw}'d0;\npulse <= 1'b0;",
                              f"pulse <= 1'b0;\nif (din_valid) begin\n    {shift}\n"
                              f"    if (got == {cw}'d{w - 1}) begin\n        got <= {cw}'d0;\n        word <= {full};\n"
                              f"        pulse <= 1'b1;\n    end else got <= got + 1'b1;\nend")
              + "    assign data = word;\n    assign data_valid = pulse;\n")
    pos = f"{cw}'d{w - 1} - got" if msb else "got"
    alternate = (f"    reg [{w - 1}:0] buf_r, out_r;\n    reg [{cw - 1}:0] got;\n    reg v;\n    integer k;\n"
                 f"    reg [{w - 1}:0] next_word;\n    always @* begin\n        next_word = buf_r;\n"
                 f"        for (k = 0; k < {w}; k = k + 1) if (k == {pos}) next_word[k] = din;\n    end\n"
                 + reset.process(f"buf_r <= {w}'d0;\nout_r <= {w}'d0;\ngot <= {cw}'d0;\nv <= 1'b0;",
                                 f"v <= din_valid && (got == {cw}'d{w - 1});\nif (din_valid) begin\n"
                                 f"    buf_r <= next_word;\n    if (got == {cw}'d{w - 1}) out_r <= next_word;\n"
                                 f"    got <= (got == {cw}'d{w - 1}) ? {cw}'d0 : got + 1'b1;\nend")
                 + "    assign data = out_r;\n    assign data_valid = v;\n")
    return golden, alternate


class UartTx:
    name = "uart_tx"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        return {"data_bits": 8 if level >= 2 else rng.choice([5, 8]), "baud_div": rng.choice(BAUD[level]),
                "parity": "none" if level <= 2 else rng.choice(["none", "even", "odd"]),
                **ResetStyle.sample(rng, level).as_params()}

    def build(self, params: dict[str, Any], level: int) -> Design:
        n, div, parity = params["data_bits"], params["baud_div"], params["parity"]
        reset = ResetStyle.from_params(params)
        bits = n + 2 + (parity != "none")
        top = f"uart_tx_{n}{'n' if parity == 'none' else parity[0]}1_div{div}"
        ports = reset.ports() + [PortDoc("start", "input", 1, "send `data` (ignored while busy)"),
                                 PortDoc("data", "input", n, "the character to send"),
                                 PortDoc("tx", "output", 1, "serial line, 1 when idle"),
                                 PortDoc("busy", "output", 1, "1 while a frame is being sent")]
        frame = ["a start bit (0)", f"the {n} data bits, least significant first"]
        if parity != "none":
            frame.append(f"an {parity} parity bit (it makes the number of 1s among data and parity bits {parity})")
        frame.append("a stop bit (1)")
        behaviour = [f"A UART transmitter. At a rising edge with `start` = 1 and `busy` = 0, it captures `data` and "
                     f"sends one frame on `tx`: {', '.join(frame)}.",
                     f"Each bit lasts {div} clock cycle{'s' if div > 1 else ''} (the baud rate is the clock "
                     f"divided by {div}); the frame takes {bits * div} cycles, during which `busy` is 1.",
                     "The start bit appears on `tx` right after the edge that accepted `start`; when the stop bit "
                     "has lasted its time, `busy` returns to 0 and `tx` stays 1.",
                     "Reset returns to idle: `tx` = 1, `busy` = 0."]
        golden, alternate = _uart_fsm(n, div, parity, reset), _uart_frame(n, div, parity, bits, reset)
        plan = ["Keep a state (idle, start, data, " + ("parity, " if parity != "none" else "") + "stop), a baud "
                f"counter that counts {div} cycles per bit, and the index of the data bit being sent.",
                "Capture `data` when a frame starts; drive `tx` from the state: 0 for start, the data bit, "
                + ("the parity (XOR of the data bits" + (", inverted for odd parity)" if parity == "odd" else ")") + ", "
                   if parity != "none" else "") + "1 for stop and idle."]
        return Design(self.name, level, dict(params), top, tuple(ports),
                      f"implements a UART transmitter ({n} data bits, {parity if parity != 'none' else 'no'} parity, 1 stop bit, clock divided "
                      f"by {div} per bit).", tuple(behaviour), module(top, ports, golden),
                      module(top, ports, alternate), tuple(plan), False, reset,
                      min_cycles=min(8 * bits * div * 4, 40000))


def _parity_expr(parity: str, word: str) -> str:
    return f"^{word}" if parity == "even" else f"~^{word}"


def _uart_fsm(n: int, div: int, parity: str, reset: ResetStyle) -> str:
    bw, iw = clog2(div), clog2(n)
    par = parity != "none"
    after_data = "PARITY" if par else "STOP"
    lines = ["    localparam IDLE = 3'd0, START = 3'd1, DATA = 3'd2, PARITY = 3'd3, STOP = 3'd4;",
             "    reg [2:0] state;", f"    reg [{bw - 1}:0] baud;", f"    reg [{iw - 1}:0] idx;", f"    reg [{n - 1}:0] shreg;"]
    last = f"baud == {bw}'d{div - 1}"
    body = (f"case (state)\n"
            f"    IDLE: if (start) begin state <= START; shreg <= data; baud <= {bw}'d0; end\n"
            f"    START: if ({last}) begin state <= DATA; idx <= {iw}'d0; baud <= {bw}'d0; end else baud <= baud + 1'b1;\n"
            f"    DATA: if ({last}) begin\n        baud <= {bw}'d0;\n"
            f"        if (idx == {iw}'d{n - 1}) state <= {after_data}; else idx <= idx + 1'b1;\n"
            f"    end else baud <= baud + 1'b1;\n"
            + (f"    PARITY: if ({last}) begin state <= STOP; baud <= {bw}'d0; end else baud <= baud + 1'b1;\n" if par else "")
            + f"    STOP: if ({last}) state <= IDLE; else baud <= baud + 1'b1;\n"
            f"    default: state <= IDLE;\nendcase")
    if div == 1:
        body = body.replace(f"baud == {bw}'d0", "1'b1")
    out = ("    reg tx_r;\n    always @* begin\n        case (state)\n            START: tx_r = 1'b0;\n"
           "            DATA: tx_r = shreg[idx];\n"
           + (f"            PARITY: tx_r = {_parity_expr(parity, 'shreg')};\n" if par else "")
           + "            default: tx_r = 1'b1;\n        endcase\n    end\n"
           "    assign tx = tx_r;\n    assign busy = (state != IDLE);\n")
    return ("\n".join(lines) + "\n"
            + reset.process(f"state <= IDLE;\nbaud <= {bw}'d0;\nidx <= {iw}'d0;\nshreg <= {n}'d0;", body) + out)


def _uart_frame(n: int, div: int, parity: str, bits: int, reset: ResetStyle) -> str:
    bw, cw = clog2(div), clog2(bits + 1)
    par = f", {_parity_expr(parity, 'data')}" if parity != "none" else ""
    lines = [f"    reg [{bits - 1}:0] frame;  // bit 0 is on the line", f"    reg [{cw - 1}:0] left;  // bits still to send",
             f"    reg [{bw - 1}:0] tick;"]
    body = (f"if (left == {cw}'d0) begin\n"
            f"    if (start) begin frame <= {{1'b1{par}, data, 1'b0}}; left <= {cw}'d{bits}; tick <= {bw}'d0; end\n"
            f"end else if (tick == {bw}'d{div - 1}) begin\n"
            f"    tick <= {bw}'d0;\n    frame <= {{1'b1, frame[{bits - 1}:1]}};\n    left <= left - 1'b1;\n"
            f"end else tick <= tick + 1'b1;")
    return ("\n".join(lines) + "\n" + reset.process(f"frame <= {{{bits}{{1'b1}}}};\nleft <= {cw}'d0;\ntick <= {bw}'d0;", body)
            + f"    assign busy = (left != {cw}'d0);\n    assign tx = busy ? frame[0] : 1'b1;\n")
