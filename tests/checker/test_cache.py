"""The LRU caches: bounded by entries and, for golden traces, by their total size."""
from __future__ import annotations

from testbench_gen.service.cache import BoundedCache


def test_weight_bound_evicts_oldest_but_keeps_the_newest():
    cache: BoundedCache[str] = BoundedCache(10, max_weight=10, weigh=len)
    cache.put("a", "xxxx")
    cache.put("b", "xxxx")
    cache.put("c", "xxxx")  # 12 > 10: "a" goes
    assert "a" not in cache and "b" in cache and "c" in cache
    cache.put("big", "x" * 50)  # heavier than the bound alone: kept, everything older goes
    assert len(cache) == 1 and cache.get("big")
    cache.put("big", "x")  # replacing an entry replaces its weight
    cache.put("d", "x" * 9)
    assert "big" in cache and "d" in cache
    cache.clear()
    cache.put("e", "x" * 10)
    assert "e" in cache


def test_size_bound_without_weights():
    cache: BoundedCache[int] = BoundedCache(2)
    for k in range(3):
        cache.put(k, k)
    assert 0 not in cache and len(cache) == 2
