"""Bugs are caught; correct rewrites in another style are not flagged; several clocks work."""
from __future__ import annotations

import pytest

from testbench_gen import CheckOptions, VerdictKind, check

from tests.benchdata import as_top, rtllm_reference, ve2_reference

COUNTER = """
module counter(input clk, input rst_n, input en, output reg [3:0] q, output wrap);
  always @(posedge clk or negedge rst_n)
    if (!rst_n) q <= 4'd0;
    else if (en) q <= (q == 4'd9) ? 4'd0 : q + 4'd1;
  assign wrap = en && (q == 4'd9);
endmodule
"""

MUTANTS = {
    "operator swap": COUNTER.replace("q + 4'd1", "q - 4'd1"),
    "off by one": COUNTER.replace("(q == 4'd9) ?", "(q == 4'd10) ?"),
    "wrong reset polarity": COUNTER.replace("if (!rst_n)", "if (rst_n)").replace("negedge rst_n", "posedge rst_n"),
    "missing reset": COUNTER.replace("if (!rst_n) q <= 4'd0;\n    else ", "").replace(" or negedge rst_n", ""),
    "synchronous instead of asynchronous reset": COUNTER.replace(" or negedge rst_n", ""),
    "swapped clock edge": COUNTER.replace("posedge clk", "negedge clk"),
    "logical and -> or": COUNTER.replace("en && (q", "en || (q"),
    "enable ignored": COUNTER.replace("else if (en)", "else"),
}


@pytest.mark.parametrize("name", list(MUTANTS))
def test_hand_written_mutants_are_caught(name):
    (verdict,) = check(COUNTER, [MUTANTS[name]])
    assert verdict.kind is VerdictKind.MISMATCH, verdict.reason
    cex = verdict.counterexample
    assert cex is not None and cex.outputs
    for out in cex.outputs.values():
        assert out.expected != out.actual


def test_counterexample_replays_standalone(tmp_path):
    import subprocess

    (verdict,) = check(COUNTER, [MUTANTS["off by one"]], CheckOptions(replay_testbench=True))
    tb = tmp_path / "replay.v"
    tb.write_text(verdict.counterexample.testbench)
    (tmp_path / "dut.v").write_text(MUTANTS["off by one"])
    subprocess.run(["iverilog", "-g2012", "-o", str(tmp_path / "r.vvp"), str(tb), str(tmp_path / "dut.v")], check=True)
    run = subprocess.run(["vvp", "-n", str(tmp_path / "r.vvp"), "+vcd"], capture_output=True, text=True, cwd=tmp_path)
    cex = verdict.counterexample
    port, value = next(iter(cex.outputs.items()))
    # the replay reproduces the mismatch, numbered and worded as verify's counterexample, and fails
    assert f"MISMATCH at cycle {cex.cycle} on {port}: expected {value.expected}, got {value.actual}" in run.stdout, run.stdout
    assert run.returncode != 0
    assert (tmp_path / "replay.vcd").exists()
    assert "// Run:  iverilog" in tb.read_text()
    (tmp_path / "dut.v").write_text(COUNTER)  # the golden itself passes its own replay
    subprocess.run(["iverilog", "-g2012", "-o", str(tmp_path / "g.vvp"), str(tb), str(tmp_path / "dut.v")], check=True)
    run = subprocess.run(["vvp", "-n", str(tmp_path / "g.vvp")], capture_output=True, text=True)
    assert run.returncode == 0 and "PASS" in run.stdout, run.stdout


REWRITES = {
    "case statement and separate comb logic": """
module counter(input clk, input rst_n, input en, output reg [3:0] q, output wrap);
  reg [3:0] nxt;
  always @(*) begin
    case ({en, q == 4'd9})
      2'b11: nxt = 4'd0;
      2'b10: nxt = q + 1'b1;
      default: nxt = q;
    endcase
  end
  always @(posedge clk, negedge rst_n) begin
    if (~rst_n) q <= '0; else q <= nxt;
  end
  assign wrap = (q == 9) & en;
endmodule""",
    "systemverilog always_ff / logic": """
module counter(input logic clk, input logic rst_n, input logic en, output logic [3:0] q, output logic wrap);
  always_ff @(posedge clk or negedge rst_n) begin
    if (rst_n == 1'b0) q <= 0;
    else if (en && q != 9) q <= q + 1;
    else if (en) q <= 0;
  end
  always_comb wrap = en & (q == 4'b1001);
endmodule""",
    "hierarchical with submodule": """
module inc(input [3:0] a, output [3:0] y); assign y = (a == 4'd9) ? 4'd0 : a + 4'd1; endmodule
module counter(input clk, input rst_n, input en, output reg [3:0] q, output wrap);
  wire [3:0] n;
  inc u_inc(.a(q), .y(n));
  always @(posedge clk or negedge rst_n) if (!rst_n) q <= 0; else if (en) q <= n;
  assign wrap = en ? (q == 4'd9) : 1'b0;
endmodule""",
}


@pytest.mark.parametrize("name", list(REWRITES))
def test_correct_rewrites_are_equivalent(name):
    (verdict,) = check(COUNTER, [REWRITES[name]])
    assert verdict.kind is VerdictKind.EQUIVALENT, (verdict.reason, verdict.detail)


