"""Degenerate generator items: dataflow (pyverilog) finds constant outputs and unused inputs, the golden's
own simulation finds outputs that never toggle; the ALU and pipeline families no longer make them."""
from __future__ import annotations

import random

import pytest

from codev.synth.dataflow import DataflowUnavailable, analyse
from codev.synth.generator import FAMILIES, verify
from codev.synth.generator.degenerate import degeneracy
from codev.synth.generator.families.alu import Alu
from codev.synth.generator.families.pipeline import Pipeline
from testbench_gen import CheckOptions

FLAGS = """module f(input [3:0] a, input [3:0] b, input [1:0] op, output [3:0] y, output carry, output zero);
  reg [3:0] r; reg c;
  always @* begin
    c = 1'b0;
    case (op) 2'd0: r = a & b; 2'd1: r = a | b; default: r = a ^ b; endcase
  end
  assign y = r; assign carry = c; assign zero = (r == 0);
endmodule
"""
COUNTER = """module cnt(input clk, input rst, input unused_en, output reg [3:0] q);
  always @(posedge clk) if (rst) q <= 4'd0; else q <= q + 4'd1;
endmodule
"""


def test_dataflow_finds_a_flag_no_input_reaches_and_an_input_no_output_reads():
    flow = analyse(FLAGS, "f")
    assert flow.reach["y"] == {"a", "b", "op"} and flow.reach["zero"] == {"a", "b", "op"}
    assert flow.constant_outputs() == ["carry"] and flow.unused_inputs() == []
    counter = analyse(COUNTER, "cnt")
    assert counter.constant_outputs({"clk", "rst"}) == []  # it reads only the reset, but it counts
    assert counter.unused_inputs({"clk"}) == ["unused_en"]


def test_systemverilog_outside_pyverilog_is_reported_not_raised():
    with pytest.raises(DataflowUnavailable):
        analyse("module m(input a, output y); typedef enum logic [1:0] {A, B} st_t; st_t s; assign y = a; endmodule", "m")


def test_an_alu_with_a_carry_but_no_add_is_dropped_as_constant_output():
    params = {"width": 8, "ops": {"0": "and", "1": "or", "2": "xor", "3": "nor", "4": "not"},
              "flags": ["zero", "carry"]}
    design = Alu().build(params, 3)
    result = verify([design], CheckOptions(cycles=300), formal=False, workers=1)[0]
    assert result.ok and "carry" in result.untoggled
    found = degeneracy(design, result.untoggled)
    assert found.reason == "constant_output" and found.ports == ("carry",)


def test_a_pipeline_whose_output_never_toggles_is_dropped_by_simulation():
    """((a & 0) ...): every input reaches `y` structurally, but `y` is 0 throughout the golden's run."""
    params = {"width": 4, "ops": [["&", "b"], ["&", "c"], ["^", "b"]], "stall": False,
              "reset_active_high": True, "reset_synchronous": True}
    design = Pipeline().build({**params, "ops": [["-", "a"], ["|", "b"]]}, 2)  # a - a, then | b
    result = verify([design], CheckOptions(cycles=300), formal=False, workers=1)[0]
    assert result.ok and degeneracy(design, result.untoggled) is None  # `| b` keeps it alive
    constant = Pipeline().build({**params, "ops": [["-", "a"], ["&", 0 or 1]]}, 2)  # (a - a) & 1 == 0
    result = verify([constant], CheckOptions(cycles=300), formal=False, workers=1)[0]
    assert result.ok and "y" in result.untoggled
    assert degeneracy(constant, result.untoggled).reason == "never_toggles"


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_no_family_makes_structurally_degenerate_items(name):
    """Every level, several seeds: no constant output and no unused input (was 41% of level-3 ALUs and 89%
    of level-1 pipelines)."""
    family = FAMILIES[name]
    for level in range(1, 6):
        for seed in range(4):
            design = family.build(family.sample(random.Random(f"degenerate/{name}/{level}/{seed}"), level), level)
            found = degeneracy(design, ())
            assert found is None, (design.params, found)


def test_skeleton_cap_keeps_width_variants_from_crowding_the_set(tmp_path):
    """Level-1 unsigned multipliers are one skeleton (`assign p = a * b;` at several widths): with a cap of
    one, the second candidate is a duplicate, however many are drawn."""
    from codev.synth.generator import GeneratorConfig, generate
    from codev.synth.generator.store import read_attempts

    config = GeneratorConfig(n=2, families=("multiplier",), max_level=1, max_per_skeleton=1, max_attempts=12,
                             formal=False, decontam=False, jobs=1)
    store = generate(config, tmp_path / "g")
    attempts = read_attempts(tmp_path / "g" / "attempts.jsonl")
    assert store.kept == 1 and len(attempts) == 12
    assert all("skeleton already used" in a.reason for a in attempts if a.status == "duplicate" and
               "normalized" not in a.reason)
    assert {a.shape for a in attempts} == {attempts[0].shape}
