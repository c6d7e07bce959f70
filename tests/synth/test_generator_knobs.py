"""The newer families' knobs change behaviour, and their second renderings see each one: the golden of one
setting checked against the second rendering of a neighbouring setting (one knob changed, same ports) must
be a mismatch. A knob the second rendering ignored would pass here and be a family that verifies whatever
its golden does."""
from __future__ import annotations

from dataclasses import replace

from codev.synth.generator import FAMILIES, verify
from codev.synth.generator.families.table import enumerate_states
from testbench_gen import CheckOptions

R = {"reset_active_high": False, "reset_synchronous": True}
ROVER = {"story": "rover", "start_left": True, "fall": True, "pause": 2, "fall_limit": 3, **R}
FRAMER = {"story": "framer", "words": 3, "width": 4, "marker_value": 1, "marker_bit": 2, "capture": True,
          "valid": True, **R}
CROSSING = {"story": "crossing", "green": 4, "yellow": 2, "side": 3, "walk": 2, **R}
UART = {"data_bits": 8, "baud_div": 4, "parity": "even", "frame_error": True, **R}
CA = {"dims": 1, "cells": 8, "rule": 30, "ring": False, "hold": True, **R}
LIFE = {"dims": 2, "cells": 4, "birth": [3, 6], "survive": [2, 3], "ring": True, "hold": False, **R}
MUL = {"op": "mul", "width": 8, "radix": 2, "signed": True, **R}
SYNC = {"kind": "sync", "width": 2, "stages": 2, "pulse": True, **R}
WPTR = {"kind": "write_side", "addr_bits": 3, **R}
RPTR = {"kind": "read_side", "addr_bits": 3, **R}
RING = {"kind": "johnson", "width": 6, "left": True, "enable": True, "reversible": False, **R}

# (family, level, params, knob changed in the second rendering[, an edit of the second rendering where a knob
# would change the ports])
CASES = [("story_fsm", 4, ROVER, {"pause": 3}), ("story_fsm", 4, ROVER, {"fall_limit": 4}),
         ("story_fsm", 4, ROVER, {"start_left": False}), ("story_fsm", 4, FRAMER, {"marker_bit": 1}),
         ("story_fsm", 4, FRAMER, {"marker_value": 0}), ("story_fsm", 4, CROSSING, {"walk": 3}),
         ("story_fsm", 4, CROSSING, {"green": 5}), ("uart_rx", 4, UART, {"parity": "odd"}),
         ("uart_rx", 4, UART, {"baud_div": 5}), ("cellular", 3, CA, {"ring": True}), ("cellular", 3, CA, {"rule": 45}),
         ("cellular", 4, LIFE, {"ring": False}), ("cellular", 4, LIFE, {"survive": [2]}),
         ("seq_muldiv", 4, MUL, {"signed": False}), ("seq_muldiv", 4, MUL, {"radix": 1}),
         ("ring_counter", 4, RING, {"left": False}), ("ring_counter", 4, RING, {"kind": "ring"}),
         ("cdc", 2, SYNC, {"stages": 3}), ("cdc", 4, WPTR, {}, ("(gap == 4'd8)", "(gap == 4'd7)")),
         ("cdc", 4, RPTR, {}, ("(gap == 4'd0)", "(gap == 4'd1)")),
         ("barrel_shifter", 2, {"width": 8, "ops": ["rotl"]}, {"ops": ["rotr"]}),
         ("barrel_shifter", 3, {"width": 16, "ops": ["shr", "sra"]}, {"ops": ["shr", "shl"]})]


def test_each_knob_is_seen_by_the_second_rendering():
    designs = []
    for family, level, params, knob, *edit in CASES:
        golden = FAMILIES[family].build(params, level)
        other = FAMILIES[family].build({**params, **knob} if not edit else params, level)
        alternate = other.alternate.replace(f"module {other.top}(", f"module {golden.top}(")
        if edit:
            assert edit[0][0] in alternate
            alternate = alternate.replace(*edit[0])
        if params.get("signed") and not knob.get("signed", True):  # same ports: keep the signed declarations
            alternate = alternate.replace("output [", "output signed [").replace("input [", "input signed [")
        designs.append(replace(golden, alternate=alternate))
    results = verify(designs, CheckOptions(cycles=600), formal=False, workers=2)
    for (family, _, params, knob, *_), result in zip(CASES, results):
        assert not result.ok and result.reason.startswith("mismatch"), (family, knob, result.reason)


def test_state_enumeration_walks_every_reachable_state_once():
    # a mod-5 counter that only counts when its one condition is 1, and jumps to 0 from 3 when it is 0
    def step(state, bits):
        return (state + 1) % 5 if bits[0] else (0 if state == 3 else state)
    order, edges = enumerate_states(0, step, 1)
    assert order == [0, 1, 2, 3, 4]
    assert edges[3, 0] == 0 and edges[4, 1] == 0 and edges[2, 0] == 2
