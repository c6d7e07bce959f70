"""What a generator family produces: a design with its spec, its golden and a second, independent rendering.

The second rendering (structural vs behavioural, one-hot vs binary states, shift-register vs pointer
FIFO, ...) is written from the same parameters by different code, so the checker finding the two
equivalent is evidence that the golden does what the spec says and not merely what one template wrote.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class PortDoc:
    """A port as the spec states it: the checker infers the same from the golden."""
    name: str
    direction: str  # "input" | "output"
    width: int
    text: str       # what the port carries, in a user's words
    signed: bool = False

    def declaration(self) -> str:
        kind = "input" if self.direction == "input" else "output"
        signed = " signed" if self.signed else ""
        rng = f" [{self.width - 1}:0]" if self.width > 1 else ""
        return f"{kind}{signed}{rng} {self.name}"


@dataclass(frozen=True)
class ResetStyle:
    """Reset knobs shared by the sequential families: name, polarity, synchronous or asynchronous."""
    active_high: bool
    synchronous: bool

    @property
    def name(self) -> str:
        return "rst" if self.active_high else "rst_n"

    @property
    def asserted(self) -> str:
        """The Verilog condition that is true while reset is asserted."""
        return self.name if self.active_high else f"!{self.name}"

    def sensitivity(self, clock: str = "clk") -> str:
        if self.synchronous:
            return f"posedge {clock}"
        return f"posedge {clock} or {'posedge' if self.active_high else 'negedge'} {self.name}"

    def port(self) -> PortDoc:
        level = "high" if self.active_high else "low"
        return PortDoc(self.name, "input", 1, f"{'synchronous' if self.synchronous else 'asynchronous'} "
                       f"reset, active {level}")

    def ports(self) -> list[PortDoc]:
        """The clock and the reset, the first two ports of every sequential family."""
        return [PortDoc("clk", "input", 1, "clock"), self.port()]

    def sentence(self) -> str:
        level = "1" if self.active_high else "0"
        if self.synchronous:
            return (f"Reset is synchronous: when `{self.name}` is {level} at a rising edge of `clk`, "
                    "the state is reset at that edge (reset has priority over every other input).")
        return (f"Reset is asynchronous: whenever `{self.name}` is {level} the state is reset at once, "
                "without waiting for a clock edge (reset has priority over every other input).")

    @classmethod
    def sample(cls, rng: random.Random, level: int) -> "ResetStyle":
        """Level 1 uses the plainest style (synchronous, active high); higher levels draw polarity and timing."""
        if level == 1:
            return cls(active_high=True, synchronous=True)
        return cls(active_high=rng.random() < 0.5, synchronous=rng.random() < 0.5)

    def as_params(self) -> dict[str, bool]:
        return {"reset_active_high": self.active_high, "reset_synchronous": self.synchronous}

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> "ResetStyle":
        return cls(params["reset_active_high"], params["reset_synchronous"])

    def process(self, reset_body: str, body: str, indent: str = "    ") -> str:
        """A clocked process: reset branch first (what the checker infers a reset from), then the update."""
        inner = indent + "    "
        return (f"{indent}always @({self.sensitivity()}) begin\n{inner}if ({self.asserted}) begin\n"
                f"{_indent(reset_body, inner + '    ')}{inner}end else begin\n{_indent(body, inner + '    ')}"
                f"{inner}end\n{indent}end\n")


def _indent(lines: str, prefix: str) -> str:
    return "".join(f"{prefix}{line}\n" for line in lines.strip("\n").splitlines())


@dataclass(frozen=True)
class Design:
    """One generated problem before verification."""
    family: str
    level: int
    params: dict[str, Any]
    top: str
    ports: tuple[PortDoc, ...]
    summary: str                   # one sentence: what the module does
    behaviour: tuple[str, ...]     # spec statements, one per line
    golden: str
    alternate: str                 # the same function, written independently
    plan: tuple[str, ...]          # implementation steps for the SFT reasoning
    combinational: bool
    reset: ResetStyle | None = None
    min_cycles: int = 0            # stimulus the check needs to reach deep states (e.g. long patterns)

    def header(self) -> str:
        """The ANSI module header the spec asks for."""
        return header(self.top, self.ports)


def header(top: str, ports: tuple[PortDoc, ...] | list[PortDoc]) -> str:
    body = ",\n".join(f"    {p.declaration()}" for p in ports)
    return f"module {top}(\n{body}\n);"


def module(top: str, ports: tuple[PortDoc, ...] | list[PortDoc], body: str) -> str:
    """A complete module: the spec's header, then the body (indented by the caller)."""
    return f"{header(top, ports)}\n{body.rstrip()}\nendmodule\n"


class Family(Protocol):
    """A parametrised family: `sample` draws parameters for a difficulty level, `build` renders them."""
    name: str
    combinational: bool

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]: ...

    def build(self, params: dict[str, Any], level: int) -> Design: ...


MAX_LEVEL = 5

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)


def normalized(source: str, top: str) -> str:
    """The golden without comments, layout or its module name: two items with the same key are duplicates."""
    text = _COMMENT.sub(" ", source)
    text = re.sub(rf"\b{re.escape(top)}\b", "TOP", text)
    return " ".join(text.split())


_NUMBER = re.compile(r"^\d|'")


def skeleton(source: str) -> str:
    """The golden's structure: comments and layout dropped, identifiers renamed by first appearance, every
    number replaced by N. Two items with one skeleton differ only in widths and constants."""
    from codev.synth.tokens import canonical

    return " ".join("N" if _NUMBER.search(tok) else tok for tok in canonical(source))


def clog2(n: int) -> int:
    """Bits needed to number n things (at least 1)."""
    return max(1, (n - 1).bit_length())
