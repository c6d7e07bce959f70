"""Exact and near-duplicate removal (datasketch MinHash LSH), on hand-made items and a real CPU corpus."""
from __future__ import annotations

import pytest

from codev.synth.config import DedupConfig
from codev.synth.dedup import Deduplicator
from codev.synth.items import Item

from .conftest import read_jsonl

BASE = """module shifter(input clk, input rst, input [7:0] d, input load, input dir, output reg [7:0] q,
               output reg [3:0] ones);
  integer i;
  always @(posedge clk) begin
    if (rst) q <= 8'd0;
    else if (load) q <= d;
    else if (dir) q <= {q[6:0], q[7]};
    else q <= {q[0], q[7:1]};
  end
  always @(*) begin
    ones = 4'd0;
    for (i = 0; i < 8; i = i + 1)
      ones = ones + q[i];
  end
endmodule
"""


def run(dedup: Deduplicator, items: list[Item]) -> dict[str, str]:
    return {o.item.id: "kept" if o.kept else o.reason for o in dedup.process(items)}


def test_exact_near_and_distinct():
    reformatted = "// a copy\n" + BASE.replace("\n  ", "\n\t\t").replace("<= 8'd0", "<=  8'd0")
    near = BASE.replace("shifter", "rotator").replace("if (rst) q <= 8'd0;", "if (rst) q <= 8'hff;")
    distinct = "module other(input [3:0] a, input [3:0] b, output [4:0] s);\n  assign s = a + b;\nendmodule\n"
    items = [Item(i, code, "", "t") for i, code in
             [("base", BASE), ("copy", reformatted), ("near", near), ("distinct", distinct)]]
    assert run(Deduplicator(DedupConfig()), items) == {"base": "kept", "copy": "exact_duplicate",
                                                      "near": "near_duplicate", "distinct": "kept"}


def test_prime_restores_the_index_after_a_restart():
    fresh = Deduplicator(DedupConfig())
    fresh.prime([Item("base", BASE, "", "t")])
    assert run(fresh, [Item("again", BASE, "", "t")]) == {"again": "exact_duplicate"}


def test_real_corpus_ingest_filter_dedup(tmp_path, synth_cli, iverilog):
    serv = pytest.importorskip("pythondata_cpu_serv", reason="pip install pythondata-cpu-serv (real corpus test)")
    from pathlib import Path

    root = Path(serv.__file__).parent / "verilog"
    cfg = tmp_path / "c.yaml"
    cfg.write_text("sources: [{kind: seed}]\nfilters: {max_lines: 4000, max_chars: 200000}\n")
    assert synth_cli("ingest", "--source", root, "--out", tmp_path / "i", "--no-progress")[0] == 0
    assert synth_cli("filter", "--input", tmp_path / "i" / "items.jsonl", "--config", cfg, "--out", tmp_path / "f",
                     "--no-progress")[0] == 0
    assert synth_cli("dedup", "--input", tmp_path / "f" / "kept.jsonl", "--out", tmp_path / "d", "--no-progress")[0] == 0
    kept, dropped = read_jsonl(tmp_path / "d" / "kept.jsonl"), read_jsonl(tmp_path / "d" / "dropped.jsonl")
    # SERV ships one SoC top per FPGA board: the copies that differ only in board glue are near duplicates
    assert len(kept) >= 15 and {d["reason"] for d in dropped} == {"near_duplicate"} and len(dropped) >= 2
    filtered = read_jsonl(tmp_path / "f" / "dropped.jsonl")
    assert "compile_error" in {d["reason"] for d in filtered}  # board tops need vendor PLL primitives
