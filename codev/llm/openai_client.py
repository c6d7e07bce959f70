"""Chat completions from an OpenAI-compatible endpoint (vLLM, SGLang, OpenAI, ...): concurrent, with retries.

Each finished request is handed to `on_result` at once, so the caller can persist it and a crash or
Ctrl-C loses only the requests in flight.
"""
from __future__ import annotations

import os
import random
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Callable, Sequence


class EndpointError(Exception):
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


@dataclass(frozen=True)
class ChatRequest:
    key: object  # caller's identifier, returned with the result
    messages: list[dict[str, str]]


def _client(config: EndpointConfig):
    from openai import OpenAI

    api_key = config.api_key or os.environ.get("OPENAI_API_KEY") or "EMPTY"
    # our own retry loop (below) decides what is worth retrying, so the client's is off
    return OpenAI(base_url=config.base_url, api_key=api_key, max_retries=0, timeout=config.timeout_s)


def _retryable(exc: Exception) -> bool:
    import openai

    if isinstance(exc, (openai.APIConnectionError, openai.APITimeoutError, openai.RateLimitError)):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 408 or exc.status_code == 409 or exc.status_code >= 500
    return False


def _complete_one(client, config: EndpointConfig, request: ChatRequest) -> str:
    delay = config.backoff_s
    for attempt in range(config.retries + 1):
        try:
            response = client.chat.completions.create(
                model=config.model,
                messages=request.messages,
                temperature=config.temperature,
                top_p=config.top_p,
                max_tokens=config.max_tokens,
                n=1,
            )
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
                raise EndpointError(
                    f"{config.base_url}: giving up after {config.retries + 1} attempts: {type(exc).__name__}: {exc}"
                ) from None
            time.sleep(delay * (1 + random.random() / 2))
            delay *= 2
    raise AssertionError("unreachable")


def complete_all(
    config: EndpointConfig, requests: Sequence[ChatRequest], on_result: Callable[[ChatRequest, str], None]
) -> None:
    """Run all requests, `concurrency` at a time; raises EndpointError on the first hard failure."""
    if not requests:
        return
    client = _client(config)
    with ThreadPoolExecutor(max_workers=max(1, config.concurrency)) as pool:
        futures = {pool.submit(_complete_one, client, config, r): r for r in requests}
        try:
            for future in as_completed(futures):
                on_result(futures[future], future.result())
        except BaseException:
            for f in futures:
                f.cancel()
            raise
