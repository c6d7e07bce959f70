"""A small thread-safe LRU map: golden traces, backend choices and cocotb runs are cached per process.

Every cache registers itself, so benchmarks (cold measurements) and tests can empty them all at once.
"""
from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from typing import Generic, Hashable, TypeVar

V = TypeVar("V")
_ALL: "weakref.WeakSet[BoundedCache]" = weakref.WeakSet()


class BoundedCache(Generic[V]):
    def __init__(self, size: int):
        self.size = size
        self._items: "OrderedDict[Hashable, V]" = OrderedDict()
        self._lock = threading.Lock()
        _ALL.add(self)

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def clear_all() -> None:
    """Empty every cache of this process (cold-start measurements, tests)."""
    for cache in list(_ALL):
        cache.clear()
