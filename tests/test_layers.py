"""The import graph has no upward arrows: each layer imports only the layers below it.

Layers, bottom to top: the checker (`testbench_gen`, no ML), then `codev.llm` (model backends),
`codev.eval` (benchmarks), `codev.synth` (data), `codev.train`, and `codev.cli` (the command line) on
top. A module may import its own layer and those below. `UPWARD_KNOWN` lists the arrows that still
point up (to be moved); the test fails on a new one and on a fixed one still listed, so it only shrinks.
"""
from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LAYERS = ["testbench_gen", "codev.llm", "codev.eval", "codev.synth", "codev.train", "codev.cli"]
NEUTRAL = {"codev", "codev.jsonl", "codev.errors", "codev.config", "codev.__main__"}  # shared leaves and the entry point

UPWARD_KNOWN: set[tuple[str, str]] = set()  # none left; an entry here names a known upward import to remove


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(name: str) -> int | None:
    if name in NEUTRAL:
        return None
    for index in reversed(range(len(LAYERS))):
        if name == LAYERS[index] or name.startswith(LAYERS[index] + "."):
            return index
    return None


def imports(path: Path, name: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def upward_arrows() -> set[tuple[str, str]]:
    arrows = set()
    for root in ("testbench_gen", "codev"):
        for path in (REPO / root).rglob("*.py"):
            name = module_name(path)
            own = layer_of(name)
            if own is None:
                continue
            for target in imports(path, name):
                other = layer_of(target)
                if other is not None and other > own:
                    arrows.add((name, LAYERS[other]))
    return arrows


def test_no_new_upward_imports():
    arrows = upward_arrows()
    assert arrows - UPWARD_KNOWN == set(), "a lower layer imports a higher one"
    assert UPWARD_KNOWN - arrows == set(), "fixed: remove these from UPWARD_KNOWN"


def test_the_checker_has_no_ml_dependencies():
    heavy = {"torch", "transformers", "trl", "datasets", "codev"}
    for path in (REPO / "testbench_gen").rglob("*.py"):
        roots = {target.split(".")[0] for target in imports(path, module_name(path))}
        assert not roots & heavy, path
