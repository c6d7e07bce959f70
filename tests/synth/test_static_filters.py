"""Static filters, each reason from a real pyslang parse or a real Icarus compile."""
from __future__ import annotations

import json

from codev.synth.config import FilterConfig
from codev.synth.items import Item
from codev.synth.static_filters import judge

from .conftest import read_jsonl, write_items

GOOD = "module inv(input a, output y);\n  assign y = ~a;\nendmodule\n"
CASES = {
    "good": GOOD,
    "tiny": "module t(input a, output y); assign y = a; endmodule",
    "syntax": "module s(input a, output y);\n  assign y = ;\nendmodule\n",
    "noports": "module n;\n  wire w;\nendmodule\n",
    "noout": "module o(input a);\n  wire w = a;\nendmodule\n",
    "noin": "module i(output y);\n  assign y = 1'b1;\nendmodule\n",
    "missing_sub": "module m(input a, output y);\n  vendor_cell u (.i(a), .o(y));\nendmodule\n",
    "icarus_only": "module c(input a, output y);\n  assign y = undeclared_w;\nendmodule\n",  # parses; Icarus refuses
    "reads_file": "module r(input a, output y);\n  initial $readmemh(\"/etc/passwd\", mem);\n  reg [7:0] mem [0:1];\n  assign y = a;\nendmodule\n",
    "huge": "module h(input a, output y);\n" + "  // filler\n" * 500 + "  assign y = a;\nendmodule\n",
}


def test_each_reason(iverilog):
    config = FilterConfig()
    got = {}
    for name, code in CASES.items():
        outcome = judge(Item(name, code, "", "t"), config)
        got[name] = "kept" if outcome.kept else outcome.reason
    assert got == {"good": "kept", "tiny": "too_small", "syntax": "parse_error", "noports": "no_interface",
                   "noout": "no_outputs", "noin": "no_inputs", "missing_sub": "compile_error",
                   "icarus_only": "compile_error", "reads_file": "forbidden_construct", "huge": "too_large"}


def test_kept_item_carries_its_interface(iverilog):
    item = Item("good", GOOD, "inv", "t")
    assert judge(item, FilterConfig()).kept
    ports = json.loads(item.data["interface"])["ports"]
    assert [(p["name"], p["direction"]) for p in ports] == [("a", "input"), ("y", "output")]


def test_filter_command_writes_kept_and_dropped_and_resumes(tmp_path, synth_cli, iverilog):
    items = write_items(tmp_path / "items.jsonl", {"good": GOOD, "syntax": CASES["syntax"]})
    status, out, err = synth_cli("filter", "--input", items, "--out", tmp_path / "o", "--no-progress")
    assert status == 0, err
    assert [r["id"] for r in read_jsonl(tmp_path / "o" / "kept.jsonl")] == ["good"]
    assert read_jsonl(tmp_path / "o" / "dropped.jsonl")[0]["reason"] == "parse_error"
    status, out, err = synth_cli("filter", "--input", items, "--out", tmp_path / "o", "--no-progress")
    assert status == 0 and len(read_jsonl(tmp_path / "o" / "checkpoint.jsonl")) == 2  # nothing redone
    (tmp_path / "bad.jsonl").write_text('{"code": "module m; endmodule"}\n')
    status, _, err = synth_cli("filter", "--input", tmp_path / "bad.jsonl", "--out", tmp_path / "o2")
    assert status == 2 and "bad.jsonl:1: needs \"id\" and \"code\"" in err


BOMB = """module r #(parameter D = 18) (input a, output y);
  generate if (D == 0) begin : leaf assign y = a; end else begin : node
    wire y0, y1; r #(.D(D-1)) u0(.a(a), .y(y0)); r #(.D(D-1)) u1(.a(a), .y(y1)); assign y = y0 & y1;
  end endgenerate
endmodule
module top(input a, output y);
  r #(.D(18)) tree(.a(a), .y(y));
endmodule
"""


def test_elaboration_bomb_costs_only_its_item(iverilog):
    """A corpus is untrusted: a 262k-instance tree is elaborated in the limited front-end worker."""
    bomb = judge(Item("bomb", BOMB, "top", "t"), FilterConfig())
    assert not bomb.kept and bomb.reason == "front_end_limit", (bomb.reason, bomb.detail)
    assert judge(Item("good", GOOD, "inv", "t"), FilterConfig()).kept  # the worker is back for the next item
