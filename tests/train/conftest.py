"""Small real designs as SFT and RL rows (hand-written, so the tests do not depend on the generator)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from codev.synth.records import RLItem, SFTItem
from testbench_gen import infer_interface

DESIGNS = {
    "and2": ("2-input AND: y = a & b.",
             "module and2(input a, input b, output y);\n  assign y = a & b;\nendmodule\n"),
    "or2": ("2-input OR: y = a | b.",
            "module or2(input a, input b, output y);\n  assign y = a | b;\nendmodule\n"),
    "xor2": ("2-input XOR: y = a ^ b.",
             "module xor2(input a, input b, output y);\n  assign y = a ^ b;\nendmodule\n"),
    "inv": ("Inverter: y = ~a.",
            "module inv(input a, output y);\n  assign y = ~a;\nendmodule\n"),
    "mux2": ("4-bit 2:1 mux: y = s ? b : a.",
             "module mux2(input [3:0] a, input [3:0] b, input s, output [3:0] y);\n"
             "  assign y = s ? b : a;\nendmodule\n"),
    "cnt4": ("4-bit counter, synchronous active-high reset rst, clock clk.",
             "module cnt4(input clk, input rst, output reg [3:0] q);\n"
             "  always @(posedge clk) if (rst) q <= 4'd0; else q <= q + 4'd1;\nendmodule\n"),
}


def answer(code: str, thought: str = "Write it.") -> str:
    return f"<think>{thought}</think><answer>```verilog\n{code}```</answer>"


def rl_rows() -> list[dict]:
    return [RLItem(f"rl-{name}", [{"role": "user", "content": spec}], code,
                   json.dumps(infer_interface(code).to_json()), 1, f"test/{'seq' if 'clk' in code else 'comb'}",
                   {"family": name}).to_row()
            for name, (spec, code) in DESIGNS.items()]


def sft_rows() -> list[dict]:
    return [SFTItem(f"sft-{name}", [{"role": "user", "content": spec},
                                    {"role": "assistant", "content": answer(code)}], "test/hand").to_row()
            for name, (spec, code) in DESIGNS.items()]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture
def data_dir(tmp_path) -> Path:
    write_jsonl(tmp_path / "rl.jsonl", rl_rows())
    write_jsonl(tmp_path / "sft.jsonl", sft_rows() * 4)
    return tmp_path
