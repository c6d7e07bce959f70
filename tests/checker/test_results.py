"""Reading a recorded trace fails closed: only exactly what the plan predicts is a complete run."""
from __future__ import annotations

import pytest

from testbench_gen import infer_interface
from testbench_gen.run.results import END_PREFIX, NO_TRACE, RunStatus, read_trace

IFACE = infer_interface("module m(input a, output [1:0] y, output z); assign y = {a, a}; assign z = a; endmodule")


def rows(designs: int = 2, samples: int = 3) -> list[str]:
    return [("01x" if s % 2 else "110") * designs for s in range(samples)]


def write(tmp_path, lines: list[str], newline: bool = True):
    path = tmp_path / "trace.bin"
    path.write_text("\n".join(lines) + ("\n" if newline else ""))
    return path


def test_a_complete_run_splits_into_per_design_traces(tmp_path):
    rec = read_trace(write(tmp_path, rows() + [f"{END_PREFIX}3"]), IFACE, designs=2, samples=3)
    assert rec.status is RunStatus.COMPLETE
    assert rec.traces == [["110", "01x", "110"], ["110", "01x", "110"]]


@pytest.mark.parametrize("lines, newline, status", [
    (rows(), True, RunStatus.INCOMPLETE),  # no END line: never a pass
    (rows()[:2], True, RunStatus.INCOMPLETE),
    (rows()[:2] + ["01x1"], False, RunStatus.INCOMPLETE),  # killed while writing a line
    (rows() + ["END:"], False, RunStatus.INCOMPLETE),
    (rows() + [f"{END_PREFIX}3", f"{END_PREFIX}3"], True, RunStatus.UNTRUSTED),  # duplicate END
    (rows()[:2] + [f"{END_PREFIX}3"], True, RunStatus.UNTRUSTED),  # forged early END
    (rows()[:2] + [f"{END_PREFIX}2"], True, RunStatus.UNTRUSTED),  # END with the wrong count
    (rows() + [rows()[0], f"{END_PREFIX}3"], True, RunStatus.UNTRUSTED),  # one sample too many
    (rows()[:1] + ["abc R 0 0 -1"] + rows()[1:] + [f"{END_PREFIX}3"], True, RunStatus.UNTRUSTED),
    (rows()[:1] + ["110" * 3] + rows()[2:] + [f"{END_PREFIX}3"], True, RunStatus.UNTRUSTED),  # width
    (rows()[:1] + ["01X01X"] + rows()[2:] + [f"{END_PREFIX}3"], True, RunStatus.UNTRUSTED),  # foreign char
    (rows() + [f"{END_PREFIX}3", ""], True, RunStatus.UNTRUSTED),  # anything after END
])
def test_anything_but_the_plan_is_not_complete(tmp_path, lines, newline, status):
    rec = read_trace(write(tmp_path, lines, newline), IFACE, designs=2, samples=3)
    assert rec.status is status, rec.problem
    assert rec.traces == []


def test_missing_file_is_incomplete(tmp_path):
    rec = read_trace(tmp_path / "none.bin", IFACE, designs=1, samples=3)
    assert rec.status is RunStatus.INCOMPLETE and rec.problem == NO_TRACE
