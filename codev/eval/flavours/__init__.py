"""The benchmark formats codev scores, one object each (see base.py for what a flavour holds).

A benchmark names its flavour in the registry (`rule:` in data/benchmarks.yaml); a new format is one
module here and one line below.
"""
from __future__ import annotations

from codev.llm.prompts import ChatPrompt

from ..problem import Problem
from .base import Flavour
from .cvdp import Cvdp
from .rtllm import Rtllm
from .verilogeval_v1 import VerilogEvalV1
from .verilogeval_v2 import VerilogEvalV2

__all__ = ["FLAVOURS", "Flavour", "build_prompt", "flavour"]

# order matters where layouts overlap: --samples detection asks them in turn (v2 folders before RTLLM's)
FLAVOURS: dict[str, Flavour] = {f.name: f for f in (VerilogEvalV1(), VerilogEvalV2(), Rtllm(), Cvdp())}


def flavour(name: str) -> Flavour:
    """The flavour named `name` (a registry row's `rule`)."""
    return FLAVOURS[name]


def build_prompt(problem: Problem, style: str) -> ChatPrompt:
    """The chat prompt for `problem` in prompt style `style` (base.STYLES), as its benchmark words it."""
    return flavour(problem.rule).prompt(problem, style)
