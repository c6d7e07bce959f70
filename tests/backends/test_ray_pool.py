"""The Ray pool returns what the local pool returns, in the same order (local Ray instance)."""
from __future__ import annotations

import pytest

from testbench_gen import CheckJob, CheckOptions, VerdictKind

from .conftest import COUNTER, COUNTER_BUG, XOR_EQUIV, XOR_GOLDEN

ray = pytest.importorskip("ray")


def test_ray_pool_matches_local_pool(icarus):
    from testbench_gen.service.pool import check_many
    from testbench_gen.service.ray_pool import check_many_ray

    options = CheckOptions(cycles=300)
    jobs = [CheckJob(COUNTER, [COUNTER_BUG, COUNTER, "module TopModule(); endmodule"], options),
            CheckJob(XOR_GOLDEN, [XOR_EQUIV], options),
            CheckJob("module broken(", [XOR_EQUIV], options)]
    seen = []
    remote = check_many_ray(jobs, address="local", on_result=lambda j, c, v: seen.append((j, c)))
    local = check_many(jobs, workers=1)
    assert [[v.kind for v in job] for job in remote] == [[v.kind for v in job] for job in local]
    assert [v.kind for v in remote[0]] == [VerdictKind.MISMATCH, VerdictKind.EQUIVALENT,
                                           VerdictKind.INTERFACE_MISMATCH]
    assert remote[2][0].kind is VerdictKind.INVALID_GOLDEN
    assert sorted(seen) == [(0, 0), (0, 1), (0, 2), (1, 0), (2, 0)]
    assert not ray.is_initialized()  # a local instance it started is shut down


@pytest.mark.slow  # a long end-to-end run (the one-process/one-pool test stays fast): `make test-slow`
def test_ray_checker_pool_has_the_local_pool_interface(icarus):
    import asyncio

    from testbench_gen.service.ray_pool import RayCheckerPool

    options = CheckOptions(cycles=200)
    with RayCheckerPool("local", options=options) as pool:
        assert [v.kind for v in pool.check(XOR_GOLDEN, [XOR_EQUIV, COUNTER])] == \
            [VerdictKind.EQUIVALENT, VerdictKind.INTERFACE_MISMATCH]
        again = asyncio.run(pool.check_async(COUNTER, [COUNTER_BUG]))
        assert again[0].kind is VerdictKind.MISMATCH
    assert not ray.is_initialized()