def test_benchmark_mutants_caught_and_references_pass_in_one_batch(bench_root):
    golden = ve2_reference("Prob128_fsm_ps2")
    good = as_top(golden)
    bad_state = good.replace("in[3]", "in[2]", 1)
    verdicts = check(golden, [good, bad_state, good])
    assert [v.kind for v in verdicts] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH, VerdictKind.EQUIVALENT]


def test_corner_and_golden_constants_reach_a_16bit_decoder():
    """A 16-bit scancode decoder is never exercised by uniform random inputs; constants are used."""
    decoder = """
module dec(input [15:0] code, output reg left, output reg up);
  always @(*) begin
    left = 0; up = 0;
    case (code)
      16'he06b: left = 1;
      16'he075: up = 1;
      default: ;
    endcase
  end
endmodule"""
    wrong = decoder.replace("16'he075", "16'he076")
    (verdict,) = check(decoder, [wrong])
    assert verdict.kind is VerdictKind.MISMATCH


def test_two_clock_fifo_checked_and_one_domain_bug_caught(bench_root):
    golden = rtllm_reference("asyn_fifo")
    buggy = golden.replace("raddr_bin <= raddr_bin + 1'd1", "raddr_bin <= raddr_bin + 2'd2")
    assert buggy != golden
    verdicts = check(golden, [golden, buggy])
    assert verdicts[0].kind is VerdictKind.EQUIVALENT, verdicts[0].reason
    assert verdicts[1].kind is VerdictKind.MISMATCH


def test_synchronizer_two_clocks(bench_root):
    golden = rtllm_reference("synchronizer")
    (verdict,) = check(golden, [golden])
    assert verdict.kind is VerdictKind.EQUIVALENT


def test_mismatch_rates_are_per_output_and_every_run_goes_to_the_end():
    options = CheckOptions(cycles=400, horizon_jitter=0, long_cycles=0)  # exactly 400 cycles
    (verdict,) = check(COUNTER, [MUTANTS["logical and -> or"]], options)
    assert verdict.kind is VerdictKind.MISMATCH
    assert verdict.mismatch_rate["q"] == 0.0 and 0 < verdict.mismatch_rate["wrap"] < 1
    assert verdict.samples_compared == 400 * 2 * 2  # 2 steps per cycle, 2 samples per step


def test_golden_x_bits_are_not_compared_unless_strict():
    golden = "module m(input clk, input d, output reg q, output y); always @(posedge clk) q <= d; assign y = d; endmodule"
    cand = "module m(input clk, input d, output reg q, output y); initial q = 0; always @(posedge clk) q <= d; assign y = d; endmodule"
    assert check(golden, [cand])[0].kind is VerdictKind.EQUIVALENT
    assert check(golden, [cand], CheckOptions(x_matches_anything=False))[0].kind is VerdictKind.MISMATCH


def test_candidate_x_where_golden_is_known_is_a_mismatch():
    golden = "module m(input a, output y); assign y = a; endmodule"
    cand = "module m(input a, output y); assign y = 1'bx; endmodule"
    assert check(golden, [cand])[0].kind is VerdictKind.MISMATCH


X_GOLDEN = "module xg(input [1:0] a, input [1:0] b, output [2:0] y); assign y = {a ^ b, 1'bx}; endmodule\n"


def test_x_in_golden_matches_only_its_own_bit_in_batch_alone_and_in_the_replay(tmp_path):
    """An attack on the x-matching compare (one `differs` function serves the batch and the replay harness):
    candidates wrong on a defined bit (a wrong value, an x or a z there, all x) are never paid for matching the
    golden's x bit, in a batch or alone, and each one's standalone replay fails; a candidate right on the
    defined bits passes everywhere."""
    import subprocess

    wrongs = [X_GOLDEN.replace("{a ^ b, 1'bx}", expr) for expr in (
        "{a ^ b ^ {1'b0, a[0] & b[1]}, 1'bx}",   # a wrong value on one input pattern
        "{a[1] ^ b[1], 1'bx, 1'bx}",             # x where the golden is defined
        "{a ^ b, 1'bz} ^ {1'bz, 2'b00}",         # z (read as x) on the top defined bit
        "3'bxxx",                                # x everywhere: matches the x bit and nothing else
    )]
    right = X_GOLDEN.replace("{a ^ b, 1'bx}", "{a ^ b, a[0]}")
    options = CheckOptions(replay_testbench=True, x_matches_anything=True)
    batch = check(X_GOLDEN, wrongs + [right], options)
    alone = [check(X_GOLDEN, [c], options)[0] for c in wrongs + [right]]
    expected = [VerdictKind.MISMATCH] * len(wrongs) + [VerdictKind.EQUIVALENT]
    assert [v.kind for v in batch] == [v.kind for v in alone] == expected, [v.reason for v in batch + alone]
    for i, wrong in enumerate(wrongs):
        tb = tmp_path / f"replay{i}.v"
        tb.write_text(alone[i].counterexample.testbench)
        for name, source, passes in ((f"wrong{i}", wrong, False), (f"right{i}", right, True)):
            (tmp_path / f"{name}.v").write_text(source)
            subprocess.run(["iverilog", "-g2012", "-o", str(tmp_path / f"{name}.vvp"), str(tb),
                            str(tmp_path / f"{name}.v")], check=True)
            run = subprocess.run(["vvp", "-n", str(tmp_path / f"{name}.vvp")], capture_output=True, text=True)
            assert (run.returncode == 0 and "PASS" in run.stdout) == passes, (name, run.stdout)
