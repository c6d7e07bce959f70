"""A UART receiver: find a start bit on an idle-high line, sample the data bits (least significant first),
an optional parity bit and the stop bit in the middle of each bit time, report the character or the
error, and after a missing stop bit wait for the line to go idle before hunting again.

Golden: an FSM (idle, start, data, parity, stop, wait) with a baud counter restarted at each sample and a
bit index. Second rendering: no FSM; one counter numbers the clock edges since the start bit was seen and
a case on that number stores each sample in a frame register at the edge the spec names for it.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, ResetStyle, clog2, module

DATA_BITS = {1: [5, 6, 7], 2: [7, 8], 3: [8], 4: [7, 8], 5: [8]}
BAUD = {1: [1], 2: [1], 3: [2, 4], 4: [4, 8], 5: [8, 16]}


class UartRx:
    name = "uart_rx"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        return {"data_bits": rng.choice(DATA_BITS[level]), "baud_div": rng.choice(BAUD[level]),
                "parity": "none" if level <= 2 else rng.choice(["none", "even", "odd"] if level < 5 else ["even", "odd"]),
                "frame_error": level >= 2 or rng.random() < 0.5, **ResetStyle.sample(rng, level).as_params()}

    def build(self, params: dict[str, Any], level: int) -> Design:
        n, div, parity, fe = params["data_bits"], params["baud_div"], params["parity"], params["frame_error"]
        reset = ResetStyle.from_params(params)
        par = parity != "none"
        bits = n + 2 + par  # start, data, parity, stop
        h = div // 2
        top = f"uart_rx_{n}{parity[0] if par else 'n'}1_div{div}"
        ports = reset.ports() + [PortDoc("rx", "input", 1, "serial line, 1 when idle"),
                                 PortDoc("data", "output", n, "the last character received without error"),
                                 PortDoc("valid", "output", 1, "1 for one cycle when a character arrives")]
        if fe:
            ports.append(PortDoc("frame_error", "output", 1, "1 for one cycle when a stop bit is missing"))
        if par:
            ports.append(PortDoc("parity_error", "output", 1, "1 for one cycle when the parity bit is wrong"))
        frame = ["a start bit (0)", f"{n} data bits, least significant first"]
        if par:
            frame.append(f"an {parity} parity bit (the number of 1s among the data and parity bits is {parity})")
        frame.append("a stop bit (1)")
        if div == 1:
            timing = ("Each bit lasts one clock cycle and is sampled at one rising edge: while the receiver is "
                      "idle, a rising edge at which `rx` is 0 is the start bit, and the following rising edges "
                      "sample the data bits" + (", the parity bit" if par else "") + " and the stop bit, one each.")
        else:
            timing = (f"Each bit lasts {div} clock cycles, and the receiver samples it once, in its middle. While "
                      f"the receiver is idle, a rising edge at which `rx` is 0 may be the start of a start bit: "
                      f"call it edge 0 and number the following rising edges 1, 2, .... At edge {h} the line is "
                      f"sampled again: if `rx` is 1 there it was a glitch and the receiver is idle again (it can "
                      f"see a new start bit from the next edge on); otherwise the start bit is confirmed and bit k "
                      f"of the frame after the start bit is sampled at edge {h} + {div}*k (the first data bit at "
                      f"edge {h + div}, the stop bit at edge {h + div * (bits - 1)}).")
        outcome = ("If the stop bit sampled is 1" + (" and the parity is right" if par else "")
                   + ", `data` takes the character and `valid` is 1 during the clock cycle after the edge that "
                   "sampled the stop bit; `data` keeps its value until the next good character.")
        behaviour = [f"A UART receiver. A frame on `rx` is {', '.join(frame)}; between frames the line is 1.",
                     timing, outcome]
        if par:
            behaviour.append("If the stop bit is 1 but the parity is wrong, the character is dropped (`data` keeps "
                             "its old value) and `parity_error` is 1 for that one cycle instead of `valid`.")
        behaviour.append(("If the stop bit sampled is 0, the character is dropped" + (
            ", `frame_error` is 1 during the next cycle" if fe else "") + (", whatever the parity" if par else "")
            + ", and the receiver waits for the line to return to 1: it is idle again after the first rising edge "
            "at which `rx` is 1, and looks for a start bit only from the edge after that."))
        behaviour.append("After a good stop bit" + (" (with or without a parity error)" if par else "")
                         + " the receiver is idle at once: the next rising edge with `rx` = 0 can start a new frame.")
        behaviour.append("Reset makes the receiver idle and clears `data`, `valid`"
                         + (", `frame_error`" if fe else "") + (", `parity_error`" if par else "") + ".")
        golden, alternate = _fsm(n, div, h, par, parity, fe, reset), _counted(n, div, h, bits, par, parity, fe, reset)
        plan = ["Keep a state (idle, " + ("start, " if div > 1 else "") + "data, " + ("parity, " if par else "")
                + "stop, wait-for-idle)" + (f", a counter of the clock edges since the last sample (a bit is "
                                            f"sampled when it reaches {div})" if div > 1 else "")
                + f" and the index of the data bit; shift each data bit in from the top of an {n}-bit register, "
                "so the first (least significant) bit ends at the bottom."]
        if div > 1:
            plan.append(f"In idle, `rx` = 0 starts the start state; {h} edge{'s' if h > 1 else ''} later the "
                        "start bit is sampled again and a 1 there returns to idle.")
        plan.append("At the stop sample: a 0 " + ("pulses `frame_error` and " if fe else "") + "goes to wait-for-idle; "
                    + ("a 1 with a wrong parity pulses `parity_error`; " if par else "")
                    + "otherwise copy the register to `data` and pulse `valid`.")
        plan.append("`valid`" + (", `frame_error`" if fe else "") + (" and `parity_error` are registers" if par else
                                                                    " are registers" if fe else " is a register")
                    + " cleared at every edge unless set there.")
        return Design(self.name, level, dict(params), top, tuple(ports),
                      f"implements a UART receiver ({n} data bits, {parity if par else 'no'} parity, 1 stop bit, "
                      f"{div} clock cycle{'s' if div > 1 else ''} per bit).", tuple(behaviour),
                      module(top, ports, golden), module(top, ports, alternate), tuple(plan), False, reset,
                      min_cycles=min(64 * bits * div, 20000))


def _parity_ok(parity: str, bits: str) -> str:
    """True when the data and parity bits in `bits` have the parity asked for."""
    return f"(^{bits} == 1'b{int(parity == 'odd')})"


def _fsm(n: int, div: int, h: int, par: bool, parity: str, fe: bool, reset: ResetStyle) -> str:
    cw, iw = clog2(div + 1), clog2(n)
    decl = ["    localparam IDLE = 3'd0, START = 3'd1, DATA = 3'd2, PARITY = 3'd3, STOP = 3'd4, WAIT = 3'd5;",
            "    reg [2:0] state;", f"    reg [{cw - 1}:0] cnt;", f"    reg [{iw - 1}:0] idx;",
            f"    reg [{n - 1}:0] shreg, data_r;", "    reg valid_r;"]
    decl += (["    reg fe_r;"] if fe else []) + (["    reg par_r, pe_r;"] if par else [])
    pulses = "valid_r <= 1'b0;" + ("\nfe_r <= 1'b0;" if fe else "") + ("\npe_r <= 1'b0;" if par else "")
    sample = f"cnt == {cw}'d{div}"
    start = ("begin state <= DATA; cnt <= {cw}'d1; idx <= {iw}'d0; end" if div == 1 else
             "begin state <= START; cnt <= {cw}'d1; end").format(cw=cw, iw=iw)
    stop = ("if (!rx) begin state <= WAIT;" + (" fe_r <= 1'b1;" if fe else "") + " end\n"
            + (f"        else if (!{_parity_ok(parity, '{shreg, par_r}')}) begin state <= IDLE; pe_r <= 1'b1; end\n"
               if par else "")
            + "        else begin state <= IDLE; data_r <= shreg; valid_r <= 1'b1; end")
    arms = [f"IDLE: if (!rx) {start}"]
    if div > 1:
        arms.append(f"START: if (cnt == {cw}'d{h}) begin\n"
                    f"    if (rx) state <= IDLE;\n    else begin state <= DATA; cnt <= {cw}'d1; idx <= {iw}'d0; end\n"
                    "end else cnt <= cnt + 1'b1;")
    arms.append(f"DATA: if ({sample}) begin\n    shreg <= {{rx, shreg[{n - 1}:1]}};\n    cnt <= {cw}'d1;\n"
                f"    idx <= idx + 1'b1;\n    if (idx == {iw}'d{n - 1}) state <= {'PARITY' if par else 'STOP'};\n"
                "end else cnt <= cnt + 1'b1;")
    if par:
        arms.append(f"PARITY: if ({sample}) begin par_r <= rx; cnt <= {cw}'d1; state <= STOP; end\n"
                    "else cnt <= cnt + 1'b1;")
    arms.append(f"STOP: if ({sample}) begin\n        {stop}\n    end else cnt <= cnt + 1'b1;")
    arms.append("WAIT: if (rx) state <= IDLE;")
    arms.append("default: state <= IDLE;")
    body = pulses + "\ncase (state)\n" + "\n".join(arms) + "\nendcase"
    resets = ["state <= IDLE;", f"cnt <= {cw}'d0;", f"idx <= {iw}'d0;", f"shreg <= {n}'d0;", f"data_r <= {n}'d0;",
              "valid_r <= 1'b0;"] + (["fe_r <= 1'b0;"] if fe else []) + (["par_r <= 1'b0;", "pe_r <= 1'b0;"] if par else [])
    outs = ["    assign data = data_r;", "    assign valid = valid_r;"] + (["    assign frame_error = fe_r;"] if fe else []) \
        + (["    assign parity_error = pe_r;"] if par else [])
    return "\n".join(decl) + "\n" + reset.process("\n".join(resets), body) + "\n".join(outs) + "\n"


def _counted(n: int, div: int, h: int, bits: int, par: bool, parity: str, fe: bool, reset: ResetStyle) -> str:
    last = h + div * (bits - 1)
    tw = clog2(last + 2)
    decl = ["    reg active, hunt;  // hunt: a stop bit was missing, wait for the line to be 1",
            f"    reg [{tw - 1}:0] t;  // number of this rising edge, counted from the start edge (edge 0)",
            f"    reg [{bits - 3}:0] frame;  // frame[k - 1]: bit k of the frame after the start bit (stop bit not kept)",
            f"    reg [{n - 1}:0] char_q;", "    reg v_q;"] + (["    reg f_q;"] if fe else []) + (["    reg p_q;"] if par else [])
    arms = []
    if h > 0:
        arms.append(f"{tw}'d{h}: if (rx) active <= 1'b0;  // a glitch, not a start bit")
    arms += [f"{tw}'d{h + div * k}: frame[{k - 1}] <= rx;" for k in range(1, bits - 1)]
    data = f"frame[{n - 1}:0]"
    check = (f"else if (!{_parity_ok(parity, f'frame[{n}:0]')}) p_q <= 1'b1;\n" if par else "")
    arms.append(f"{tw}'d{last}: begin\n    active <= 1'b0;\n    if (!rx) begin hunt <= 1'b1;" + (" f_q <= 1'b1;" if fe else "")
                + f" end\n    {check}    else begin char_q <= {data}; v_q <= 1'b1; end\nend")
    arms.append("default: ;")
    body = ("v_q <= 1'b0;" + ("\nf_q <= 1'b0;" if fe else "") + ("\np_q <= 1'b0;" if par else "")
            + "\nif (hunt) begin\n    if (rx) hunt <= 1'b0;\nend\n"
            + f"else if (!active) begin\n    if (!rx) begin active <= 1'b1; t <= {tw}'d1; end\nend\n"
            + "else begin\n    t <= t + 1'b1;\n    case (t)\n" + "".join(f"        {line}\n" for a in arms for line in a.splitlines())
            + "    endcase\nend")
    resets = ["active <= 1'b0;", "hunt <= 1'b0;", f"t <= {tw}'d0;", f"frame <= {bits - 2}'d0;", f"char_q <= {n}'d0;",
              "v_q <= 1'b0;"] + (["f_q <= 1'b0;"] if fe else []) + (["p_q <= 1'b0;"] if par else [])
    outs = ["    assign data = char_q;", "    assign valid = v_q;"] + (["    assign frame_error = f_q;"] if fe else []) \
        + (["    assign parity_error = p_q;"] if par else [])
    return "\n".join(decl) + "\n" + reset.process("\n".join(resets), body) + "\n".join(outs) + "\n"
