"""`codev demo`: the pipeline on built-in defaults, offline, in under a minute.

Today: the checker on a built-in golden with a correct rewrite, a buggy candidate and two cheating
attempts; then, when the benchmark copy is found, the reference self-check of RTLLM v2.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

GOLDEN = """module counter(input clk, input rst_n, input en, output reg [3:0] q, output wrap);
  always @(posedge clk or negedge rst_n)
    if (!rst_n) q <= 4'd0;
    else if (en) q <= (q == 4'd9) ? 4'd0 : q + 4'd1;
  assign wrap = en && (q == 4'd9);
endmodule
"""
CANDIDATES = {
    "rewrite.v": """module counter(input clk, input rst_n, input en, output reg [3:0] q, output wrap);
  wire at_end = (q == 4'd9);
  always @(posedge clk, negedge rst_n) begin
    if (~rst_n) q <= '0;
    else if (en) q <= at_end ? 4'd0 : q + 1'b1;
  end
  assign wrap = at_end & en;
endmodule
""",
    "off_by_one.v": GOLDEN.replace("(q == 4'd9) ?", "(q == 4'd10) ?"),
    "prints_pass.v": GOLDEN.replace("endmodule", 'initial $display("All tests passed! Mismatches: 0");\nendmodule')
                           .replace("q + 4'd1", "q + 4'd2"),
    "ends_simulation.v": GOLDEN.replace("endmodule", "initial #50 $finish;\nendmodule"),
}


def register(sub) -> None:
    p = sub.add_parser("demo", help="run the pipeline on built-in defaults")
    p.add_argument("--out", default="runs/demo")
    p.add_argument("--bench-root", default=os.environ.get("CODEV_BENCH_ROOT", "../shared/benchmarks"))
    p.set_defaults(func=run)


def run(args) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "golden.v").write_text(GOLDEN)
    for name, text in CANDIDATES.items():
        (out / name).write_text(text)
    cli = [sys.executable, "-m", "codev"]
    print("== 1. verify: golden vs a rewrite, a bug and two cheating attempts")
    cmd = cli + ["verify", "--golden", str(out / "golden.v"), "--jobs", "2", "--replay-dir", str(out / "replays")]
    for name in CANDIDATES:
        cmd += ["--candidate", str(out / name)]
    status = subprocess.run(cmd).returncode
    if status not in (0, 1):
        return status
    print(f"(replay testbenches for the mismatches are in {out / 'replays'})")
    bench = Path(args.bench_root)
    if (bench / "rtllm_v2").is_dir():
        try:
            import codev.cli.eval_cmd  # noqa: F401
        except ModuleNotFoundError:
            return 0
        print("\n== 2. eval: RTLLM v2 reference solutions through the official testbenches")
        status = subprocess.run(cli + ["eval", "--bench", "rtllm-v2", "--references", "--no-progress",
                                         "--bench-root", str(bench), "--out", str(out / "eval"),
                                         "--jobs", "2"]).returncode
        if status not in (0, 1):
            return status
        synth_config = Path(__file__).resolve().parents[2] / "configs" / "synth_default.yaml"
        if synth_config.is_file():
            print("\n== 3. synth: built-in corpus -> filters -> decontam -> round trip -> difficulty (replayed LLM)")
            status = subprocess.run(cli + ["synth", "run", "--config", str(synth_config), "--out", str(out / "synth"),
                                           "--bench-root", str(bench), "--jobs", "2"]).returncode
            print(f"(funnel and examples of every drop: {out / 'synth' / 'report.md'})")
        return 0 if status in (0, 1) else status
    print(f"\n(benchmarks not found at {bench}: skipping the eval step; pass --bench-root)")
    return 0
