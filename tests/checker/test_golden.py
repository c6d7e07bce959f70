"""Golden preparation under the front end's limits: a hostile golden is an invalid golden, not a crash."""
from __future__ import annotations

import resource
import time

import pytest

from testbench_gen import CheckJob, CheckOptions, InvalidGolden, VerdictKind, check, check_many

from .test_untrusted import CONSTANT_LOOP, DEEP_NESTING, DEEP_PARENS, GOLDEN, GOOD, RECURSIVE_TREE, WRONG_BODY, cand

OPTS = CheckOptions(cycles=100, timeout=2.0, min_timeout=2.0)  # front-end limit: 2 s per golden


def _peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10


@pytest.mark.parametrize("name, golden", [("262k-instance recursive tree", RECURSIVE_TREE),
                                          ("constant function looping 2e9 times", CONSTANT_LOOP),
                                          ("3000 nested blocks", DEEP_NESTING),
                                          ("20000 nested parentheses", DEEP_PARENS)])
def test_hostile_golden_is_invalid_within_the_front_end_limits(name, golden):
    peak, start = _peak_mb(), time.monotonic()
    with pytest.raises(InvalidGolden, match="front-end limits") as info:
        check(golden, [GOOD], OPTS)
    assert time.monotonic() - start < 2.0 + 8, name
    assert _peak_mb() - peak < 500, name  # parsed in the limited worker, not in this process
    assert "\n" not in str(info.value) and len(str(info.value)) < 400


def test_hostile_golden_in_a_batch_of_jobs_is_a_typed_verdict_that_spares_other_jobs():
    bomb, fine = check_many([CheckJob(RECURSIVE_TREE, [GOOD], OPTS),
                             CheckJob(GOLDEN, [GOOD, cand(body=WRONG_BODY)], OPTS)], workers=1)
    assert [v.kind for v in bomb] == [VerdictKind.INVALID_GOLDEN]
    assert "front-end limits" in bomb[0].reason
    assert [v.kind for v in fine] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH]


def test_a_golden_whose_compile_times_out_says_so(monkeypatch):
    # an iverilog that answers -V but never finishes a compile (the sandbox runs only system paths)
    monkeypatch.setenv("CODEV_IVERILOG", """sh -c 'case "$1" in -V) exec iverilog -V;; esac; exec sleep 30' iverilog""")
    start = time.monotonic()
    with pytest.raises(InvalidGolden, match=r"compiling the golden with icarus exceeded the time limit of 2 s"):
        check(GOLDEN.replace("a + b", "a + b + 8'd0"), [GOOD], CheckOptions(cycles=50, timeout=2.0, seed=1))
    assert time.monotonic() - start < 15
