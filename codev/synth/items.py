"""The unit every synthesis stage reads and writes: one module (with its submodules) and its provenance."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Item:
    id: str  # content hash of provenance and code: the checkpoint key of every stage
    code: str  # the module followed by the submodules it instantiates
    top: str
    source: str  # corpus name from the config
    path: str = ""  # file (or row) it came from
    licence: str = ""  # SPDX id, LICENSE file's first line, or the dataset's licence column
    data: dict[str, Any] = field(default_factory=dict)  # what stages add: interface, spec, response, passes

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> "Item":
        return cls(row["id"], row["code"], row.get("top", ""), row.get("source", ""), row.get("path", ""),
                   row.get("licence", ""), dict(row.get("data") or {}))


def digest(*parts: str, length: int = 20) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", errors="replace"))
        h.update(b"\0")
    return h.hexdigest()[:length]


def item_id(source: str, path: str, top: str, code: str) -> str:
    return digest(source, path, top, code)


