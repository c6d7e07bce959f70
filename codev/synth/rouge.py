"""Rouge-L (CodeV-R1's contamination screen) of one token sequence against a fixed set of them, fast
enough for 100K items against every benchmark problem.

The longest common subsequence is O(n*m) per pair (bit-parallel in rapidfuzz), so most pairs are never
computed: the LCS of two sequences is at most the overlap of their token multisets, which an inverted
index gives for every indexed sequence at once, and pairs are tried in decreasing order of that bound,
stopping at the first bound below the threshold or the best score found. Tokens are encoded as one
character each, so rapidfuzz compares strings instead of hashing lists of tokens on every call.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Sequence

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
        self._vocab: dict[str, str] = {}
        self._encoded: list[str] = []
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)  # token -> (sequence, count)

    def add(self, key: int, tokens: Sequence[str]) -> None:
        if len(tokens) < self.min_tokens:
            return
        n = len(self.keys)
        self.keys.append(key)
        for token in tokens:
            if token not in self._vocab:
                self._vocab[token] = chr(_FIRST + len(self._vocab))
        self._encoded.append("".join(self._vocab[t] for t in tokens))
        for token, count in Counter(tokens).items():
            self._postings[token].append((n, count))

    def __len__(self) -> int:
        return len(self.keys)

    def best(self, query: Sequence[str], limit: float) -> tuple[int, float] | None:
        """The key of the sequence with the highest Rouge-L F against `query` and that F, when at least `limit`."""
        n = len(query)
        if limit <= 0 or n < self.min_tokens or not self.keys:
            return None
        overlap: dict[int, int] = defaultdict(int)
        for token, count in Counter(query).items():
            for seq, theirs in self._postings.get(token, ()):
                overlap[seq] += min(count, theirs)
        bounds = sorted(((2 * o / (n + len(self._encoded[s])), s) for s, o in overlap.items()), reverse=True)
        encoded = "".join(self._vocab.get(t, _UNKNOWN) for t in query)
        best: tuple[int, float] | None = None
        for bound, seq in bounds:
            if bound < limit or (best is not None and bound <= best[1]):
                break
            theirs = self._encoded[seq]
            score = 2 * LCSseq.similarity(encoded, theirs) / (n + len(theirs))
            if score >= limit and (best is None or score > best[1]):
                best = (seq, score)
        return None if best is None else (self.keys[best[0]], best[1])
