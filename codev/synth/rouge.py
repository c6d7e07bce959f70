"""Rouge-L (CodeV-R1's contamination screen) of one token sequence against a fixed set of them, fast
enough for 100K items against every benchmark problem.

The longest common subsequence is O(n*m) per pair (bit-parallel in rapidfuzz), so most pairs are never
computed: the LCS of two sequences is at most the overlap of their token multisets, which one numpy
minimum over a (sequences x vocabulary) count matrix gives for every indexed sequence at once, and pairs are tried in decreasing order of that bound,
stopping at the first bound below the threshold or the best score found. Tokens are encoded as one
character each, so rapidfuzz compares strings instead of hashing lists of tokens on every call.
"""
from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np
from rapidfuzz.distance import LCSseq

_FIRST = 0x10000  # beyond the BMP: no surrogates in the range the vocabulary uses
_UNKNOWN = chr(0x10FFFF)  # a query token no indexed sequence holds


def rouge_l(a: Sequence[str], b: Sequence[str]) -> float:
    """Rouge-L F1: the longest common subsequence against both lengths."""
    if not a or not b:
        return 0.0
    return 2 * LCSseq.similarity(a, b) / (len(a) + len(b))


class RougeIndex:
    """Sequences of tokens, each findable by its Rouge-L F against a query; those shorter than
    `min_tokens` are not indexed (a short text shares its skeleton with too much)."""

    def __init__(self, min_tokens: int):
        self.min_tokens = min_tokens
        self.keys: list[int] = []  # the caller's number for each indexed sequence
        self._vocab: dict[str, int] = {}
        self._encoded: list[str] = []
        self._counts: list[Counter] = []  # token id -> count, per sequence
        self._matrix: np.ndarray | None = None  # (sequence, token id) -> count, built on first use
        self._lengths: np.ndarray | None = None

    def add(self, key: int, tokens: Sequence[str]) -> None:
        if len(tokens) < self.min_tokens:
            return
        self.keys.append(key)
        ids = [self._vocab.setdefault(t, len(self._vocab)) for t in tokens]
        self._encoded.append("".join(chr(_FIRST + i) for i in ids))
        self._counts.append(Counter(ids))
        self._matrix = None

    def _freeze(self) -> np.ndarray:
        if self._matrix is None:
            self._matrix = np.zeros((len(self.keys), len(self._vocab)), dtype=np.int32)
            for row, counts in enumerate(self._counts):
                self._matrix[row, list(counts)] = list(counts.values())
            self._lengths = np.array([len(e) for e in self._encoded], dtype=np.float64)
        return self._matrix

    def __len__(self) -> int:
        return len(self.keys)

    def best(self, query: Sequence[str], limit: float) -> tuple[int, float] | None:
        """The key of the sequence with the highest Rouge-L F against `query` and that F, when at least `limit`."""
        n = len(query)
        if limit <= 0 or n < self.min_tokens or not self.keys:
            return None
        matrix = self._freeze()
        known = Counter(self._vocab[t] for t in query if t in self._vocab)
        if not known:
            return None
        overlap = np.minimum(matrix[:, list(known)], np.array(list(known.values()), dtype=np.int32)).sum(axis=1)
        bounds = 2 * overlap / (n + self._lengths)
        candidates = np.flatnonzero(bounds >= limit)
        if not len(candidates):
            return None
        encoded = "".join(chr(_FIRST + self._vocab[t]) if t in self._vocab else _UNKNOWN for t in query)
        best: tuple[int, float] | None = None
        for seq in candidates[np.argsort(-bounds[candidates], kind="stable")]:
            if best is not None and bounds[seq] <= best[1]:
                break
            theirs = self._encoded[seq]
            score = 2 * LCSseq.similarity(encoded, theirs) / (n + len(theirs))
            if score >= limit and (best is None or score > best[1]):
                best = (seq, score)
        return None if best is None else (self.keys[best[0]], best[1])
