"""The simulator registry: the one list of simulators; look one up by name or by role.

A simulator is one class (the protocol and every fact a class declares: base.py) registered here;
nothing else in the checker names a tool. `register` adds one at run time (a plug-in, a test).
"""
from __future__ import annotations

from .base import CostHints, Preprocessor, SimulatorBackend, tool_command
from .icarus import IcarusBackend
from .verilator import VerilatorBackend

BACKENDS: dict[str, type[SimulatorBackend]] = {}


def register(cls: type[SimulatorBackend]) -> type[SimulatorBackend]:
    """Make `cls` known under cls.name (the `--backend` spelling); usable as a class decorator."""
    if cls.reference and any(other.reference for name, other in BACKENDS.items() if name != cls.name):
        raise ValueError(f"backend '{cls.name}': there is already a reference simulator")
    BACKENDS[cls.name] = cls
    return cls


def unregister(name: str) -> None:
    BACKENDS.pop(name, None)


register(IcarusBackend)
register(VerilatorBackend)


def get_backend(name: str | None = None) -> SimulatorBackend:
    """The simulator `name` (default: the reference simulator)."""
    if name is None:
        return reference_backend()
    try:
        return BACKENDS[name]()
    except KeyError:
        raise ValueError(f"unknown backend '{name}' (known: {', '.join(BACKENDS)})") from None


def backend_class(name: str) -> type[SimulatorBackend] | None:
    return BACKENDS.get(name)


def reference_backend() -> SimulatorBackend:
    """The 4-state simulator the others are checked against: the default, the spot checks, the
    directed search, formal's replays of a verdict no simulator decided."""
    return next(cls for cls in BACKENDS.values() if cls.reference)()


def reference_name() -> str:
    return next(cls.name for cls in BACKENDS.values() if cls.reference)


def compiled_backend() -> SimulatorBackend | None:
    """The compiled simulator `auto` weighs against the reference (the first registered), if any."""
    return next((cls() for cls in BACKENDS.values() if cls.cost.compiled), None)


def simulator_for(name: str) -> SimulatorBackend:
    """The simulator `name` names when it names one (a strategy or a driver does not), else the
    reference: where a verdict's text was compiled, and so where it is replayed."""
    return BACKENDS[name]() if name in BACKENDS else reference_backend()


def is_two_state(name: str) -> bool:
    """True when `name` is a simulator whose values collapse X and Z (its `equivalent` needs a
    4-state second opinion)."""
    cls = BACKENDS.get(name)
    return cls is not None and not cls.four_state


__all__ = ["SimulatorBackend", "CostHints", "Preprocessor", "tool_command", "IcarusBackend", "VerilatorBackend",
           "BACKENDS", "register", "unregister", "get_backend", "backend_class", "reference_backend",
           "reference_name", "compiled_backend", "simulator_for", "is_two_state"]
