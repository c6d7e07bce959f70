"""One config object for a synthesis run (`codev synth run --config CFG.yaml`), loaded from YAML.

Every section is a frozen dataclass; unknown keys are an error that names them and the file.
"""
from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from codev.llm.backend import BackendConfig
from codev.synth.decontam import DecontamConfig
from codev.synth.generator import GeneratorConfig
from testbench_gen import CheckOptions

SOURCE_KINDS = ("folder", "jsonl", "parquet", "hf", "seed")
BUILTIN_DIR = Path(__file__).with_name("seed")  # the built-in corpus and its recorded LLM responses
SEED_RTL = BUILTIN_DIR / "rtl"


class ConfigError(ValueError):
    """The config file is unreadable or has wrong keys or values (the message names the file)."""


@dataclass(frozen=True)
class SourceConfig:
    kind: str  # folder | jsonl | parquet | hf | seed (the built-in corpus)
    path: str = ""  # folder, file, or Hugging Face dataset (local folder or hub name)
    name: str = ""  # corpus name recorded in provenance (default: the path's last part)
    columns: dict[str, str] = field(default_factory=dict)  # item field -> column: code, path, licence
    split: str = "train"  # hf
    licence: str = ""  # used when the data says nothing
    limit: int = 0  # at most this many files/rows (0: all)
    patterns: tuple[str, ...] = ("*.v", "*.sv")  # folder


@dataclass(frozen=True)
class FilterConfig:
    min_lines: int = 3
    max_lines: int = 400
    max_chars: int = 20000
    compile: bool = True  # Icarus must compile the module with its submodules
    compile_timeout_s: float = 30.0


@dataclass(frozen=True)
class DedupConfig:
    threshold: float = 0.85  # estimated Jaccard similarity above which an item is a near duplicate
    num_perm: int = 128
    shingle: int = 5  # tokens per shingle


@dataclass(frozen=True)
class DegenerateConfig:
    """Corpus items that would teach nothing are dropped before the round trip (generator items always are)."""
    enabled: bool = True
    never_toggles: bool = True  # also simulate the golden (one check per item) for outputs that never change


@dataclass(frozen=True)
class RoundTripConfig:
    enabled: bool = True
    llm: BackendConfig = field(default_factory=BackendConfig)  # writes the spec and the code, unless set below
    spec_llm: BackendConfig | None = None  # the spec writer (code -> spec), when it is another model
    solver_llm: BackendConfig | None = None  # the solver (spec -> reasoning + code), when it is another model


@dataclass(frozen=True)
class DifficultyConfig:
    enabled: bool = True
    llm: BackendConfig | None = None  # the base model sampled k times: required when enabled (no default: the
    # round trip's models are stronger than the model RL starts from, so they would call every item easy)
    k: int = 5
    max_passes: int = 0  # RL keeps items the base model solved at most this many times of k
    generator: bool = True  # generator items pass the same filter before RL (their levels get a measured pass rate)


@dataclass(frozen=True)
class ReasonConfig:
    """`codev synth reason`: a reasoning model writes the <think> for generator items."""
    llm: BackendConfig | None = None  # the reasoning model (e.g. an OpenAI-compatible endpoint); required there
    samples: int = 2  # answers asked per item; the first well-formed, equivalent one is kept


@dataclass(frozen=True)
class SynthConfig:
    sources: tuple[SourceConfig, ...] = ()
    filters: FilterConfig = FilterConfig()
    dedup: DedupConfig = DedupConfig()
    decontam: DecontamConfig = DecontamConfig()
    degenerate: DegenerateConfig = DegenerateConfig()
    roundtrip: RoundTripConfig = RoundTripConfig()
    difficulty: DifficultyConfig = DifficultyConfig()
    reason: ReasonConfig = ReasonConfig()
    generator: GeneratorConfig | None = None  # correct-by-construction items added to both datasets
    checker: CheckOptions = CheckOptions(cycles=500, seeds=2)
    jobs: int = 2
    chunk: int = 16  # items per checkpointed batch and checker call; caps LLM requests in flight too

    def difficulty_llm(self) -> BackendConfig:
        if self.difficulty.llm is None:
            raise ConfigError("difficulty.llm is missing: name the base model whose pass rate decides difficulty")
        return self.difficulty.llm

    def spec_llm(self) -> BackendConfig:
        return self.roundtrip.spec_llm or self.roundtrip.llm

    def solver_llm(self) -> BackendConfig:
        return self.roundtrip.solver_llm or self.roundtrip.llm


def _section(cls, values: Any, where: str):
    if values is None:
        return cls()
    if not isinstance(values, dict):
        raise ConfigError(f"{where}: expected a mapping")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(known)})")
    kwargs = {}
    for key, value in values.items():
        if key.endswith("llm"):
            try:
                kwargs[key] = None if value is None else BackendConfig.from_mapping(value or {}, f"{where}.llm")
            except (TypeError, ValueError) as exc:
                raise ConfigError(str(exc)) from None
        elif isinstance(value, list):
            kwargs[key] = tuple(value)
        else:
            _check_type(known[key], value, f"{where}.{key}")
            kwargs[key] = value
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _check_type(f, value: Any, where: str) -> None:
    """Scalars must have their default's type (an int is a fine float), so mistakes fail here, not later."""
    default = f.default_factory() if f.default_factory is not MISSING else f.default
    if isinstance(default, dict):
        ok = isinstance(value, dict)
    elif isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, (int, float)):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and \
            (isinstance(default, float) or isinstance(value, int))
    elif isinstance(default, str):
        ok = isinstance(value, str)
    elif isinstance(default, tuple):
        ok = isinstance(value, (list, tuple))
    else:
        ok = True
    if not ok:
        raise ConfigError(f"{where}: expected {type(default).__name__}, got {value!r}")


