"""A local OpenAI-compatible chat-completions server for tests: real HTTP on 127.0.0.1, real JSON bodies.

`answer(body, call)` returns (status, json body[, headers]) for each POST; `call` counts from 0 per
user text, so a test can fail the first tries of a prompt and answer the next. A request that asks for a
stream (`"stream": true`) gets a 200 answer as server-sent events, chunk by chunk as OpenAI sends them;
`cut(reply, n)` makes the server drop the connection after n chunks (no finish reason, no [DONE]).
"""
from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator


def completion(model: str, text: str, prompt_tokens: int = 1, completion_tokens: int = 1) -> dict:
    """A chat.completion body as OpenAI's API returns it."""
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens}}


def cut(reply: dict, chunks: int) -> dict:
    """The reply, streamed only up to `chunks` chunks before the connection drops."""
    return {**reply, "_cut_after": chunks}


def sse_chunks(reply: dict) -> list[dict]:
    """A chat.completion body as the chat.completion.chunk events a streaming server sends."""
    text = reply["choices"][0]["message"]["content"]
    step = max(1, len(text) // 4)
    base = {"id": reply["id"], "object": "chat.completion.chunk", "created": 0, "model": reply["model"]}

    def event(delta: dict, finish: str | None = None) -> dict:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    return ([event({"role": "assistant", "content": ""})]
            + [event({"content": text[i:i + step]}) for i in range(0, len(text), step)]
            + [event({}, "stop"), {**base, "choices": [], "usage": reply["usage"]}])


def error(message: str) -> dict:
    return {"error": {"message": message, "type": "test_error"}}


@contextmanager
def chat_server(answer: Callable[[dict, int], tuple]) -> Iterator[tuple[str, dict[str, int]]]:
    """Yields (base URL ending in /v1, calls per user text)."""
    calls: dict[str, int] = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            user = body["messages"][-1]["content"]
            with lock:
                call = calls.get(user, 0)
                calls[user] = call + 1
            status, reply, *rest = answer(body, call)
            if status == 200 and body.get("stream"):
                self.stream(reply)
                return
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (rest[0] if rest else {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def stream(self, reply: dict) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()  # no length: the body ends when the connection closes (HTTP/1.0)
            chunks = sse_chunks(reply)
            limit = reply.get("_cut_after")
            for chunk in chunks[:limit]:
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            if limit is None:
                self.wfile.write(b"data: [DONE]\n\n")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", calls
    finally:
        server.shutdown()
        server.server_close()
