"""Rows of the datasets synthesis writes and training reads (Hugging Face `datasets` columns).

Both are plain dataclasses whose `to_row()` gives the exact columns TRL consumes without conversion:
`messages` for `SFTTrainer`, conversational `prompt` for `GRPOTrainer` (extra columns reach reward functions
as keyword arguments).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": ...}


@dataclass
class SFTItem:
    """One distillation example: assistant = `<think>reasoning</think><answer>```verilog ...```</answer>`."""
    id: str
    messages: list[Message]
    source: str                      # "generator/<family>", "roundtrip/<corpus>", ...
    meta: dict[str, Any] = field(default_factory=dict)

    def to_row(self) -> dict[str, Any]:
        return {"id": self.id, "messages": self.messages, "source": self.source, "meta": json.dumps(self.meta)}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "SFTItem":
        return cls(row["id"], list(row["messages"]), row["source"], _meta(row.get("meta")))


@dataclass
class RLItem:
    """One RL problem: the prompt the policy sees and the golden design its answers are checked against."""
    id: str
    prompt: list[Message]            # system + user turns; the user turn states ports, widths, clock and reset
    golden: str                      # reference Verilog (trusted)
    interface: str                   # testbench_gen Interface as JSON (Interface.to_json())
    difficulty: int                  # higher is harder: a generator family's level, or base-model failures of k
    source: str                      # "generator/<family>", "roundtrip/<corpus>", ...
    meta: dict[str, Any] = field(default_factory=dict)  # family parameters, pass counts, provenance

    def to_row(self) -> dict[str, Any]:
        row = asdict(self)
        row["meta"] = json.dumps(self.meta)
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "RLItem":
        return cls(row["id"], list(row["prompt"]), row["golden"], row["interface"], int(row["difficulty"]),
                   row["source"], _meta(row.get("meta")))


def _meta(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return json.loads(value) if value else {}
    return dict(value or {})
