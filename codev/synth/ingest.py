"""Ingest: folders of .v/.sv, JSONL, parquet or a Hugging Face dataset -> one Item per module.

Each module becomes an item together with the submodules it instantiates (looked up in the same file,
then anywhere in the same source), so every item compiles on its own. Text is normalised (line ends,
trailing blanks, runs of blank lines) and provenance is recorded: corpus, path or row, licence.
Sources are read as streams; a folder keeps only a module-name -> file index in memory.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from pyslang import SourceManager, syntax

from .config import SEED_RTL, SourceConfig
from ..jsonl import jsonl_objects
from .items import Item, item_id

SPDX = re.compile(r"SPDX-License-Identifier:\s*([\w.+\-() ]+?)\s*(?:\*/|$)", re.M)
LICENCE_FILES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "COPYING", "LICENSE.ISC")


class IngestError(ValueError):
    """A source cannot be read (the message names it)."""


@dataclass(frozen=True)
class Module:
    name: str
    text: str
    instantiates: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    """One text with its provenance: a file, or a dataset row."""
    key: str  # unique within the source: path, or path#row
    text: str
    licence: str


def normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    lines = [line.rstrip() for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return text + "\n"


def split_modules(text: str) -> list[Module]:
    """Top-level module declarations, each with its leading comments and the module types it instantiates."""
    # a SourceManager per text: the default one keeps every text parsed for the life of the process
    # (about a kilobyte per item, so a 100K-item ingest grew by 130 MB)
    sources = SourceManager()
    tree = syntax.SyntaxTree.fromText(text, sources, "source.v")
    modules = []
    # a text holding one module parses to that module as the root, several to a compilation unit
    members = [tree.root] if tree.root.kind == syntax.SyntaxKind.ModuleDeclaration else tree.root.members
    for member in members:
        if member.kind != syntax.SyntaxKind.ModuleDeclaration:
            continue
        types: list[str] = []

        def visit(node):
            if node.kind == syntax.SyntaxKind.HierarchyInstantiation:
                name = node.type.valueText
                if name and name not in types:
                    types.append(name)

        member.visit(visit)
        modules.append(Module(member.header.name.valueText, str(member).strip("\n"), tuple(types)))
    return modules


def with_submodules(top: Module, lookup) -> str:
    """The module then every module it needs (depth first, each once); unknown names are left to the compiler."""
    seen, parts, stack = {top.name}, [top.text], list(top.instantiates)
    while stack:
        name = stack.pop(0)
        if name in seen:
            continue
        seen.add(name)
        sub = lookup(name)
        if sub is not None:
            parts.append(sub.text)
            stack.extend(sub.instantiates)
    return "\n\n".join(parts)


def licence_of(text: str, path: Path | None, root: Path | None, default: str) -> str:
    match = SPDX.search(text[:4000])
    if match:
        return match.group(1).strip()
    if path is not None and root is not None:
        folder = path.parent
        while True:
            for name in LICENCE_FILES:
                f = folder / name
                if f.is_file():
                    first = next((ln.strip() for ln in f.read_text(errors="replace").splitlines() if ln.strip()), "")
                    return first[:80] or default
            if folder == root or root not in folder.parents:
                break
            folder = folder.parent
    return default


def _folder_docs(source: SourceConfig, root: Path) -> Iterator[Document]:
    if not root.is_dir():
        raise IngestError(f"{root}: source folder not found")
    files = sorted({p for pattern in source.patterns for p in root.rglob(pattern) if p.is_file()})
    for i, path in enumerate(files):
        if source.limit and i >= source.limit:
            break
        text = path.read_text(encoding="utf-8", errors="replace")
        yield Document(str(path.relative_to(root)), text, licence_of(text, path, root, source.licence))


def _row_doc(row: dict, index: int, source: SourceConfig, where: str) -> Document | None:
    cols = {"code": "code", "path": "path", "licence": "licence", "id": "id", **source.columns}
    code = row.get(cols["code"])
    if not isinstance(code, str):
        raise IngestError(f"{where}: row {index} has no text column {cols['code']!r} (map it with columns: {{code: NAME}})")
    name = row.get(cols["path"]) or row.get(cols["id"]) or f"row{index}"
    licence = row.get(cols["licence"]) or licence_of(code, None, None, source.licence)
    return Document(f"{name}#{index}", code, str(licence))


def _jsonl_docs(source: SourceConfig) -> Iterator[Document]:
    path = Path(source.path)
    if not path.is_file():
        raise IngestError(f"{path}: source file not found")
    try:
        for lineno, row in jsonl_objects(path):
            if source.limit and lineno > source.limit:
                break
            yield _row_doc(row, lineno - 1, source, str(path))
    except ValueError as exc:
        if isinstance(exc, IngestError):
            raise
        raise IngestError(str(exc)) from None


def _parquet_docs(source: SourceConfig) -> Iterator[Document]:
    import pyarrow.parquet as pq

    path = Path(source.path)
    if not path.is_file():
        raise IngestError(f"{path}: source file not found")
    index = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=256):
        for row in batch.to_pylist():
            if source.limit and index >= source.limit:
                return
            yield _row_doc(row, index, source, str(path))
            index += 1


def _hf_docs(source: SourceConfig) -> Iterator[Document]:
    import datasets

    path = Path(source.path)
    try:
        if any((path / name).is_file() for name in ("dataset_info.json", "state.json", "dataset_dict.json")):
            data = datasets.load_from_disk(str(path))  # memory-mapped Arrow: rows are read on demand
            if isinstance(data, datasets.DatasetDict):
                data = data[source.split]
        else:
            data = datasets.load_dataset(source.path, split=source.split, streaming=True)
    except Exception as exc:  # noqa: BLE001 - any loader failure is a bad source
        raise IngestError(f"{source.path}: cannot load Hugging Face dataset ({type(exc).__name__}: {exc})") from None
    for index, row in enumerate(data):
        if source.limit and index >= source.limit:
            break
        yield _row_doc(row, index, source, source.path)


def documents(source: SourceConfig) -> Iterator[Document]:
    if source.kind == "seed":
        seed = SourceConfig(**{**source.__dict__, "kind": "folder", "path": str(SEED_RTL)})
        yield from _folder_docs(seed, SEED_RTL)
    elif source.kind == "folder":
        yield from _folder_docs(source, Path(source.path))
    elif source.kind == "jsonl":
        yield from _jsonl_docs(source)
    elif source.kind == "parquet":
        yield from _parquet_docs(source)
    else:
        yield from _hf_docs(source)


class ModuleIndex:
    """Where each module of a source is defined (name -> document key), for submodules in other files."""

    def __init__(self, source: SourceConfig):
        self.source = source
        self.where: dict[str, str] = {}
        if source.kind in ("folder", "seed"):
            for doc in documents(source):
                for module in _split_cached(normalise(doc.text)):
                    self.where.setdefault(module.name, doc.key)

    def lookup(self, name: str, local: dict[str, Module]) -> Module | None:
        if name in local:
            return local[name]
        key = self.where.get(name)
        if key is None:
            return None
        root = SEED_RTL if self.source.kind == "seed" else Path(self.source.path)
        text = normalise((root / key).read_text(encoding="utf-8", errors="replace"))
        return next((m for m in _split_cached(text) if m.name == name), None)


@lru_cache(maxsize=64)
def _split_cached(text: str) -> tuple[Module, ...]:
    return tuple(split_modules(text))


def items_of(doc: Document, source: SourceConfig, index: ModuleIndex) -> list[Item]:
    text = normalise(doc.text)
    modules = _split_cached(text)
    local = {m.name: m for m in modules}
    items = []
    for module in modules:
        code = normalise(with_submodules(module, lambda n: index.lookup(n, local)))
        items.append(Item(item_id(source.name, doc.key, module.name, code), code, module.name, source.name,
                          doc.key, doc.licence))
    return items
