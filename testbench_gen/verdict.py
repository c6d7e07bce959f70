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


class FormalKind(str, Enum):
    """What yosys contributed to a verdict (see formal.py and strategies.py)."""

    PROVEN = "proven"  # full proof (combinational SAT, or bounded check closed by induction)
    BOUNDED = "bounded"  # no difference within `bound` cycles from reset: deeper state is unchecked
    NOT_COUNTED = "not_counted"  # proven/bounded, but the synthesised model is not what simulation runs
    COUNTEREXAMPLE = "counterexample"  # the solver found a difference (`confirmed`: simulation agrees)
    UNSUPPORTED = "unsupported"  # yosys could not model the pair or ran out of time
    SKIPPED = "skipped"  # not run (e.g. the hybrid time budget was too small)

    def __str__(self) -> str:
        return self.value


@dataclass
class FormalStatus:
    """Formal's part in a verdict, typed so a reward or a filter need not parse the reason text.

    Why: "a full proof" and "a bounded co-signature" differ in what they promise (a trojan past the
    bound survives the latter), and consumers (the RL reward, the generator's proof check) must be
    able to tell them apart."""

    kind: FormalKind
    bound: int = 0  # clock cycles from reset checked (bounded; sequential proven)
    why: str = ""  # not_counted: the caveats; unsupported/skipped: the reason
    confirmed: bool = False  # counterexample reproduced in simulation
    would_be: str = ""  # not_counted: what formal found before the caveats voided it (proven, bounded(K))

    @property
    def is_full_proof(self) -> bool:
        return self.kind is FormalKind.PROVEN

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "FormalStatus":
        data = dict(data)
        return cls(kind=FormalKind(data.pop("kind")), **data)


@dataclass
class Verdict:
    kind: VerdictKind
    reason: str
    backend: str = "icarus"
    # checking time attributed to this candidate, not a wall time of its own: its share (time / n) of
    # the batch simulation of n candidates it ran in, or its own lone run or screening, plus formal's
    # time (hybrid/formal); a repeated text costs 0
    seconds: float = 0.0
    # per output: fraction of compared sample points where the candidate differs (graded rewards)
    mismatch_rate: dict[str, float] = field(default_factory=dict)
    samples_compared: int = 0
    counterexample: Counterexample | None = None
    detail: str = ""  # tool output excerpt (compile message etc.), temp paths removed
    seed: int | None = None  # stimulus seed of this check: `--seed` / CheckOptions(seed=...) replays it
    # outputs that never changed value in the golden's trace: a pass says nothing about them
    untoggled: list[str] = field(default_factory=list)
    # share of the golden's compared output bits that toggled on this check's stimulus (after the
    # coverage-directed segments); None: no golden trace behind the verdict (screened out)
    coverage: float | None = None
    # what formal said (hybrid / formal strategies, on simulation's `equivalent`); None: formal did not run
    formal: FormalStatus | None = None
    # the registered simulator whose compile and run decided (`backend` is the label: "cocotb-verilator",
    # "icarus+formal"); "" when none ran (an invalid golden, a pool's infra error)
    simulator: str = ""

    @property
    def is_equivalent(self) -> bool:
        return self.kind is VerdictKind.EQUIVALENT

    @property
    def is_proven(self) -> bool:
        """Equivalent, and formal fully proved it about the simulated design (not only bounded)."""
        return self.is_equivalent and self.formal is not None and self.formal.is_full_proof

    @property
    def is_checked(self) -> bool:
        """True when the verdict says something about the candidate (not a timeout, an infra error
        or an invalid golden)."""
        return self.kind not in (VerdictKind.TIMEOUT, VerdictKind.INFRA_ERROR, VerdictKind.INVALID_GOLDEN)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["verdict"] = self.kind.value
        del data["kind"]
        data["formal"] = self.formal.to_json() if self.formal is not None else None
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
        formal = data.pop("formal", None)
        return cls(kind=kind, counterexample=cex, formal=FormalStatus.from_json(formal) if formal else None,
                   **data)
