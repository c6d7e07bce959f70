"""Simulator backends: look one up by name. The protocol they follow is in base.py."""
from __future__ import annotations

from .base import CheckBackend, SimulatorBackend
from .icarus import IcarusBackend
from .verilator import VerilatorBackend

BACKENDS: dict[str, type[SimulatorBackend]] = {"icarus": IcarusBackend, "verilator": VerilatorBackend}


def get_backend(name: str = "icarus") -> SimulatorBackend:
    try:
        return BACKENDS[name]()
    except KeyError:
        raise ValueError(f"unknown backend '{name}' (known: {', '.join(BACKENDS)})") from None


__all__ = ["CheckBackend", "SimulatorBackend", "IcarusBackend", "VerilatorBackend", "BACKENDS", "get_backend"]
