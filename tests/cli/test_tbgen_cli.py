"""`codev tbgen`: the seed, the coverage report and testbenches that plain iverilog runs."""
from __future__ import annotations

import json
import subprocess

import pytest

from codev.cli import main

GOLDEN = """module top(input clk, input rst, input en, output reg [9:0] q, output wrap, output never, inout [3:0] io);
  always @(posedge clk) if (rst) q <= 0; else if (en) q <= q + 1'b1;
  assign wrap = &q;
  assign never = 1'b0;
  assign io = en ? q[3:0] : 4'bz;
endmodule
"""


@pytest.fixture()
def golden(tmp_path):
    path = tmp_path / "golden.v"
    path.write_text(GOLDEN)
    return path


def test_tbgen_reports_seed_and_never_toggled_outputs(golden, tmp_path, capsys):
    out = tmp_path / "tb"
    assert main(["tbgen", "--golden", str(golden), "--seed", "7", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "seed 7" in printed and "never toggled in the golden trace: never" in printed
    coverage = json.loads((out / "coverage.json").read_text())
    assert coverage["seed"] == 7 and coverage["untoggled"] == ["never"] and coverage["counter_bits"] == 10
    assert coverage["long_run_start_step"] > 0
    assert "seed 7" in (out / "README.txt").read_text()
    # the compare testbench passes the golden itself, inout driven, with plain iverilog
    subprocess.run(["iverilog", "-g2012", "-o", "c.vvp", "tb_compare.v", str(golden)], cwd=out, check=True)
    run = subprocess.run(["vvp", "-n", "c.vvp"], cwd=out, capture_output=True, text=True, check=True)
    assert "tbgen R 0 0 -1" in run.stdout


def test_tbgen_without_long_run_shows_the_unreached_wrap(golden, tmp_path, capsys):
    assert main(["tbgen", "--golden", str(golden), "--seed", "1", "--long-cycles", "0", "--cycles", "100",
                 "-o", str(tmp_path / "tb")]) == 0
    printed = capsys.readouterr().out
    assert "wrap" in printed.split("never toggled in the golden trace:")[1].splitlines()[0]
    assert "bits that never toggled: q[" in printed


def test_tbgen_bad_arguments_are_one_line_errors(golden, tmp_path, capsys):
    assert main(["tbgen", "--golden", str(golden), "--long-cycles", "-1", "-o", str(tmp_path / "x")]) == 2
    assert "--long-cycles" in capsys.readouterr().err
