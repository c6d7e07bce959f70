"""Every LLM response a run receives is appended to a JSONL file before it is used, so a killed run
never pays for the same request twice. Only byte offsets are held in memory, not the texts."""
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

    def _write(self, key: str, text: str) -> None:
        data = (json.dumps({"key": key, "text": text}, ensure_ascii=False) + "\n").encode("utf-8")
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
            self._write(self.key(request), text)
            on_result(request, text)

        self.backend.complete(missing, fresh, on_error)
