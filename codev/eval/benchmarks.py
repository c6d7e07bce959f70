"""The benchmark registry, and loading a benchmark into one typed `Problem` list through its flavour.

The registry is data (data/benchmarks.yaml): a benchmark in a known format is one row naming its
folder and its flavour (`rule`); a bench root may register local benchmarks in its own benchmarks.yaml.
Everything downstream (prompting, scoring, reporting) sees only `Problem`, so a format's quirks (file
naming, DUT renaming, interface files) live in its flavour (flavours/) and nowhere else.
"""
from __future__ import annotations

from pathlib import Path

from codev.config import read_mapping
from codev.errors import ConfigError

from .flavours import FLAVOURS, flavour
from .problem import BenchmarkError, BenchmarkSpec, Problem

REGISTRY_FILE = "benchmarks.yaml"  # the built-in registry's name in data/, and a bench root's own
_KEYS = ("folder", "rule", "variant", "optional")


def read_registry(path: Path) -> dict[str, BenchmarkSpec]:
    """The benchmarks a registry file lists: `name: {folder, rule, variant, optional}` rows."""
    try:
        data = read_mapping(path, what="")
    except ConfigError as exc:
        raise BenchmarkError(str(exc)) from None
    specs = {}
    for name, row in data.items():
        where = f"{path}: benchmark {name!r}"
        if not isinstance(row, dict):
            raise BenchmarkError(f"{where}: expected a mapping with keys {', '.join(_KEYS)}")
        unknown = sorted(set(map(str, row)) - set(_KEYS))
        if unknown:
            raise BenchmarkError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(_KEYS)})")
        folder, rule = row.get("folder"), row.get("rule")
        if not isinstance(folder, str) or not folder or Path(folder).is_absolute() or ".." in Path(folder).parts:
            raise BenchmarkError(f"{where}: 'folder' must name a folder under the bench root")
        if rule not in FLAVOURS:
            raise BenchmarkError(f"{where}: 'rule' must be one of {', '.join(FLAVOURS)} (got {rule!r})")
        variant = row.get("variant") or ""
        if not isinstance(variant, str) or not isinstance(row.get("optional", False), bool):
            raise BenchmarkError(f"{where}: 'variant' must be text and 'optional' true or false")
        specs[str(name)] = BenchmarkSpec(str(name), folder, rule, variant, row.get("optional", False))
    return specs


BENCHMARKS: dict[str, BenchmarkSpec] = read_registry(Path(__file__).with_name("data") / REGISTRY_FILE)
# what "all" means: the benchmarks of the shared data folder (`codev bench fetch` without a name)
DEFAULT_BENCHMARKS = tuple(name for name, spec in BENCHMARKS.items() if not spec.optional)


def benchmarks_in(root: Path | None) -> dict[str, BenchmarkSpec]:
    """The built-in benchmarks, plus those `root/benchmarks.yaml` registers (local benchmarks in a known format)."""
    local = Path(root) / REGISTRY_FILE if root is not None else None
    if local is None or not local.is_file():
        return BENCHMARKS
    extra = read_registry(local)
    clash = sorted(set(extra) & set(BENCHMARKS))
    if clash:
        raise BenchmarkError(f"{local}: {clash[0]!r} is a built-in benchmark; register it under another name")
    return {**BENCHMARKS, **extra}


def load_benchmark(name: str, root: Path) -> list[Problem]:
    """All problems of benchmark `name` read from `root` (the folder holding verilogeval_v1/ etc.)."""
    known = benchmarks_in(root)
    if name not in known:
        raise BenchmarkError(f"unknown benchmark {name!r} (known: {', '.join(known)})")
    spec = known[name]
    folder = Path(root) / spec.folder
    if not folder.is_dir():
        hint = f"`codev bench fetch {spec.folder}` fills it" if spec.optional else "is --bench-root right?"
        raise BenchmarkError(f"{folder}: benchmark folder not found ({hint})")
    return flavour(spec.rule).load(spec, folder)
