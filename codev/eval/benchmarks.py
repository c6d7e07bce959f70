"""The benchmark registry, and loading a benchmark into one typed `Problem` list through its flavour.

The registry is data (data/benchmarks.yaml): a benchmark in a known format is one row naming its
folder and its flavour (`rule`); a bench root may register local benchmarks in its own benchmarks.yaml.
Everything downstream (prompting, scoring, reporting) sees only `Problem`, so a format's quirks (file
naming, DUT renaming, interface files) live in its flavour (flavours/) and nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from codev.config import build, read_mapping
from codev.errors import ConfigError

from .flavours import FLAVOURS, flavour
from .problem import BenchmarkError, BenchmarkSpec, Problem

REGISTRY_FILE = "benchmarks.yaml"  # the built-in registry's name in data/, and a bench root's own


@dataclass(frozen=True)
class RegistryRow:
    """One `name: {...}` row of a registry file (BenchmarkSpec without its name)."""

    folder: str
    rule: str
    variant: str = ""
    optional: bool = False

    def problems(self) -> list[str]:
        found = []
        if not self.folder or Path(self.folder).is_absolute() or ".." in Path(self.folder).parts:
            found.append(f"folder: must name a folder under the bench root, got {self.folder!r}")
        if self.rule not in FLAVOURS:
            found.append(f"rule: must be one of {', '.join(FLAVOURS)}, got {self.rule!r}")
        return found


def read_registry(path: Path) -> dict[str, BenchmarkSpec]:
    """The benchmarks a registry file lists; a bad row is a ConfigError naming the file, the benchmark and the key."""
    specs = {}
    for name, row in read_mapping(path, what="benchmark registry").items():
        built = build(RegistryRow, row, f"{path}: {name}")
        specs[str(name)] = BenchmarkSpec(str(name), built.folder, built.rule, built.variant, built.optional)
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
        raise ConfigError(f"{local}: {clash[0]}", "a built-in benchmark has this name; register it under another one")
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
