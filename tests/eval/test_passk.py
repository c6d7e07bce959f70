"""pass@k against values computed by hand from 1 - C(n-c, k) / C(n, k)."""
from __future__ import annotations

import pytest

from codev.eval.passk import mean_pass_at_k, pass_at_k


@pytest.mark.parametrize(
    "n, c, k, expected",
    [
        (5, 2, 1, 2 / 5),  # = c / n
        (5, 2, 2, 1 - 3 / 10),  # C(3,2)=3, C(5,2)=10
        (10, 3, 5, 1 - 21 / 252),  # C(7,5)=21, C(10,5)=252
        (20, 1, 10, 1 - 92378 / 184756),  # C(19,10)=92378, C(20,10)=184756 -> exactly 0.5
        (10, 0, 10, 0.0),
        (10, 8, 3, 1.0),  # fewer than k wrong samples: every draw holds a correct one
        (1, 1, 1, 1.0),
    ],
)
def test_pass_at_k_hand_values(n, c, k, expected):
    assert pass_at_k(n, c, k) == pytest.approx(expected, abs=1e-12)


def test_pass_at_k_is_half_for_one_correct_in_twenty_at_k10():
    assert pass_at_k(20, 1, 10) == pytest.approx(0.5)


def test_mean_over_problems():
    # problem A: n=5 c=2 -> 0.7 at k=2; problem B: n=5 c=0 -> 0; problem C: n=5 c=5 -> 1
    assert mean_pass_at_k([(5, 2), (5, 0), (5, 5)], 2) == pytest.approx((0.7 + 0 + 1) / 3)
    assert mean_pass_at_k([(5, 2), (5, 0), (5, 5)], 1) == pytest.approx((0.4 + 0 + 1) / 3)


def test_undefined_when_a_problem_has_fewer_samples_than_k():
    assert mean_pass_at_k([(10, 3), (4, 1)], 5) is None
    assert mean_pass_at_k([], 1) is None


@pytest.mark.parametrize("n, c, k", [(5, 6, 1), (5, -1, 1), (5, 2, 0), (5, 2, 6)])
def test_rejects_impossible_inputs(n, c, k):
    with pytest.raises(ValueError):
        pass_at_k(n, c, k)
