"""The rendered testbench: each design under test reads its inputs through its own copies."""
from __future__ import annotations

from testbench_gen import CheckOptions, VerdictKind, check

AND = "module m(input a, input b, output y); assign y = a & b; endmodule"
# wrong unless something holds `a` at 1 for the whole batch
ONLY_B = "module m(input a, input b, output y); assign y = b; endmodule"
# drives its own input port: Icarus coerces the port to inout
DRIVES_INPUT = "module m(input a, input b, output y); assign a = 1'b1; assign y = a & b; endmodule"


def test_a_candidate_that_drives_its_input_cannot_reach_batch_mates():
    options = CheckOptions(cycles=60, seed=3)
    batch = check(AND, [DRIVES_INPUT, ONLY_B, AND], options)
    alone = [check(AND, [c], options)[0] for c in (DRIVES_INPUT, ONLY_B, AND)]
    kinds = [v.kind for v in batch]
    assert kinds == [v.kind for v in alone]
    assert kinds == [VerdictKind.MISMATCH, VerdictKind.MISMATCH, VerdictKind.EQUIVALENT]
    # the batch compiled as one: the driver got a verdict from its own trace, not a compile error
    assert batch[0].samples_compared == alone[0].samples_compared > 0
    assert [v.mismatch_rate for v in batch] == [v.mismatch_rate for v in alone]
