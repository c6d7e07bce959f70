"""Generator reasoning: it mentions only features the item has, works through a case simulated on the
golden (whose numbers are right), and comes in several styles."""
from __future__ import annotations

import random
import re

import pytest

from codev.synth.generator import FAMILIES, MAX_LEVEL
from codev.synth.generator.families.arith import Adder
from codev.synth.generator.rows import sft_answer
from codev.synth.generator.spec import STYLES, reasoning
from codev.synth.generator.trace import concrete_case


def _port(name):
    return lambda d: any(p.name == name for p in d.ports)


def _text(word):
    return lambda d: any(word in p.text.lower() or word in p.name for p in d.ports)


# a phrase in the reasoning -> what the design must have for the phrase to be true
FEATURES = {
    r"\boverflow": _port("overflow"),
    r"\bcarry\b": _text("carry"),
    r"\bborrow": _text("borrow"),
    r"default arm": lambda d: "default:" in d.golden,
    r"\bload\b": _port("load"),
    r"`en`|\benable\b": lambda d: _port("en")(d),
    r"\bMealy\b": lambda d: d.params.get("mealy") is True,
    r"\bMoore\b": lambda d: d.params.get("mealy") is False,
    r"almost": _port("almost_full"),
    r"(?<!no )\bclock\b|`clk`": lambda d: not d.combinational,
    r"\breset\b": lambda d: d.reset is not None,
    r"\bwrap": lambda d: d.family in ("fifo", "clock_divider", "pwm") or d.params.get("modulo"),
    r"\bstall": lambda d: d.params.get("stall") is True,
    r"active.low": lambda d: d.params.get("active_low") is True or (d.reset is not None and not d.reset.active_high),
    # the newer families' optional features, checked within the family that has them
    r"(?<!no )\bparity\b": lambda d: d.family not in ("uart_rx", "uart_tx") or d.params["parity"] != "none",
    r"\bsign|negat": lambda d: d.family not in ("seq_muldiv", "barrel_shifter") or d.params.get("signed") is True
    or "sra" in d.params.get("ops", ()),
    r"\bstop (?:state|starts)|-cycle stop": lambda d: d.family != "story_fsm" or bool(d.params.get("pause")),
    r"\bfall": lambda d: d.family != "story_fsm" or d.params.get("fall") is True,
    r"\bbroken\b": lambda d: d.family != "story_fsm" or bool(d.params.get("fall_limit")),
    r"`button`|\bwalk phase|pending": lambda d: d.family != "story_fsm" or bool(d.params.get("walk")),
    r"\bstart, ": lambda d: d.family != "uart_rx" or d.params["baud_div"] > 1,
    r"\btorus|other end|modulo": lambda d: d.family != "cellular" or d.params["ring"] is True,
    r"`din_valid`": _port("din_valid"),
    r"`message`": _port("message"),
    r"`mode`": _port("mode"),
}


def designs(name: str, per_level: int = 4):
    family = FAMILIES[name]
    for level in range(1, MAX_LEVEL + 1):
        for seed in range(per_level):
            yield family.build(family.sample(random.Random(f"reason/{name}/{level}/{seed}"), level), level)


NEWER = ("story_fsm", "uart_rx", "seq_muldiv", "barrel_shifter", "cellular", "ring_counter", "cdc")


@pytest.mark.parametrize("name", NEWER)
def test_spec_of_newer_families_mentions_no_feature_the_item_lacks(name):
    from codev.synth.generator.spec import PROMPT_STYLES, user_prompt

    for design in designs(name):
        for style in PROMPT_STYLES:
            text = user_prompt(design, style)
            for phrase, holds in FEATURES.items():
                # every spec states its reset, and VerilogEval's layout says "The ports carry:"
                if re.search(phrase, text) and phrase not in (r"\breset\b", r"\bcarry\b"):
                    assert holds(design), (phrase, design.params, style, text)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_reasoning_mentions_no_feature_the_item_lacks(name):
    for design in designs(name):
        for style in STYLES:
            text = reasoning(design, None, style)
            for phrase, holds in FEATURES.items():
                if re.search(phrase, text):
                    assert holds(design), (phrase, design.params, style, text)


def test_worked_case_numbers_are_the_goldens():
    design = Adder().build({"width": 8, "mode": "add", "carry_in": False, "overflow": True}, 3)
    case = concrete_case(design, 7)
    assert case.event == "set" and case.focus in ("cout", "overflow")
    row = case.rows[0]
    total = row.inputs["a"] + row.inputs["b"]
    assert row.outputs["sum"] == total % 256 and row.outputs["cout"] == total >> 8
    text = sft_answer(design)
    assert text.count("<think>") == 1 and text.count("</answer>") == 1


def test_sequential_case_walks_through_cycles_and_styles_vary():
    fifo = next(d for d in designs("fifo") if d.level == 2)
    case = concrete_case(fifo, 3)
    assert len(case.rows) == 3 and case.event == "set"
    styles = set()
    for name in ("fifo", "counter", "alu", "fsm"):
        for design in list(designs(name, 2))[:6]:
            text = sft_answer(design)
            assert re.search(r"cycle \d+:", text) or "Take " in text  # a concrete case in every answer
            styles.add(next(s for s, opener in (("questions", "What is asked?"), ("example_first", "I need a"),
                                                ("plan_first", "The task is")) if opener in text))
    assert styles == set(STYLES)


@pytest.mark.parametrize("style", ["codev", "verilogeval", "rtllm"])
def test_every_prompt_style_states_the_whole_spec(style):
    from codev.synth.generator.spec import user_prompt

    for name in sorted(FAMILIES):
        for design in list(designs(name, 1))[::2]:
            text = user_prompt(design, style)
            assert design.top in text
            for port in design.ports:
                assert port.name in text and port.text in text
            for line in design.behaviour:
                assert line in text
