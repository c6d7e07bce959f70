"""What counts as a usable SFT answer: CodeV-R1's `<think>...</think><answer>...</answer>` with code.

One place for the rule, used wherever a model's response becomes an SFT row (round trip, `codev synth
reason`): a row without reasoning, with text outside the two blocks, or with no code in the answer
would teach the format wrongly, so it is dropped with the reason named here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from codev.eval.extract import extract_code

_SHAPE = re.compile(r"^\s*<think>([\s\S]*?)</think>\s*<answer>([\s\S]*?)</answer>\s*$")


@dataclass(frozen=True)
class Answer:
    think: str
    code: str


def parse_answer(response: str) -> Answer | str:
    """The reasoning and code of a well-formed response, or why it is not one (a short reason)."""
    match = _SHAPE.match(response)
    if not match:
        if "<think>" not in response or "</think>" not in response:
            return "no <think> block"
        if "<answer>" not in response or "</answer>" not in response:
            return "no <answer> block"
        return "text outside <think>/<answer>, or the blocks repeated or out of order"
    think, body = match.groups()
    if not think.strip():
        return "empty <think> block"
    if "<think>" in think or "<answer>" in think or "<think>" in body:
        return "nested <think>/<answer> tags"
    code = extract_code(body).code
    if not code or "module" not in code:
        return "no code in <answer>"
    return Answer(think.strip(), code)
