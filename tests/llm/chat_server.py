"""A local OpenAI-compatible chat-completions server for tests: real HTTP on 127.0.0.1, real JSON bodies.

`answer(body, call)` returns (status, json body[, headers]) for each POST; `call` counts from 0 per
user text, so a test can fail the first tries of a prompt and answer the next.
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
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (rest[0] if rest else {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", calls
    finally:
        server.shutdown()
        server.server_close()
