"""Every LLM response a run receives is appended to a JSONL file before it is used, so a killed run
never pays for the same request twice. Only byte offsets are held in memory, not the texts.

Each line also names the prompt hash and sample index, so `export_replay` can turn a run's responses
into a replay file: record once against a real endpoint, then rerun offline (CI, demos, ablations)."""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Sequence

from codev.llm.backend import Backend, BackendConfig, ChatRequest, OnError, OnResult, prompt_hash

from .items import digest


def config_signature(config: BackendConfig) -> str:
    """What makes two responses interchangeable: the backend, model and sampling settings."""
    return digest(config.kind, config.model, config.base_url or "", config.path or "", str(config.temperature),
                  str(config.top_p), str(config.max_tokens), str(config.seed))


class ResponseCache:
    def __init__(self, path: Path, backend: Backend, signature: str):
        self.path, self.backend, self.signature = Path(path), backend, signature
        self.offsets: dict[str, int] = {}
        self._lock = threading.Lock()
        if self.path.exists():
            with open(self.path, "rb") as fh:
                offset = 0
                for line in fh:
                    try:
                        key = json.loads(line)["key"]
                        self.offsets[key] = offset
                    except (ValueError, KeyError):
                        pass  # a line torn by a kill
                    offset += len(line)

    def key(self, request: ChatRequest) -> str:
        return digest(self.signature, prompt_hash(request.messages), str(request.sample), length=32)

    def _read(self, key: str) -> str:
        with open(self.path, "rb") as fh:
            fh.seek(self.offsets[key])
            return json.loads(fh.readline())["text"]

    def _write(self, request: ChatRequest, text: str) -> None:
        key = self.key(request)
        row = {"key": key, "prompt_hash": prompt_hash(request.messages), "sample": request.sample, "text": text}
        data = (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "ab") as fh:
                if fh.tell():
                    with open(self.path, "rb") as rd:  # terminate a line torn by a kill
                        rd.seek(-1, 2)
                        if rd.read(1) != b"\n":
                            fh.write(b"\n")
                offset = fh.tell()
                fh.write(data)
            self.offsets[key] = offset

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
        with open(cache, "rb") as fh:
            for line in fh:
                try:
                    row = json.loads(line)
                    by_prompt.setdefault(row["prompt_hash"], {})[int(row["sample"])] = row["text"]
                except (ValueError, KeyError):
                    continue  # a line torn by a kill
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"header": header}) + "\n")
        for key, samples in sorted(by_prompt.items()):
            responses = [samples[i] for i in sorted(samples)]
            fh.write(json.dumps({"prompt_hash": key, "responses": responses}, ensure_ascii=False) + "\n")
    return len(by_prompt)
