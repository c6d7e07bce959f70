"""Every generator family, by name (the name is what `--families` / `--exclude-families` select)."""
from __future__ import annotations

from ..design import Family
from .alu import Alu
from .arith import Adder
from .coders import Decoder, PriorityEncoder
from .compare import Comparator
from .select import Mux

FAMILIES: dict[str, Family] = {f.name: f for f in (Adder(), Alu(), Comparator(), Mux(), Decoder(), PriorityEncoder())}
