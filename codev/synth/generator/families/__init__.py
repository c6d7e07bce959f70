"""Every generator family, by name (the name is what `--families` / `--exclude-families` select)."""
from __future__ import annotations

from ..design import Family
from .arith import Adder

FAMILIES: dict[str, Family] = {f.name: f for f in (Adder(),)}
