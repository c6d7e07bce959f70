"""Chat prompts as models receive them, and codev's own model prompt texts (prompts/*.txt).

`codev_r1_system` is CodeV-R1's `<think>/<answer>` system prompt: the frame codev trains models to
answer in (synthesised SFT/RL rows, self-play) and one of `codev eval`'s prompt styles. The benchmarks'
own prompts live with their flavours (codev/eval/prompts/, codev/eval/flavours/).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_DIR = Path(__file__).with_name("prompts")


@lru_cache(maxsize=None)
def read_template(folder: Path, name: str) -> str:
    """`folder/name.txt`: prompt texts are files so they can be diffed against upstream."""
    return (folder / f"{name}.txt").read_text(encoding="utf-8")


def template(name: str) -> str:
    """One of codev's own model prompts (codev/llm/prompts/<name>.txt)."""
    return read_template(_DIR, name)


@dataclass(frozen=True)
class ChatPrompt:
    system: str | None
    user: str

    def messages(self) -> list[dict[str, str]]:
        msgs = [{"role": "system", "content": self.system}] if self.system else []
        return msgs + [{"role": "user", "content": self.user}]
