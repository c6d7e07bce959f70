"""The project's one YAML reader: the checker's recipes and every codev config come through here.

It sits in the bottom layer (the checker, which imports nothing of codev) so that every layer above can
share it; codev wraps its error in `codev.errors.ConfigError` (codev/config.py).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any


class YamlError(ValueError):
    """A YAML file that is missing, unreadable or not YAML: one line naming the file."""


def parse_yaml(text: str, source: str) -> Any:
    """The document in `text` (None when empty); `source` names it in the error."""
    import yaml  # lazily: `import testbench_gen` stays cheap

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise YamlError(f"{source}: not valid YAML ({str(exc).splitlines()[0]})") from None


def read_yaml(path: str | Path, source: str | None = None) -> Any:
    """The document in the file at `path`; `source` (default: the path) names it in errors."""
    p = Path(path)
    source = source or str(path)
    if not p.exists():
        raise YamlError(f"{source}: no such file")
    if p.is_dir():
        raise YamlError(f"{source}: is a directory")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlError(f"{source}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    return parse_yaml(text, source)
