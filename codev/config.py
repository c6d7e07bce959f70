"""codev's one configuration layer: read a YAML file, build a typed dataclass from it, validated when built.

Every component config (eval, synth, generator, train sft/rl/mix/selfplay, verify) comes through here, so
every config mistake is the same kind of error (`codev.errors.ConfigError`), one line naming the file and
the key: `runs/r.yaml: rl: sampling: unknown key(s) max_round (known: ...)`.

`build` fills a dataclass from a mapping: unknown keys, wrong types and missing keys are errors; a nested
dataclass field takes a nested mapping; a class with a `from_mapping(values, source)` constructor (the
checker's `CheckOptions`, an LLM `BackendConfig`) builds itself; a dataclass with a `problems()` method
(`key: problem` strings, empty when valid) is validated right after it is built.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

from testbench_gen import yamlfile

from codev.errors import ConfigError

T = TypeVar("T")


def parse_mapping(text: str, source: str) -> dict:
    """The mapping in a YAML text (empty text: {}); `source` names it in the error."""
    try:
        data = yamlfile.parse_yaml(text, source)
    except yamlfile.YamlError as exc:
        raise ConfigError(str(exc)) from None
    return top_mapping(data, source)


def top_mapping(data, source: str) -> dict:
    """A parsed YAML document as its top-level mapping (an empty document: {})."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(source, "expected a mapping at the top level")
    return data


def read_mapping(path: str | Path, section: str | None = None, what: str = "config file") -> dict:
    """A YAML file's top-level mapping, or its `section:` when the file has one (a recipe shared by several
    components); errors name it as `{what} {path}` (as the path alone when `what` is empty)."""
    source = f"{what} {path}" if what else str(path)
    try:
        data = yamlfile.read_yaml(path, source)
    except yamlfile.YamlError as exc:
        raise ConfigError(str(exc)) from None
    data = top_mapping(data, source)
    if section is not None and section in data:
        data = data[section] if data[section] is not None else {}
        if not isinstance(data, dict):
            raise ConfigError(source, f"{section}: expected a mapping")
    return data


def load(cls: type[T], path: str | Path, section: str | None = None) -> T:
    """`cls` built from a YAML file (or its `section:`), validated."""
    return build(cls, read_mapping(path, section), str(path))


def build(cls: type[T], data: Any, where: str) -> T:
    """A `cls` dataclass from a mapping, validated; every problem is a ConfigError naming `where` and the key."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(where, f"expected a mapping, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(data) - set(fields), key=str)
    if unknown:
        raise ConfigError(where, f"unknown key(s) {', '.join(map(str, unknown))} (known: {', '.join(sorted(fields))})")
    missing = [name for name, f in fields.items() if name not in data
               and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    if missing:
        raise ConfigError(where, f"missing key(s) {', '.join(missing)}")
    values = {name: coerce(hints[name], value, f"{where}: {name}") for name, value in data.items()}
    try:
        built = cls(**values)
    except (TypeError, ValueError) as exc:  # a __post_init__ check
        raise ConfigError(where, str(exc)) from None
    check = getattr(built, "problems", None)
    problems = check() if callable(check) else []
    if problems:
        raise ConfigError(where, problems[0])
    return built


def coerce(hint: Any, value: Any, where: str) -> Any:
    """`value` as the type `hint` names, or a ConfigError naming `where`."""
    from_mapping = getattr(hint, "from_mapping", None)
    if isinstance(hint, type) and callable(from_mapping):
        value = {} if value is None else value  # an empty YAML section
        if not isinstance(value, dict):
            raise ConfigError(where, f"expected a mapping, got {value!r}")
        try:
            return from_mapping(value, where)
        except (TypeError, ValueError) as exc:
            raise ConfigError(str(exc)) from None
    if dataclasses.is_dataclass(hint):
        return build(hint, value, where)
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        return coerce(next(a for a in args if a is not type(None)), value, where)
    if origin in (list, tuple, dict) and value is None:  # an empty YAML key
        value = origin()
    if origin in (list, tuple):
        if not isinstance(value, (list, tuple)):
            raise ConfigError(where, f"expected a list, got {value!r}")
        item = args[0] if args else Any
        items = [coerce(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
        return items if origin is list else tuple(items)
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(where, f"expected a mapping, got {value!r}")
        item = args[1] if len(args) == 2 else Any
        return {str(k): coerce(item, v, f"{where}: {k}") for k, v in value.items()}
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(where, f"expected true or false, got {value!r}")
        return value
    if hint in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(where, f"expected {'an integer' if hint is int else 'a number'}, got {value!r}")
        if hint is int and float(value) != int(value):
            raise ConfigError(where, f"expected an integer, got {value!r}")
        return hint(value)
    if hint is str:
        return value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
    if hint in (dict, list):
        value = hint() if value is None else value  # an empty YAML key
        if not isinstance(value, hint):
            raise ConfigError(where, f"expected a {'mapping' if hint is dict else 'list'}, got {value!r}")
    return value
