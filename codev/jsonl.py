"""Reading users' JSONL files line by line, with errors that name the file and the line."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator


def jsonl_objects(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) per non-blank line of a user's JSONL file; ValueError names file and line."""
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise ValueError(f"{path}:{lineno}: expected a JSON object")
            yield lineno, row
