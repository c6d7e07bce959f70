"""A correct design is never punished (issue 16, section 2): each known false alarm, alone and in a
batch with a correct and a wrong batch-mate, under every backend and strategy it applies to."""
from __future__ import annotations

import pytest

from testbench_gen import CheckOptions, VerdictKind, check
from testbench_gen.backends import get_backend

EQ, MM = VerdictKind.EQUIVALENT, VerdictKind.MISMATCH

ACC = """module acc(input clk, input rst, input [7:0] d, output reg [31:0] q);
  always @(posedge clk) if (rst) q <= 32'd0; else q <= q + d;
endmodule
"""
ACC_REWRITE = """module acc(input clk, input rst, input [7:0] d, output reg [31:0] q);
  reg [31:0] n;
  always @* n = q + {24'd0, d};
  always @(posedge clk) begin
    if (rst) q <= 0;
    else q <= n;
  end
endmodule
"""
ACC_ASYNC = ACC.replace("always @(posedge clk)", "always @(posedge clk or posedge rst)")
ACC_WRONG = ACC.replace("q + d", "q - d")


def need(*tools: str) -> None:
    for tool in tools:
        if not get_backend(tool).available():
            pytest.skip(f"{tool} not installed")


def alone_and_in_batch(golden: str, candidate: str, options: CheckOptions, good: str, wrong: str,
                       expected: VerdictKind = EQ, extra: tuple[str, ...] = ()) -> None:
    """`candidate` gets `expected` alone and beside a correct, a wrong and any `extra` batch-mates."""
    alone = check(golden, [candidate], options)[0]
    assert alone.kind is expected, (alone.reason, alone.detail)
    batch = check(golden, [good, candidate, wrong, *extra], options)
    assert batch[1].kind is expected, (batch[1].reason, batch[1].detail)
    assert batch[0].kind is EQ, batch[0].reason
    assert batch[2].kind is not EQ, batch[2].reason


@pytest.mark.parametrize("backend", ["verilator"])
def test_async_reset_batch_mate_does_not_change_a_sync_candidate(backend):
    """Verilator's --x-initial-edge fired every edge trigger at time 0 and started signals used as
    an edge (a batch-mate's `posedge rst`) at 0 instead of the run's X mode: the sync-reset rewrite
    was `mismatch` at cycle 0 (expected 0, actual x) only beside an async-reset design."""
    need("verilator")
    options = CheckOptions(cycles=60, seeds=2, seed=1, backend=backend)
    alone_and_in_batch(ACC, ACC_REWRITE, options, ACC, ACC_WRONG, extra=(ACC_ASYNC,))
    assert check(ACC, [ACC_REWRITE, ACC_ASYNC], options)[0].kind is EQ
