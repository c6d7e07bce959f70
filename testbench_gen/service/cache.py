"""A small thread-safe LRU map: golden traces, backend choices and cocotb runs are cached per process.

Every cache registers itself, so benchmarks (cold measurements) and tests can empty them all at once.
"""
from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from typing import Callable, Generic, Hashable, TypeVar

V = TypeVar("V")
_ALL: "weakref.WeakSet[BoundedCache]" = weakref.WeakSet()


class BoundedCache(Generic[V]):
    """At most `size` entries and, with `weigh`, at most `max_weight` in total (the newest entry is
    always kept): golden traces vary in size by orders of magnitude (a long run is 100,000 cycles)."""

    def __init__(self, size: int, max_weight: int | None = None, weigh: Callable[[V], int] | None = None):
        self.size = size
        self.max_weight = max_weight
        self.weigh = weigh
        self._weight = 0
        self._items: "OrderedDict[Hashable, V]" = OrderedDict()
        self._lock = threading.Lock()
        _ALL.add(self)

    def _weight_of(self, value: V) -> int:
        return self.weigh(value) if self.weigh is not None else 0

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            if key in self._items:
                self._weight -= self._weight_of(self._items[key])
            self._items[key] = value
            self._weight += self._weight_of(value)
            self._items.move_to_end(key)
            while len(self._items) > self.size or (
                    self.max_weight is not None and self._weight > self.max_weight and len(self._items) > 1):
                _key, old = self._items.popitem(last=False)
                self._weight -= self._weight_of(old)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weight = 0


def clear_all() -> None:
    """Empty every cache of this process (cold-start measurements, tests)."""
    for cache in list(_ALL):
        cache.clear()
