"""Port bijections by shape: roles from the checker's inference, position order first, a bounded count."""
from __future__ import annotations

from codev.synth.port_match import bijections, shape_key, shapes
from testbench_gen import infer_interface

COUNTER = """module cnt(input clk, input rst, input en, output reg [3:0] q);
  always @(posedge clk) if (rst) q <= 0; else if (en) q <= q + 1;
endmodule"""
RENAMED = """module c2(input go, input ck, input clear, output reg [3:0] value);
  always @(posedge ck) if (clear) value <= 0; else if (go) value <= value + 1;
endmodule"""
GATES = """module g(input a, input b, input c, input d, input e, output y, output z);
  assign y = a & b & c; assign z = d | e;
endmodule"""


def test_roles_come_from_usage_so_renamed_clock_and_reset_map_onto_each_other():
    ref, item = infer_interface(COUNTER), infer_interface(RENAMED)
    assert shapes(ref)["clk"] == ("input", 1, "clock:posedge")
    assert shapes(ref)["rst"] == ("input", 1, "reset")
    assert shape_key(ref) == shape_key(item)
    found = bijections(ref, item, limit=24)
    assert found.mappings == [{"clk": "ck", "rst": "clear", "en": "go", "q": "value"}] and not found.truncated


def test_bijections_are_bounded_and_say_what_they_left_out():
    iface = infer_interface(GATES)
    found = bijections(iface, iface, limit=24)
    assert found.total == 5 * 4 * 3 * 2 * 2 and len(found.mappings) == 24 and found.truncated
    assert found.mappings[0] == {p.name: p.name for p in iface.ports}  # position order first
    assert len({tuple(sorted(m.items())) for m in found.mappings}) == 24
    assert bijections(iface, infer_interface(COUNTER), limit=24).mappings == []
