"""testbench_gen: is a candidate Verilog module functionally equivalent to a golden one?

The checker behind codev's reward, data filter and evaluation second opinion. No ML dependencies.
"""
from .checker import check
from .config import CheckOptions, FormalOptions, StrategyOptions
from .service.pool import CheckerPool, CheckJob, check_many
from .run.golden import GoldenRun, InvalidGolden, SimulatorUnavailable, prepare_golden
from .design.infer import InterfaceError, infer_interface
from .interface import Clock, Interface, Port, Reset
from .verdict import Counterexample, FormalKind, FormalStatus, OutputValue, Verdict, VerdictKind

__all__ = [
    "check", "CheckOptions", "StrategyOptions", "FormalOptions", "InvalidGolden", "SimulatorUnavailable", "GoldenRun", "prepare_golden",
    "infer_interface", "InterfaceError", "Interface", "Port", "Clock", "Reset",
    "Verdict", "VerdictKind", "Counterexample", "OutputValue", "FormalKind", "FormalStatus",
    "CheckerPool", "CheckJob", "check_many",
]
