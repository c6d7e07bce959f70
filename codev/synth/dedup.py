"""Exact and near-duplicate removal: a hash of the comment-free token stream, then MinHash LSH
(datasketch) over token shingles. The LSH index is queried at a lower threshold (fewer missed pairs) and
each candidate is confirmed with the estimated Jaccard similarity. The first item seen is kept; later
ones name the item they repeat.

The index is the one structure that grows with the corpus (items themselves stream): per kept item, 16 LSH
bands keyed by an 8-byte digest (datasketch's `hashfunc`, meant for this) and a 512-byte signature."""
from __future__ import annotations

import hashlib
from typing import Iterable, Iterator

import numpy as np
from datasketch import MinHash, MinHashLSH

from .config import DedupConfig
from .items import Item
from .store import Outcome
from .tokens import tokens


def band_key(band: bytes) -> bytes:
    """An LSH band's bucket key as an 8-byte digest instead of 64 bytes of hash values."""
    return hashlib.blake2b(band, digest_size=8).digest()


def shingles(toks: list[str], size: int) -> set[bytes]:
    if len(toks) <= size:
        return {" ".join(toks).encode()}
    return {" ".join(toks[i:i + size]).encode() for i in range(len(toks) - size + 1)}


class Deduplicator:
    name = "dedup"

    def __init__(self, config: DedupConfig):
        self.config = config
        self.exact: dict[str, str] = {}  # token-stream hash -> id of the kept item
        self.lsh = MinHashLSH(threshold=max(0.3, config.threshold - 0.2), num_perm=config.num_perm,
                              hashfunc=band_key)
        self.signatures: dict[str, np.ndarray] = {}  # kept id -> hash values (below 2**32: num_perm * 4 bytes)

    def _signature(self, item: Item) -> tuple[str, MinHash]:
        toks = tokens(item.code)
        exact = hashlib.sha256(" ".join(toks).encode()).hexdigest()
        mh = MinHash(num_perm=self.config.num_perm, seed=1)
        mh.update_batch(list(shingles(toks, self.config.shingle)))
        return exact, mh

    def _keep(self, item: Item, exact: str, mh: MinHash) -> None:
        self.exact[exact] = item.id
        self.signatures[item.id] = mh.hashvalues.astype(np.uint32)
        self.lsh.insert(item.id, mh)

    def prime(self, kept: Iterable[Item]) -> None:
        for item in kept:
            exact, mh = self._signature(item)
            if item.id not in self.lsh:
                self._keep(item, exact, mh)

    def process(self, items: list[Item]) -> Iterator[Outcome]:
        for item in items:
            exact, mh = self._signature(item)
            if exact in self.exact:
                yield Outcome(item, False, "exact_duplicate", f"same tokens as {self.exact[exact]}")
                continue
            values = mh.hashvalues.astype(np.uint32)
            scored = sorted(((float(np.mean(values == self.signatures[k])), k) for k in self.lsh.query(mh)),
                            reverse=True)
            if scored and scored[0][0] >= self.config.threshold:
                similarity, other = scored[0]
                yield Outcome(item, False, "near_duplicate", f"estimated Jaccard {similarity:.2f} with {other}")
                continue
            self._keep(item, exact, mh)
            yield Outcome(item, True)
