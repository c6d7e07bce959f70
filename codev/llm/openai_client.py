"""Chat completions from an OpenAI-compatible endpoint (vLLM, SGLang, DeepSeek, OpenAI, ...).

Concurrent requests, an optional requests-per-minute limit, retries with exponential backoff and jitter on
transient errors only (408/409/429/5xx, connection loss, timeouts; a server's Retry-After is honoured),
and token/cost accounting from each response's `usage`. Each finished request is handed to `on_result` at once.
With `stream`, answers arrive as server-sent events (a long generation keeps the connection busy, so proxies
that cut idle connections do not); a stream that ends before its finish reason is a transient failure.
"""
from __future__ import annotations

import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Sequence

from .backend import BackendError, ChatRequest, OnError, OnResult, Usage

__all__ = ["ChatRequest", "EndpointConfig", "EndpointError", "OpenAIBackend", "RateLimiter"]


class EndpointError(BackendError):
    """The endpoint refused a request for a reason retrying will not fix, or retries ran out."""


@dataclass(frozen=True)
class EndpointConfig:
    base_url: str
    model: str
    api_key: str | None = None  # default: $OPENAI_API_KEY, else a placeholder (local servers ignore it)
    temperature: float = 0.8
    top_p: float = 0.95
    max_tokens: int = 2048
    concurrency: int = 8
    retries: int = 5
    timeout_s: float = 600.0
    backoff_s: float = 1.0  # first retry delay; doubles each time, with jitter
    requests_per_minute: float = 0.0  # 0: no limit
    usd_per_mtok_prompt: float = 0.0
    usd_per_mtok_completion: float = 0.0
    stream: bool = False  # ask for server-sent events (the answer is assembled here)


class RateLimiter:
    """Spaces request starts at least 60/rpm seconds apart, across threads (0 rpm: no limit)."""

    def __init__(self, requests_per_minute: float, clock=time.monotonic, sleep=time.sleep):
        self.interval = 60.0 / requests_per_minute if requests_per_minute > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()
        self._clock, self._sleep = clock, sleep

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            self._sleep(start - now)


class StreamCut(Exception):
    """A streamed answer ended before the server said it was finished (connection lost mid-answer)."""


def _retryable(exc: Exception) -> bool:
    import openai

    if isinstance(exc, (openai.APIConnectionError, openai.APITimeoutError, openai.RateLimitError, StreamCut)):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 408 or exc.status_code == 409 or exc.status_code >= 500
    return False


def retry_after(exc: Exception, cap: float = 120.0) -> float:
    """Seconds the server asked us to wait (Retry-After / retry-after-ms headers), 0 when it did not say."""
    headers = getattr(getattr(exc, "response", None), "headers", None) or {}
    try:
        if headers.get("retry-after-ms"):
            return min(cap, float(headers["retry-after-ms"]) / 1000)
        if headers.get("retry-after"):
            return min(cap, float(headers["retry-after"]))
    except ValueError:  # an HTTP date: fall back to our own backoff
        pass
    return 0.0


class OpenAIBackend:
    name = "openai"

    def __init__(self, config: EndpointConfig):
        self.config = config
        self.usage = Usage()
        self.limiter = RateLimiter(config.requests_per_minute)
        self._client = None

    def client(self):
        if self._client is None:
            from openai import OpenAI

            api_key = self.config.api_key or os.environ.get("OPENAI_API_KEY") or "EMPTY"
            # our own retry loop decides what is worth retrying, so the client's is off
            self._client = OpenAI(base_url=self.config.base_url, api_key=api_key, max_retries=0,
                                  timeout=self.config.timeout_s)
        return self._client

    def _account(self, usage) -> None:
        """Tokens and cost from a response's (or a stream's final chunk's) `usage`."""
        prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion = int(getattr(usage, "completion_tokens", 0) or 0)
        cost = (prompt * self.config.usd_per_mtok_prompt + completion * self.config.usd_per_mtok_completion) / 1e6
        self.usage.add(requests=1, prompt_tokens=prompt, completion_tokens=completion, cost_usd=cost)

    def complete_one(self, request: ChatRequest) -> str:
        config = self.config
        delay = config.backoff_s
        for attempt in range(config.retries + 1):
            self.limiter.wait()
            try:
                if config.stream:
                    content = self._streamed(request)
                else:
                    response = self.client().chat.completions.create(
                        model=config.model, messages=request.messages, temperature=config.temperature,
                        top_p=config.top_p, max_tokens=config.max_tokens, n=1,
                    )
                    self._account(getattr(response, "usage", None))
                    content = response.choices[0].message.content if response.choices else None
                if content is None:
                    raise EndpointError(f"{config.base_url}: response without message content")
                return content
            except EndpointError:
                raise
            except Exception as exc:  # noqa: BLE001 - classified below
                if not _retryable(exc):
                    raise EndpointError(f"{config.base_url}: {type(exc).__name__}: {exc}") from None
                if attempt == config.retries:
                    raise EndpointError(f"{config.base_url}: giving up after {config.retries + 1} attempts: "
                                        f"{type(exc).__name__}: {exc}", transient=True) from None
                self.usage.add(retries=1)
                time.sleep(max(delay * (1 + random.random() / 2), retry_after(exc)))
                delay *= 2
        raise AssertionError("unreachable")

    def _streamed(self, request: ChatRequest) -> str | None:
        """One answer as server-sent events: the text deltas joined, usage from the final chunk."""
        config = self.config
        stream = self.client().chat.completions.create(
            model=config.model, messages=request.messages, temperature=config.temperature, top_p=config.top_p,
            max_tokens=config.max_tokens, n=1, stream=True, stream_options={"include_usage": True})
        import openai

        parts, finished, usage = [], False, None
        try:
            with stream:
                for chunk in stream:
                    usage = getattr(chunk, "usage", None) or usage
                    for choice in chunk.choices or ():
                        if choice.delta is not None and choice.delta.content:
                            parts.append(choice.delta.content)
                        finished = finished or bool(choice.finish_reason)
        except openai.APIError:
            raise
        except Exception as exc:  # noqa: BLE001 - the HTTP library's read error: the body is read after the
            # SDK's own error mapping, so a connection lost mid-answer surfaces as the transport's exception
            raise StreamCut(f"the stream broke after {len(parts)} chunks: {type(exc).__name__}: {exc}") from None
        if not finished:
            raise StreamCut(f"the stream ended after {len(parts)} chunks without a finish reason")
        self._account(usage)
        return "".join(parts)

    def complete(self, requests: Sequence[ChatRequest], on_result: OnResult, on_error: OnError | None = None) -> None:
        """All requests, `concurrency` at a time; without on_error, the first hard failure raises EndpointError."""
        if not requests:
            return
        with ThreadPoolExecutor(max_workers=max(1, self.config.concurrency)) as pool:
            futures = {pool.submit(self.complete_one, r): r for r in requests}
            try:
                for future in as_completed(futures):
                    try:
                        text = future.result()
                    except EndpointError as exc:
                        if on_error is None:
                            raise
                        on_error(futures[future], exc)
                        continue
                    on_result(futures[future], text)
            except BaseException:
                for f in futures:
                    f.cancel()
                raise
