"""Serve recorded responses from a JSONL file keyed by prompt hash: offline runs, tests, the demo.

File format: one JSON object per line, `{"prompt_hash": sha256, "responses": [text, ...]}` (extra keys
such as `messages` or `note` are kept for readers and ignored here); a line `{"header": text}` describes
the file. Request sample i gets responses[i % len(responses)], so k samples of one prompt can differ.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ..jsonl import jsonl_objects
from .backend import BackendError, ChatRequest, OnError, OnResult, Usage, prompt_hash


class ReplayMiss(BackendError):
    """No recording for a prompt."""


def load_recordings(path: Path) -> dict[str, list[str]]:
    path = Path(path)
    if not path.is_file():
        raise BackendError(f"{path}: replay file not found")
    table: dict[str, list[str]] = {}
    try:
        rows = list(jsonl_objects(path))
    except ValueError as exc:
        raise BackendError(str(exc)) from None
    for lineno, row in rows:
        if "header" in row:
            continue
        if not isinstance(row.get("prompt_hash"), str) or not isinstance(row.get("responses"), list) or not row["responses"]:
            raise BackendError(f"{path}:{lineno}: needs prompt_hash (string) and responses (non-empty list)")
        table.setdefault(row["prompt_hash"], []).extend(str(r) for r in row["responses"])
    return table


class ReplayBackend:
    name = "replay"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.usage = Usage()
        self._table: dict[str, list[str]] | None = None

    def lookup(self, request: ChatRequest) -> str:
        if self._table is None:
            self._table = load_recordings(self.path)
        key = prompt_hash(request.messages)
        responses = self._table.get(key)
        if not responses:
            raise ReplayMiss(f"{self.path}: no recorded response for prompt {key[:16]}")
        self.usage.add(requests=1)
        return responses[request.sample % len(responses)]

    def complete(self, requests: Sequence[ChatRequest], on_result: OnResult, on_error: OnError | None = None) -> None:
        for request in requests:
            try:
                text = self.lookup(request)
            except ReplayMiss as exc:
                if on_error is None:
                    raise
                on_error(request, exc)
                continue
            on_result(request, text)
