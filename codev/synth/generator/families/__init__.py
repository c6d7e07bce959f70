"""Every generator family, by name (the name is what `--families` / `--exclude-families` select)."""
from __future__ import annotations

from ..design import Family
from .alu import Alu
from .arith import Adder
from .coders import Decoder, PriorityEncoder
from .compare import Comparator
from .counter import Counter
from .fifo import Fifo
from .fsm import SequenceDetector, TableFsm
from .pipeline import Pipeline
from .select import Mux
from .shift import Lfsr, ShiftRegister

FAMILIES: dict[str, Family] = {f.name: f for f in (Adder(), Alu(), Comparator(), Mux(), Decoder(), PriorityEncoder(), Counter(),
                                                    ShiftRegister(), Lfsr(), TableFsm(), SequenceDetector(),
                                                    Fifo(), Pipeline())}
