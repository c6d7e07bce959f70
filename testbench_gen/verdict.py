"""The result of checking one candidate against a golden design.

"Wrong" and "could not check" are different kinds: a reward or a data filter must never treat an
`infra_error` or a `timeout` as evidence that the candidate is wrong.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any


class VerdictKind(str, Enum):
    EQUIVALENT = "equivalent"
    MISMATCH = "mismatch"
    COMPILE_ERROR = "compile_error"
    INTERFACE_MISMATCH = "interface_mismatch"
    REJECTED = "rejected"
    TIMEOUT = "timeout"
    INFRA_ERROR = "infra_error"
    INVALID_GOLDEN = "invalid_golden"  # the reference is unusable: drop the item, not the sample

    def __str__(self) -> str:  # prints as the bare word in tables and JSON
        return self.value


@dataclass
class OutputValue:
    expected: str  # 4-state binary, MSB first, as the golden produced it
    actual: str


@dataclass
class Counterexample:
    """The first sample point where the candidate differs from the golden."""

    cycle: int  # clock cycle (of the first clock; the step for combinational designs)
    step: int  # harness step index (see harness.py for the time grid)
    time_ns: int
    inputs: dict[str, str]  # every input's value at that point (binary)
    outputs: dict[str, OutputValue]  # only the outputs that differ
    testbench: str | None = None  # standalone replay testbench (Verilog text)


@dataclass
class Verdict:
    kind: VerdictKind
    reason: str
    backend: str = "icarus"
    seconds: float = 0.0
    # per output: fraction of compared sample points where the candidate differs (graded rewards)
    mismatch_rate: dict[str, float] = field(default_factory=dict)
    samples_compared: int = 0
    counterexample: Counterexample | None = None
    detail: str = ""  # tool output excerpt (compile message etc.), temp paths removed
    seed: int | None = None  # stimulus seed of this check: `--seed` / CheckOptions(seed=...) replays it
    # outputs that never changed value in the golden's trace: a pass says nothing about them
    untoggled: list[str] = field(default_factory=list)

    @property
    def is_equivalent(self) -> bool:
        return self.kind is VerdictKind.EQUIVALENT

    @property
    def is_checked(self) -> bool:
        """True when the verdict says something about the candidate (not a timeout, an infra error
        or an invalid golden)."""
        return self.kind not in (VerdictKind.TIMEOUT, VerdictKind.INFRA_ERROR, VerdictKind.INVALID_GOLDEN)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["verdict"] = self.kind.value
        del data["kind"]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Verdict":
        data = dict(data)
        kind = VerdictKind(data.pop("verdict"))
        cex = data.pop("counterexample", None)
        if cex:
            cex = dict(cex)
            cex["outputs"] = {k: OutputValue(**v) for k, v in cex["outputs"].items()}
            cex = Counterexample(**cex)
        data.pop("candidate", None)
        return cls(kind=kind, counterexample=cex, **data)
