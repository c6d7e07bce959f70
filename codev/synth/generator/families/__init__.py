"""Every generator family, by name (the name is what `--families` / `--exclude-families` select)."""
from __future__ import annotations

from ..design import Family
from .alu import Alu
from .arith import Adder
from .barrel import BarrelShifter
from .bits import EdgeDetector, VectorOps
from .cdc import ClockDomainCrossing
from .cellular import CellularAutomaton
from .coders import Decoder, PriorityEncoder
from .compare import Comparator
from .counter import Counter
from .fifo import Fifo
from .fsm import SequenceDetector, TableFsm
from .hier import FixedPoint, Hierarchical
from .logic import TruthTable
from .memory import RegisterFile
from .muldiv import Divider, Multiplier
from .timing import ClockDivider, Pwm
from .pipeline import Pipeline
from .ring import RingCounter
from .select import Mux
from .seqarith import SeqMulDiv
from .serial import Serialiser, UartTx
from .shift import Lfsr, ShiftRegister
from .story import StoryFsm
from .uart_rx import UartRx

FAMILIES: dict[str, Family] = {f.name: f for f in (Adder(), Alu(), Comparator(), Mux(), Decoder(), PriorityEncoder(), Counter(),
                                                    ShiftRegister(), Lfsr(), TableFsm(), SequenceDetector(),
                                                    Fifo(), Pipeline(), TruthTable(),
                                                    ClockDivider(), Pwm(), RegisterFile(), Multiplier(),
                                                    Divider(), Serialiser(), UartTx(), EdgeDetector(),
                                                    VectorOps(), Hierarchical(), FixedPoint(), StoryFsm(),
                                                    UartRx(), SeqMulDiv(), BarrelShifter(),
                                                    CellularAutomaton(), RingCounter(), ClockDomainCrossing())}
