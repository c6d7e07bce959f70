"""Decontamination: a benchmark reference with renamed signals and new layout is caught by text; the same
function written in another style (no shared text) only by the checker; an unrelated design is kept."""
from __future__ import annotations

import pytest

from codev.synth.decontam import BenchmarkIndex, DecontamConfig

from .conftest import read_jsonl, write_items

# VerilogEval's always_casez (Prob071) with every name changed, one case arm per line pair, comments added
RENAMED = """// priority encoder, found in some repository
module prio_enc(input [7:0] data_i,
                output reg [2:0] idx_o);
always @(*)
begin
  casez (data_i)
    default : idx_o = 2'h0;
    8'bzzzzzzz1: idx_o = 3'h0;   8'bzzzzzz1z: idx_o = 3'h1;
    8'bzzzzz1zz: idx_o = 3'h2;   8'bzzzz1zzz: idx_o = 3'h3;
    8'bzzz1zzzz: idx_o = 3'h4;   8'bzz1zzzzz: idx_o = 3'h5;
    8'bz1zzzzzz: idx_o = 3'h6;   8'b1zzzzzzz: idx_o = 3'h7;
  endcase
end
endmodule
"""
# VerilogEval's thermostat (Prob072) as procedural code: no n-gram in common with its continuous assigns
RESTYLED = """module climate(input mode, input too_cold, input too_hot, input fan_on,
               output reg heater, output reg aircon, output reg fan);
  // heating mode when mode is set, cooling otherwise
  always @* begin
    heater = 1'b0; aircon = 1'b0;
    if (mode) begin
      if (too_cold) heater = 1'b1;
    end else if (too_hot) begin
      aircon = 1'b1;
    end
    fan = heater | aircon | fan_on;
  end
endmodule
"""
# the thermostat again, in another style with every port renamed and the outputs declared in another order
RENAMED_PORTS = """module hvac(input m, input cold, input hot, input f,
            output reg ventilate, output reg warm, output reg chill);
  always @* begin
    warm = m ? cold : 1'b0;
    chill = m ? 1'b0 : hot;
    ventilate = f | warm | chill;
  end
endmodule
"""
# the same port shapes, another function (no bijection makes it the thermostat): must be kept
RENAMED_LOOKALIKE = RENAMED_PORTS.replace("ventilate = f | warm | chill;", "ventilate = f & cold;")
# same ports as the thermostat, different function: must be kept
LOOKALIKE = RESTYLED.replace("fan = heater | aircon | fan_on;", "fan = fan_on;")
OWN = """module blinker(input clk, input rst, output reg led);
  reg [3:0] cnt;
  always @(posedge clk) if (rst) begin cnt <= 0; led <= 0; end
  else begin cnt <= cnt + 1; if (cnt == 4'd9) led <= ~led; end
endmodule
"""


@pytest.fixture(scope="module")
def index(bench_root):
    return BenchmarkIndex(bench_root, DecontamConfig())


def test_text_match_survives_renaming_and_reformatting(index):
    ref, score = index.text_match(RENAMED)
    assert ref.problem in ("always_casez", "Prob071_always_casez") and score >= 0.9
    assert index.text_match(RESTYLED) is None  # nothing for the text check to see
    assert index.text_match(OWN) is None


def test_decontam_command_reports_text_and_function(tmp_path, synth_cli, bench_root, iverilog):
    items = write_items(tmp_path / "items.jsonl",
                        {"renamed": RENAMED, "restyled": RESTYLED, "lookalike": LOOKALIKE, "own": OWN,
                         "renamed_ports": RENAMED_PORTS, "renamed_lookalike": RENAMED_LOOKALIKE})
    status, out, err = synth_cli("decontam", "--input", items, "--out", tmp_path / "o", "--bench-root", bench_root,
                                 "--no-progress", "--jobs", "2")
    assert status == 0, err
    dropped = {d["id"]: d for d in read_jsonl(tmp_path / "o" / "dropped.jsonl")}
    assert set(dropped) == {"renamed", "restyled", "renamed_ports"}
    assert dropped["renamed_ports"]["reason"] == "function"
    assert dropped["renamed_ports"]["problem"] in ("thermostat", "Prob072_thermostat")
    assert dropped["renamed"]["reason"] == "text" and dropped["restyled"]["reason"] == "function"
    assert dropped["restyled"]["problem"] in ("thermostat", "Prob072_thermostat")
    assert set(dropped["restyled"]) == {"id", "reason", "benchmark", "problem"}
    assert dropped["restyled"]["benchmark"].startswith("verilogeval")
    assert sorted(r["id"] for r in read_jsonl(tmp_path / "o" / "kept.jsonl")) == ["lookalike", "own", "renamed_lookalike"]
    checkpoint = {r["id"]: r for r in read_jsonl(tmp_path / "o" / "checkpoint.jsonl")}
    assert "ports" in checkpoint["renamed_ports"]["detail"] and "ventilate->fan" in checkpoint["renamed_ports"]["detail"]


def test_missing_bench_root_is_a_usage_error(tmp_path, synth_cli):
    items = write_items(tmp_path / "items.jsonl", {"own": OWN})
    status, _, err = synth_cli("decontam", "--input", items, "--out", tmp_path / "o", "--bench-root", tmp_path / "nope")
    assert status == 2 and "nope" in err and "Traceback" not in err
