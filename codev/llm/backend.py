"""One interface for every way of getting text from a model: endpoint, local checkpoint, replay file.

Evaluation, synthesis and difficulty filtering call `make_backend(config).complete(requests, on_result)`
and never care which backend answers. `on_result` is called as each response arrives, so callers can
persist it at once and a crash loses only the requests in flight.
"""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from typing import Callable, Protocol, Sequence

from codev.config import build

KINDS = ("openai", "hf", "replay")


@dataclass(frozen=True)
class ChatRequest:
    key: object  # caller's identifier, returned with the result
    messages: list[dict[str, str]]
    sample: int = 0  # which of several samples of the same prompt (replay serves its n-th recording)


OnResult = Callable[[ChatRequest, str], None]
OnError = Callable[[ChatRequest, Exception], None]


class BackendError(Exception):
    """A backend cannot answer (bad configuration, hard endpoint error, missing recording).

    `transient`: the request may succeed later (retries ran out on rate limits, server errors or a lost
    connection); callers keep such requests pending rather than recording a failure.
    """

    def __init__(self, message: str, transient: bool = False):
        super().__init__(message)
        self.transient = transient


@dataclass
class Usage:
    """Token and cost accounting for one backend over a run (thread-safe updates via `add`)."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    retries: int = 0
    cost_usd: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, requests: int = 0, prompt_tokens: int = 0, completion_tokens: int = 0, retries: int = 0,
            cost_usd: float = 0.0) -> None:
        with self._lock:
            self.requests += requests
            self.prompt_tokens += prompt_tokens
            self.completion_tokens += completion_tokens
            self.retries += retries
            self.cost_usd += cost_usd

    def to_json(self) -> dict:
        return {"requests": self.requests, "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens, "retries": self.retries,
                "cost_usd": round(self.cost_usd, 6)}


class Backend(Protocol):
    name: str
    usage: Usage

    def complete(self, requests: Sequence[ChatRequest], on_result: OnResult, on_error: OnError | None = None) -> None:
        """Answer every request once, calling on_result as each answer arrives.

        A request that fails for its own reasons (hard endpoint error, no recording) goes to on_error when
        given, else raises BackendError; a backend that cannot start at all always raises.
        """


@dataclass(frozen=True)
class BackendConfig:
    """Any backend, from YAML: `kind` picks it; fields a backend does not use are ignored by it."""

    kind: str = "replay"
    model: str = ""  # endpoint model name, or (hf) the checkpoint folder
    base_url: str | None = None  # openai
    path: str | None = None  # replay: the recordings file
    api_key: str | None = None  # openai; default $OPENAI_API_KEY
    temperature: float = 0.8
    top_p: float = 0.95
    max_tokens: int = 2048
    concurrency: int = 8  # openai: requests in flight
    retries: int = 5  # openai: per request, on 408/409/429/5xx and connection errors
    backoff_s: float = 1.0  # openai: first retry delay, doubled each time
    timeout_s: float = 600.0  # openai: per request
    requests_per_minute: float = 0.0  # openai: 0 = unlimited
    usd_per_mtok_prompt: float = 0.0  # openai: price per million prompt tokens
    usd_per_mtok_completion: float = 0.0  # openai: price per million completion tokens
    stream: bool = False  # openai: receive answers as server-sent events
    batch_size: int = 8  # hf: prompts per forward pass
    seed: int = 0  # hf

    @classmethod
    def from_mapping(cls, values: dict, source: str = "llm") -> "BackendConfig":
        """From a YAML mapping, by codev's one config builder: a ConfigError names `source` and the key."""
        return build(cls, values, source)

    def problems(self) -> list[str]:
        if self.kind not in KINDS:
            return [f"kind {self.kind!r} is not one of {', '.join(KINDS)}"]
        needs = {"openai": (self.base_url and self.model, "base_url and model"),
                 "hf": (self.model, "model (a checkpoint folder)"), "replay": (self.path, "path (a recordings file)")}
        ok, what = needs.get(self.kind, (True, ""))
        return [] if ok else [f"kind {self.kind} needs {what}"]


def prompt_hash(messages: list[dict[str, str]]) -> str:
    """The key a recording is stored under: the exact messages, role and content, in order."""
    canonical = json.dumps([[m["role"], m["content"]] for m in messages], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def make_backend(config: BackendConfig) -> Backend:
    """The backend `config.kind` names; models and files are loaded lazily, once per backend object."""
    if config.kind == "openai":
        from .openai_client import EndpointConfig, OpenAIBackend

        return OpenAIBackend(EndpointConfig(
            base_url=config.base_url or "", model=config.model, api_key=config.api_key,
            temperature=config.temperature, top_p=config.top_p, max_tokens=config.max_tokens,
            concurrency=config.concurrency, retries=config.retries, timeout_s=config.timeout_s,
            backoff_s=config.backoff_s, requests_per_minute=config.requests_per_minute,
            usd_per_mtok_prompt=config.usd_per_mtok_prompt, usd_per_mtok_completion=config.usd_per_mtok_completion,
            stream=config.stream,
        ))
    if config.kind == "hf":
        from .hf_local import LocalModelBackend, LocalModelConfig

        return LocalModelBackend(LocalModelConfig(
            path=config.model, temperature=config.temperature, top_p=config.top_p, max_tokens=config.max_tokens,
            batch_size=config.batch_size, seed=config.seed,
        ))
    if config.kind == "replay":
        from .replay import ReplayBackend

        return ReplayBackend(config.path or "")
    raise BackendError(f"unknown backend kind {config.kind!r} (known: {', '.join(KINDS)})")
