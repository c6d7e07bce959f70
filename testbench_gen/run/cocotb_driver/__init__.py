"""cocotb drives a registered simulator from Python: a core.CheckBackend, not a simulator.

check.py runs in the checker's process; cocotb_run.py and cocotb_replay.py run in the child process
cocotb's runner needs (they import only cocotb, never testbench_gen).
"""
from .check import CocotbBackend, check_cocotb

__all__ = ["CocotbBackend", "check_cocotb"]
