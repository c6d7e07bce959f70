"""Trace comparison in Python: the fast path counts exactly what the per-bit rule counts."""
from __future__ import annotations

import random

import pytest

from testbench_gen import CheckOptions, infer_interface
from testbench_gen.run.compare import bits_differ, score_trace
from testbench_gen.run.golden import GoldenRun
from testbench_gen.run.results import trace_slices

IFACE = infer_interface("module m(input a, output [2:0] y, output [1:0] z); endmodule")


@pytest.mark.parametrize("x_matches_anything", [True, False])
def test_score_trace_equals_the_per_bit_rule(x_matches_anything):
    rnd = random.Random(7)
    options = CheckOptions(x_matches_anything=x_matches_anything)
    for trial in range(100):
        expected = ["".join(rnd.choice("0101x" if trial % 2 else "01") for _ in range(5)) for _ in range(40)]
        actual = ["".join(rnd.choice("01xz") if rnd.random() < .2 else c for c in e) for e in expected]
        result = score_trace(GoldenRun(IFACE, None, None, expected, 0.0), actual, options)
        per_bit = [[bits_differ(e[lo:hi], a[lo:hi], x_matches_anything) for hi, lo in trace_slices(IFACE)]
                   for e, a in zip(expected, actual)]
        assert result.counts == [sum(row[i] for row in per_bit) for i in range(2)]
        assert result.fails == sum(any(row) for row in per_bit)
        first = next((k for k, row in enumerate(per_bit) if any(row)), -1)
        assert result.first == first and (first < 0 or result.actual == actual[first])
