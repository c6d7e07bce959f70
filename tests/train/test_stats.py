"""pass@k, bootstrap intervals and paired counts of bench/rl_gain.py on hand-computed values."""
from __future__ import annotations

import pytest

from codev.train.stats import bootstrap_mean, paired_counts, pass_at_k, problem_rates


def test_pass_at_k_unbiased():
    assert pass_at_k(8, 0, 1) == 0.0 and pass_at_k(8, 2, 1) == pytest.approx(0.25)
    assert pass_at_k(8, 1, 8) == 1.0 and pass_at_k(4, 1, 2) == pytest.approx(1 - 3 / 6)  # 1 - C(3,2)/C(4,2)
    with pytest.raises(ValueError):
        pass_at_k(2, 1, 4)


def test_problem_rates_leave_unjudged_samples_out():
    rates = problem_rates([[1, 0, None, 0], [None, None, None, None], [1, 1, 1, 1]], 1)
    assert rates == pytest.approx([1 / 3, 0.0, 1.0])
    assert problem_rates([[1, 0, 0, 0]], 4) == [1.0]


def test_bootstrap_interval_holds_the_mean_and_narrows_with_more_problems():
    few = bootstrap_mean([0.0, 1.0] * 4)
    many = bootstrap_mean([0.0, 1.0] * 64)
    assert few.mean == many.mean == 0.5
    assert few.low < 0.5 < few.high and many.low < 0.5 < many.high
    assert (many.high - many.low) < (few.high - few.low)
    assert bootstrap_mean([0.3] * 10).low == pytest.approx(0.3)


def test_paired_counts():
    before = [[0, 1, 0, None], [1, 1]]
    after = [[1, 1, 0, 1], [0, 1]]
    assert paired_counts(before, after) == (1, 1)
