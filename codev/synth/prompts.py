"""The round trip's prompts, read from codev/synth/prompts/*.txt (code -> spec, spec -> code).

The spec-to-code turn uses CodeV-R1's `<think>/<answer>` system prompt, so SFT rows teach that format.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from codev.llm.prompts import template as llm_template

PROMPT_DIR = Path(__file__).with_name("prompts")


@lru_cache(maxsize=None)
def template(name: str) -> str:
    return (PROMPT_DIR / f"{name}.txt").read_text(encoding="utf-8")


def spec_messages(code: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": template("spec_system").strip()},
            {"role": "user", "content": template("spec_user").replace("{code}", code.rstrip("\n"))}]


def code_messages(spec: str) -> list[dict[str, str]]:
    """System + user turns that ask for reasoning and code from a spec (also the RL prompt)."""
    return [{"role": "system", "content": llm_template("codev_r1_system").strip()},
            {"role": "user", "content": template("code_user").replace("{spec}", spec.strip())}]
