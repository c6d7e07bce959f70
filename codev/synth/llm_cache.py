"""Every LLM response a run receives is appended to a JSONL file before it is used, so a killed run
never pays for the same request twice. Only byte offsets are held in memory, not the texts.

Each line also names the prompt hash and sample index, so `export_replay` can turn a run's responses
into a replay file: record once against a real endpoint, then rerun offline (CI, demos, ablations)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from codev.jsonl import JsonlLog
from codev.llm.backend import Backend, BackendConfig, ChatRequest, OnError, OnResult, prompt_hash

from .items import digest


def config_signature(config: BackendConfig) -> str:
    """What makes two responses interchangeable: the backend, model and sampling settings."""
    return digest(config.kind, config.model, config.base_url or "", config.path or "", str(config.temperature),
                  str(config.top_p), str(config.max_tokens), str(config.seed))


class ResponseCache:
    def __init__(self, path: Path, backend: Backend, signature: str):
        self.path, self.backend, self.signature = Path(path), backend, signature
        self.log = JsonlLog(self.path)
        self.offsets: dict[str, int] = {row["key"]: offset for offset, row in self.log.rows_at() if "key" in row}

    def key(self, request: ChatRequest) -> str:
        return digest(self.signature, prompt_hash(request.messages), str(request.sample), length=32)

    def _read(self, key: str) -> str:
        return self.log.read_at(self.offsets[key])["text"]

    def _write(self, request: ChatRequest, text: str) -> None:
        key = self.key(request)
        row = {"key": key, "prompt_hash": prompt_hash(request.messages), "sample": request.sample, "text": text}
        self.offsets[key] = self.log.append(row)

    def complete(self, requests: Sequence[ChatRequest], on_result: OnResult, on_error: OnError | None = None) -> None:
        missing = []
        for request in requests:
            key = self.key(request)
            if key in self.offsets:
                on_result(request, self._read(key))
            else:
                missing.append(request)

        def fresh(request: ChatRequest, text: str) -> None:
            self._write(request, text)
            on_result(request, text)

        self.backend.complete(missing, fresh, on_error)


def export_replay(caches: Sequence[Path], out: Path, header: str) -> int:
    """Write the responses of response-cache files as a replay file; returns the number of prompts.

    A prompt's responses are listed by sample index, so replayed sample i is the recorded sample i."""
    by_prompt: dict[str, dict[int, str]] = {}
    for cache in caches:
        for row in JsonlLog(cache):
            if {"prompt_hash", "sample", "text"} <= set(row):
                by_prompt.setdefault(row["prompt_hash"], {})[int(row["sample"])] = row["text"]
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"header": header}) + "\n")
        for key, samples in sorted(by_prompt.items()):
            responses = [samples[i] for i in sorted(samples)]
            fh.write(json.dumps({"prompt_hash": key, "responses": responses}, ensure_ascii=False) + "\n")
    return len(by_prompt)
