"""Interface inference from the golden source alone."""
import pytest

from testbench_gen import InterfaceError, infer_interface

from tests.benchdata import rtllm_reference, ve2_reference


def test_ports_widths_parameters_and_signedness():
    iface = infer_interface("""
module m #(parameter W = 12, parameter D = W * 2) (
  input clk, input signed [W-1:0] a, input [D-1:0] b, output reg [W:0] y, output z);
  always @(posedge clk) y <= a + b[W:0];
  assign z = ^b;
endmodule""")
    ports = {p.name: p for p in iface.ports}
    assert iface.top == "m"
    assert (ports["a"].width, ports["a"].signed) == (12, True)
    assert ports["b"].width == 24 and ports["y"].width == 13
    assert [p.direction for p in iface.ports] == ["input", "input", "input", "output", "output"]
    assert iface.parameters["W"] == 12 and iface.parameters["D"] == 24


def test_async_reset_active_low_from_sensitivity_list():
    iface = infer_interface("""
module m(input ck, input nclr, input d, output reg q);
  always @(posedge ck or negedge nclr) if (!nclr) q <= 0; else q <= d;
endmodule""")
    assert [(c.name, c.edge) for c in iface.clocks] == [("ck", "posedge")]
    assert [(r.name, r.active_high, r.synchronous, r.inferred_from) for r in iface.resets] == [
        ("nclr", False, False, "usage")]


def test_sync_reset_active_high_and_negedge_clock():
    iface = infer_interface("""
module m(input c, input reset, input [3:0] d, output reg [3:0] q);
  always @(negedge c) begin if (reset) q <= 4'd0; else q <= d; end
endmodule""")
    assert [(c.name, c.edge) for c in iface.clocks] == [("c", "negedge")]
    assert [(r.name, r.active_high, r.synchronous) for r in iface.resets] == [("reset", True, True)]


def test_enable_is_not_mistaken_for_a_reset():
    iface = infer_interface("""
module m(input clk, input en, input [3:0] d, output reg [3:0] q);
  always @(posedge clk) if (en) q <= d;
endmodule""")
    assert iface.resets == []
    assert [p.name for p in iface.data_inputs] == ["en", "d"]


def test_dual_edge_clock_and_clock_through_submodule():
    iface = infer_interface("""
module flop(input k, input d, output reg q); always @(posedge k) q <= d; endmodule
module top(input clock, input d, output q1, output reg q2);
  flop u(.k(clock), .d(d), .q(q1));
  always @(negedge clock) q2 <= d;
endmodule""")
    assert iface.top == "top"
    assert [(c.name, c.edge) for c in iface.clocks] == [("clock", "both")]


def test_two_clock_domains(bench_root):
    iface = infer_interface(rtllm_reference("asyn_fifo"))
    assert [c.name for c in iface.clocks] == ["wclk", "rclk"]
    assert {(r.name, r.active_high, r.synchronous) for r in iface.resets} == {
        ("wrstn", False, False), ("rrstn", False, False)}


def test_reset_name_fallback_when_unused_as_edge():
    iface = infer_interface("""
module m(input clk, input rst_n, input d, output q);
  reg r; always @(posedge clk) r <= d & rst_n; assign q = r;
endmodule""")
    assert [(r.name, r.active_high, r.inferred_from) for r in iface.resets] == [("rst_n", False, "name")]


def test_constants_collected(bench_root):
    iface = infer_interface(ve2_reference("Prob128_fsm_ps2"))
    assert iface.constants  # literals the FSM compares against


def test_systemverilog_reference_and_json_roundtrip(bench_root):
    from testbench_gen import Interface

    iface = infer_interface(ve2_reference("Prob144_conwaylife"))
    assert iface.top == "RefModule" and iface.port("q").width == 256
    assert Interface.from_json(iface.to_json()) == iface


def test_top_is_the_uninstantiated_module_and_override():
    src = "module a(input x, output y); assign y = x; endmodule\nmodule b(input x, output y); a u(x, y); endmodule"
    assert infer_interface(src).top == "b"
    assert infer_interface(src, top="a").top == "a"
    with pytest.raises(InterfaceError, match="'c' not found"):
        infer_interface(src, top="c")


def test_several_tops_is_an_error():
    with pytest.raises(InterfaceError, match="several top-level modules"):
        infer_interface("module a(input x, output y); endmodule\nmodule b(input x, output y); endmodule")


# ---- coverage facts for the stimulus: counter-like state, compared constants (issue 7, item 6)
@pytest.mark.parametrize("body, width", [
    ("reg [15:0] q; always @(posedge clk) if (rst) q <= 0; else q <= q + 1'b1; assign y = q[0];", 16),
    ("reg [9:0] q; wire [9:0] nxt = q - 10'd1; always @(posedge clk) q <= nxt; assign y = q[0];", 10),
    ("reg [11:0] q; wire [11:0] n; assign n = q + 12'd3; always @(posedge clk) q <= n; assign y = q[0];", 12),
    ("reg [7:0] r; integer i; always @(posedge clk) for (i = 0; i < 8; i = i + 1) r[i] <= rst; assign y = r[0];", 0),
    ("integer c; always @(posedge clk) if (c == 9) c <= 0; else c <= c + 1; assign y = c[0];", 5),
    ("reg [7:0] a; always @(posedge clk) a <= {a[6:0], a[7]}; assign y = a[0];", 0),
])
def test_counter_bits(body, width):
    iface = infer_interface(f"module m(input clk, input rst, output y);\n{body}\nendmodule")
    assert iface.counter_bits == width


def test_counter_in_a_submodule_counts():
    iface = infer_interface("""
module cnt(input clk, output reg [13:0] q); always @(posedge clk) q <= q + 1'b1; endmodule
module top(input clk, output y); wire [13:0] q; cnt u(.clk(clk), .q(q)); assign y = &q; endmodule""")
    assert iface.top == "top" and iface.counter_bits == 14


def test_compared_constants_are_kept_however_wide_and_however_many():
    labels = "\n".join(f"      8'd{i}: y <= 8'd{(i * 7) % 256};" for i in range(80))
    magic = 0xDEADBEEF_CAFEF00D_0123456789
    iface = infer_interface(f"""
module m(input clk, input [7:0] a, input [103:0] k, output reg [7:0] y, output hit);
  always @(posedge clk) case (a)
{labels}
      default: y <= 8'd0;
    endcase
  assign hit = k == 104'h{magic:x};
endmodule""")
    assert magic in iface.constants
    assert set(range(80)) <= set(iface.constants)


def test_invalid_assignments_do_not_break_counter_inference():
    # pyslang elaborates `assign z = ;` as an invalid expression; candidates are screened through here
    iface = infer_interface("module m(input clk, output reg [3:0] q, output z);\n"
                            "assign z = ; always @(posedge clk) q <= q + 1'b1; endmodule")
    assert iface.counter_bits == 4


def test_chained_bcd_counters_count_together(bench_root):
    # seconds -> minutes -> hours, one BCD digit (a constant slice) per counter: 6 x 4 bits
    assert infer_interface(ve2_reference("Prob141_count_clock")).counter_bits == 24


def test_stored_interfaces_with_the_removed_registered_field_still_load():
    from testbench_gen import Interface

    iface = infer_interface("module m(input a, output y); assign y = a; endmodule")
    data = iface.to_json()
    assert "registered" not in data["ports"][0]
    data["ports"][0]["registered"] = True  # as interfaces stored before its removal have it
    assert Interface.from_json(data) == iface
