"""What the testbench needs to know about a design's top module, inferred from its source."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Port:
    name: str
    direction: str  # "input" | "output" | "inout"
    width: int
    signed: bool = False


@dataclass
class Clock:
    name: str
    edge: str  # "posedge" | "negedge" | "both"


@dataclass
class Reset:
    name: str
    active_high: bool
    synchronous: bool
    inferred_from: str = "usage"  # "usage" (sensitivity list / if condition) or "name" (fallback)


@dataclass
class StateVar:
    """A register of the design below its top (never a port): what coverage-directed stimulus watches."""

    path: str  # hierarchical name below the top instance ("used", "u_ctl.state")
    width: int
    values: list[int] = field(default_factory=list)  # literals it is compared with (FSM states)


@dataclass
class Interface:
    top: str
    ports: list[Port]
    clocks: list[Clock] = field(default_factory=list)
    resets: list[Reset] = field(default_factory=list)
    parameters: dict[str, int] = field(default_factory=dict)
    constants: list[int] = field(default_factory=list)  # literals the design compares inputs against
    counter_bits: int = 0  # bits of counter-like state, all counters together (sizes the long run)
    state: list[StateVar] = field(default_factory=list)  # clocked registers below the top (coverage)

    @property
    def inputs(self) -> list[Port]:
        return [p for p in self.ports if p.direction == "input"]

    @property
    def outputs(self) -> list[Port]:
        return [p for p in self.ports if p.direction == "output"]

    @property
    def inouts(self) -> list[Port]:
        return [p for p in self.ports if p.direction == "inout"]

    @property
    def clock_names(self) -> set[str]:
        return {c.name for c in self.clocks}

    @property
    def reset_names(self) -> set[str]:
        return {r.name for r in self.resets}

    @property
    def data_inputs(self) -> list[Port]:
        """Inputs driven by random stimulus: everything but clocks and resets."""
        special = self.clock_names | self.reset_names
        return [p for p in self.inputs if p.name not in special]

    def port(self, name: str) -> Port:
        for p in self.ports:
            if p.name == name:
                return p
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Interface":
        return cls(
            top=data["top"],
            # `registered` (never read, removed) may still be in stored interfaces
            ports=[Port(**{k: v for k, v in p.items() if k != "registered"}) for p in data["ports"]],
            clocks=[Clock(**c) for c in data.get("clocks", [])],
            resets=[Reset(**r) for r in data.get("resets", [])],
            parameters=dict(data.get("parameters", {})),
            constants=list(data.get("constants", [])),
            counter_bits=int(data.get("counter_bits", 0)),
            state=[StateVar(**s) for s in data.get("state", [])],
        )
