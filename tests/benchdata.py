"""Where the tests find the benchmark copy ($CODEV_BENCH_ROOT, the fetched copy, ../shared/benchmarks) and its designs."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def bench_root() -> Path:
    """$CODEV_BENCH_ROOT, else the copy `codev bench fetch` recorded, else ../shared/benchmarks; skip if none."""
    from codev.errors import UsageError
    from codev.eval.userconfig import require_bench_root

    try:
        root = require_bench_root()  # the one lookup every command and bench script uses
    except UsageError as exc:
        pytest.skip(f"benchmark data: {exc}")
    if not (root / "verilogeval_v1").is_dir():
        pytest.skip(f"benchmark data not found at {root} (set CODEV_BENCH_ROOT or run `codev bench fetch`)")
    return root


def ve2_reference(problem: str) -> str:
    (path,) = (bench_root() / "verilogeval_v2" / "dataset_spec-to-rtl").glob(f"{problem}*_ref.sv")
    return path.read_text()


def rtllm_reference(design: str) -> str:
    return next((bench_root() / "rtllm_v2" / design).glob("verified_*.v")).read_text()


def as_top(source: str) -> str:
    """A VerilogEval reference as a candidate would write it (module TopModule)."""
    return re.sub(r"\bRefModule\b", "TopModule", source)


# VerilogEval's thermostat (Prob072) as procedural code: no n-gram in common with its
# continuous assigns, so only a functional check recognises the benchmark copy
THERMOSTAT_RESTYLED = """module climate(input mode, input too_cold, input too_hot, input fan_on,
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