def _source(values: Any, where: str, base: Path) -> SourceConfig:
    source = _section(SourceConfig, values, where)
    if source.kind not in SOURCE_KINDS:
        raise ConfigError(f"{where}: kind {source.kind!r} is not one of {', '.join(SOURCE_KINDS)}")
    if source.kind != "seed" and not source.path:
        raise ConfigError(f"{where}: kind {source.kind} needs a path")
    path = source.path
    if source.kind in ("folder", "jsonl", "parquet") and path and not Path(path).is_absolute():
        path = str((base / path).resolve())
    elif source.kind == "hf" and path and (base / path).exists():
        path = str((base / path).resolve())
    unknown_cols = sorted(set(source.columns) - {"code", "path", "licence", "id"})
    if unknown_cols:
        raise ConfigError(f"{where}.columns: unknown item field(s) {', '.join(unknown_cols)} (known: code, path, licence, id)")
    name = source.name or ("seed" if source.kind == "seed" else Path(source.path).name or source.path)
    return SourceConfig(**{**source.__dict__, "path": path, "name": name})


def _generator(values: Any, where: str) -> GeneratorConfig | None:
    if values is None:
        return None
    if not isinstance(values, dict):
        raise ConfigError(f"{where}: expected a mapping")
    try:
        return GeneratorConfig.from_mapping(values, where)
    except (TypeError, ValueError) as exc:
        raise ConfigError(str(exc)) from None


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{where}: expected an integer, got {value!r}")
    return value


def config_from_mapping(data: dict, where: str = "config", base: Path = Path(".")) -> SynthConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping at the top")
    known = {f.name for f in fields(SynthConfig)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    sources = data.get("sources") or []
    if not isinstance(sources, list):
        raise ConfigError(f"{where}: sources must be a list")
    try:
        checker = CheckOptions.from_mapping({"cycles": 500, "seeds": 2, **(data.get("checker") or {})}, f"{where}: checker")
    except (TypeError, ValueError) as exc:
        raise ConfigError(str(exc)) from None
    config = SynthConfig(
        sources=tuple(_source(s, f"{where}: sources[{i}]", base) for i, s in enumerate(sources)),
        filters=_section(FilterConfig, data.get("filters"), f"{where}: filters"),
        dedup=_section(DedupConfig, data.get("dedup"), f"{where}: dedup"),
        decontam=_section(DecontamConfig, data.get("decontam"), f"{where}: decontam"),
        degenerate=_section(DegenerateConfig, data.get("degenerate"), f"{where}: degenerate"),
        roundtrip=_section(RoundTripConfig, data.get("roundtrip"), f"{where}: roundtrip"),
        difficulty=_section(DifficultyConfig, data.get("difficulty"), f"{where}: difficulty"),
        reason=_section(ReasonConfig, data.get("reason"), f"{where}: reason"),
        generator=_generator(data.get("generator"), f"{where}: generator"),
        checker=checker,
        jobs=_int(data.get("jobs", 2), f"{where}: jobs"),
        chunk=_int(data.get("chunk", 16), f"{where}: chunk"),
    )
    if config.jobs < 1 or config.chunk < 1 or config.difficulty.k < 1 or config.reason.samples < 1:
        raise ConfigError(f"{where}: jobs, chunk, difficulty.k and reason.samples must be >= 1")
    if config.roundtrip.enabled and config.difficulty.enabled and config.difficulty.llm is None \
            and missing_llm(config, where) is None:  # a missing round-trip model is said first
        raise ConfigError(f"{where}: difficulty.llm is missing: difficulty filtering is on, so name the base model "
                          "whose pass rate decides difficulty (e.g. {kind: openai, base_url: URL, model: NAME}), "
                          "or set difficulty.enabled: false")
    if not config.sources and (config.generator is None or config.generator.n <= 0):
        raise ConfigError(f"{where}: no sources and no generator items: nothing to synthesise")
    return config


def missing_llm(config: SynthConfig, where: str) -> str | None:
    """The complaint when the round trip would run without a model named (None when one is)."""
    if not config.roundtrip.enabled:
        return None
    for key, llm in (("llm", config.spec_llm()), ("solver_llm", config.solver_llm())):
        if llm.kind == "replay" and not llm.path:
            return (f"{where}: roundtrip.{key} is missing: name the model, e.g. {{kind: openai, base_url: URL, "
                    "model: NAME} (API key: api_key: or $OPENAI_API_KEY), {kind: hf, model: DIR} or "
                    "{kind: replay, path: FILE}")
    return None


def load_config(path: Path) -> SynthConfig:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    # replay files and relative paths are relative to the config file
    base = path.resolve().parent
    data = _resolve_llm_paths(data, base)
    return config_from_mapping(data, str(path), base)


def _resolve_llm_paths(data: Any, base: Path) -> Any:
    if not isinstance(data, dict):
        return data
    for section, key in (("roundtrip", "llm"), ("roundtrip", "spec_llm"), ("roundtrip", "solver_llm"),
                         ("difficulty", "llm"), ("reason", "llm")):
        llm = (data.get(section) or {}).get(key) if isinstance(data.get(section), dict) else None
        if isinstance(llm, dict) and isinstance(llm.get("path"), str):
            p = llm["path"]
            if p.startswith("builtin:"):
                llm["path"] = str(BUILTIN_DIR / p[len("builtin:"):])
            elif not Path(p).is_absolute():
                llm["path"] = str((base / p).resolve())
        if isinstance(llm, dict) and llm.get("kind") == "hf" and isinstance(llm.get("model"), str) \
                and not Path(llm["model"]).is_absolute() and (base / llm["model"]).exists():
            llm["model"] = str((base / llm["model"]).resolve())
    return data
