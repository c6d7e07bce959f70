"""A verified design as dataset rows: the RL problem and its SFT rendering (types in codev.synth.records)."""
from __future__ import annotations

import hashlib
from typing import Any

from testbench_gen import infer_interface

from codev.llm.prompts import template
from codev.synth.records import RLItem, SFTItem

from .design import Design, normalized
from .spec import PROMPT_STYLES, STYLES, answer, user_prompt
from .trace import TraceUnavailable, concrete_case


def dedup_key(design: Design) -> str:
    """Content hash of the normalized golden: the identity of a problem."""
    return hashlib.sha256(normalized(design.golden, design.top).encode()).hexdigest()


def item_id(design: Design) -> str:
    return f"gen-{design.family}-{dedup_key(design)[:16]}"


def source(design: Design) -> str:
    return f"generator/{design.family}"


def styled_prompt(design: Design) -> str:
    """The user turn, in a prompt style drawn from the golden's hash (reruns give the same text)."""
    return user_prompt(design, PROMPT_STYLES[int(dedup_key(design)[16:24], 16) % len(PROMPT_STYLES)])


def sft_answer(design: Design) -> str:
    """The SFT answer: style and simulated case drawn from the golden's hash, so reruns give the same text."""
    key = dedup_key(design)
    style = STYLES[int(key[:8], 16) % len(STYLES)]
    try:
        case = concrete_case(design, int(key[8:16], 16))
    except TraceUnavailable:
        case = None
    return answer(design, case, style)


def rows(design: Design, meta: dict[str, Any]) -> tuple[RLItem, SFTItem]:
    """The RL item (system + user prompt, golden, interface) and the SFT item (same prompt + reasoning answer)."""
    prompt = [{"role": "system", "content": template("codev_r1_system")},
              {"role": "user", "content": styled_prompt(design)}]
    meta = {"family": design.family, "level": design.level, "params": design.params,
            "combinational": design.combinational, **meta}
    iface = infer_interface(design.golden, top=design.top, filename=f"{design.top}.v").dumps()
    rl = RLItem(item_id(design), prompt, design.golden, iface, design.level, source(design), meta)
    sft = SFTItem(item_id(design), prompt + [{"role": "assistant", "content": sft_answer(design)}], source(design), meta)
    return rl, sft
