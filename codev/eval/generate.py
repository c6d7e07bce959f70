"""Generate answers with a model and save them (generations.jsonl) before anything is scored.

A rerun with the same settings generates only the missing (problem, index) pairs; a rerun with other
settings in the same output folder is refused, so one folder never mixes two models' answers.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from codev.jsonl import JsonlLog
from codev.llm.backend import BackendConfig, ChatRequest, make_backend

from .flavours import build_prompt
from .problem import Problem
from .progress import progress_bar
from .records import Answer

GENERATIONS_FILE = "generations.jsonl"


class GenerationMismatch(Exception):
    """The output folder holds generations made with other settings."""


@dataclass(frozen=True)
class GenerationConfig:
    backend: str  # "hf" (local folder), "openai" (endpoint) or "replay" (recordings file in `model`)
    model: str  # checkpoint folder, or the endpoint's model name
    endpoint: str | None = None
    n: int = 1
    temperature: float = 0.8
    top_p: float = 0.95
    max_tokens: int = 2048
    prompt_style: str = "official"
    batch_size: int = 8  # hf
    concurrency: int = 8  # openai
    retries: int = 5  # openai
    seed: int = 0  # hf

    def signature(self) -> dict:
        """What makes two generations comparable (not how fast they were produced)."""
        return {
            "backend": self.backend,
            "model": self.model,
            "endpoint": self.endpoint,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "max_tokens": self.max_tokens,
            "prompt_style": self.prompt_style,
        }

    def backend_config(self) -> BackendConfig:
        return BackendConfig(
            kind=self.backend,
            model=self.model,
            base_url=self.endpoint,
            path=self.model if self.backend == "replay" else None,
            temperature=self.temperature,
            top_p=self.top_p,
            max_tokens=self.max_tokens,
            concurrency=self.concurrency,
            retries=self.retries,
            batch_size=self.batch_size,
            seed=self.seed,
        )

    def to_json(self) -> dict:
        return asdict(self)


def generate_answers(
    problems: list[Problem],
    config: GenerationConfig,
    out: Path,
    on_status: Callable[[str], None],
    progress: bool = True,
) -> list[Answer]:
    store = JsonlLog(Path(out) / GENERATIONS_FILE)
    signature = config.signature()
    have: dict[tuple[str, str, int], str] = {}
    for row in store:
        if row.get("generator") != signature:
            raise GenerationMismatch(
                f"{store.path}: holds generations from other settings ({row.get('generator')}); use another --out"
            )
        have[(row["benchmark"], row["task_id"], row["index"])] = row["completion"]

    requests = []
    for problem in problems:
        messages = build_prompt(problem, config.prompt_style).messages()
        for index in range(config.n):
            if (problem.benchmark, problem.id, index) not in have:
                requests.append(ChatRequest((problem.benchmark, problem.id, index), messages, sample=index))
    on_status(f"generating {len(requests)} responses ({len(have)} already in {store.path})")

    with progress_bar("generating", len(requests), progress) as advance:

        def save(request: ChatRequest, text: str) -> None:
            benchmark, task_id, index = request.key
            store.append(
                {"benchmark": benchmark, "task_id": task_id, "index": index, "completion": text, "generator": signature}
            )
            have[request.key] = text
            advance()

        make_backend(config.backend_config()).complete(requests, save)

    return [
        Answer(p.benchmark, p.id, index, have[(p.benchmark, p.id, index)])
        for p in problems
        for index in range(config.n)
    ]

