"""The degenerate screen for round-trip (corpus) items: the generator's three rules (constant output and
unused input by dataflow, never toggling in the golden's own coverage-directed run) as a pipeline stage
before the round trip, with a funnel reason each; designs that merely look odd are kept."""
from __future__ import annotations

import json

import yaml

from codev.config import read_mapping
from codev.synth.config import DegenerateConfig
from codev.synth.degenerate_stage import DegenerateScreen
from codev.synth.items import Item
from testbench_gen import CheckOptions

from .conftest import DEFAULT_CONFIG

CONSTANT = """module status5(input [4:0] a, input [4:0] b, output [4:0] y, output ovf);
  // the overflow flag is declared but no operation can set it
  assign y = a & ~b;
  assign ovf = 1'b0;
endmodule
"""
UNUSED = """module pick5(input [4:0] a, input [4:0] b, input sel, output [4:0] y);
  // sel is never read
  assign y = a | (b >> 1);
endmodule
"""
STUCK = """module diff5(input [4:0] a, input [4:0] b, output [4:0] y);
  // every input reaches y, yet y is always 0
  assign y = (a - a) & b;
endmodule
"""
HIERARCHY = """module inv1(input a, output y);
  assign y = ~a;
endmodule
module top_h(input clk, input rst, input d, input e, output reg q, output w);
  wire t;
  inv1 u(.a(d), .y(t));
  assign w = t & e;
  always @(posedge clk) if (rst) q <= 1'b0; else q <= t;
endmodule
"""
FREE_COUNTER = """module tick4(input clk, input rst, output reg [3:0] q);
  always @(posedge clk) if (rst) q <= 4'd0; else q <= q + 4'd1;
endmodule
"""
SYSTEMVERILOG = """module sv_stuck(input logic [3:0] a, output logic [3:0] y);
  typedef enum logic [1:0] {IDLE, RUN} st_t;
  st_t s;
  assign s = IDLE;
  assign y = (s == RUN) ? a : 4'd0;
endmodule
"""


def item(code: str, top: str) -> Item:
    return Item(top, code, top, "test")


def test_each_rule_drops_its_item_and_keeps_the_rest(checker, iverilog):
    items = [item(CONSTANT, "status5"), item(UNUSED, "pick5"), item(STUCK, "diff5"), item(HIERARCHY, "top_h"),
             item(FREE_COUNTER, "tick4"), item(SYSTEMVERILOG, "sv_stuck")]
    screen = DegenerateScreen(DegenerateConfig(), CheckOptions(cycles=300), checker)
    got = {o.item.id: (o.kept, o.reason, o.detail) for o in screen.process(items)}
    assert got["status5"] == (False, "constant_output", "constant_output: ovf")
    assert got["pick5"] == (False, "unused_input", "unused_input: sel")
    assert got["diff5"] == (False, "never_toggles", "never_toggles: y")  # structure cannot see a - a
    # an input read only through a submodule, a counter that reads only its reset: both real designs
    assert got["top_h"][:2] == (True, "") and got["tick4"][:2] == (True, "")
    # SystemVerilog pyverilog cannot read still gets the simulation rule
    assert got["sv_stuck"] == (False, "never_toggles", "never_toggles: y")
    # the simulation rule can be turned off (it costs one check per item): then only structure decides
    structural_only = DegenerateScreen(DegenerateConfig(never_toggles=False), CheckOptions(cycles=300), checker)
    kept = {o.item.id for o in structural_only.process([item(STUCK, "diff5"), item(CONSTANT, "status5")]) if o.kept}
    assert kept == {"diff5"}


def test_the_pipeline_drops_degenerate_corpus_items_before_the_round_trip(tmp_path, synth_cli, bench_root, iverilog):
    """The seed corpus plus three degenerate modules: the `degenerate` funnel row names one reason each, and no
    LLM request is made for them (the replay file holds none: a request would stop the run)."""
    corpus = tmp_path / "extra.jsonl"
    corpus.write_text("".join(json.dumps({"code": code, "path": f"extra/{top}.v", "licence": "CC0-1.0"}) + "\n"
                              for code, top in ((CONSTANT, "status5"), (UNUSED, "pick5"), (STUCK, "diff5"))))
    data = read_mapping(DEFAULT_CONFIG)
    data.pop("generator")
    data["sources"].append({"kind": "jsonl", "path": str(corpus), "name": "extra"})
    data["decontam"]["bench_root"] = str(bench_root)
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump(data))
    status, stdout, err = synth_cli("run", "--config", config, "--out", tmp_path / "run", "--no-progress")
    assert status == 0, err
    funnel = {s["name"]: s for s in json.loads(stdout)["funnel"]}
    assert funnel["degenerate"] == {"name": "degenerate", "in": 10, "kept": 7,
                                    "dropped": {"constant_output": 1, "never_toggles": 1, "unused_input": 1}}
    assert funnel["roundtrip"]["in"] == 7
    report = (tmp_path / "run" / "report.md").read_text()
    assert "| never_toggles |" in report and "never_toggles: y" in report


def test_the_stage_runs_alone_on_a_jsonl(tmp_path, synth_cli, iverilog):
    from .conftest import read_jsonl, write_items

    items = write_items(tmp_path / "items.jsonl", {"status5": CONSTANT, "tick4": FREE_COUNTER})
    status, stdout, err = synth_cli("degenerate", "--input", items, "--out", tmp_path / "o", "--no-progress")
    assert status == 0, err
    assert [r["id"] for r in read_jsonl(tmp_path / "o" / "kept.jsonl")] == ["tick4"]
    assert read_jsonl(tmp_path / "o" / "dropped.jsonl") == [{"id": "status5", "reason": "constant_output",
                                                             "detail": "constant_output: ovf"}]
