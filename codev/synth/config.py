"""One config object for a synthesis run (`codev synth run --config CFG.yaml`), loaded from YAML.

Every section is a frozen dataclass built by codev's one config builder (codev/config.py): unknown keys,
wrong types and bad values are one ConfigError naming the file and the key.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from codev.config import build, read_mapping
from codev.errors import ConfigError
from codev.llm.backend import BackendConfig
from codev.synth.decontam import DecontamConfig
from codev.synth.generator import GeneratorConfig
from testbench_gen import CheckOptions

SOURCE_KINDS = ("folder", "jsonl", "parquet", "hf", "seed")
BUILTIN_DIR = Path(__file__).with_name("seed")  # the built-in corpus and its recorded LLM responses
SEED_RTL = BUILTIN_DIR / "rtl"


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

    def problems(self) -> list[str]:
        if self.kind not in SOURCE_KINDS:
            return [f"kind {self.kind!r} is not one of {', '.join(SOURCE_KINDS)}"]
        if self.kind != "seed" and not self.path:
            return [f"kind {self.kind} needs a path"]
        unknown = sorted(set(self.columns) - {"code", "path", "licence", "id"})
        if unknown:
            return [f"columns: unknown item field(s) {', '.join(unknown)} (known: code, path, licence, id)"]
        return []


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
    # coerce_widths off: training data keeps the spec's port widths exactly (an answer that widens a port would
    # pass through the checker's width adapter and teach the wrong interface)
    checker: CheckOptions = CheckOptions(cycles=500, seeds=2, coerce_widths=False)
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

    def problems(self) -> list[str]:
        if self.jobs < 1 or self.chunk < 1 or self.difficulty.k < 1 or self.reason.samples < 1:
            return ["jobs, chunk, difficulty.k and reason.samples must be >= 1"]
        if self.roundtrip.enabled and self.difficulty.enabled and self.difficulty.llm is None \
                and missing_llm(self, "") is None:  # a missing round-trip model is said first
            return ["difficulty.llm is missing: difficulty filtering is on, so name the base model whose pass rate "
                    "decides difficulty (e.g. {kind: openai, base_url: URL, model: NAME}), or set "
                    "difficulty.enabled: false"]
        if not self.sources and (self.generator is None or self.generator.n <= 0):
            return ["no sources and no generator items: nothing to synthesise"]
        return []


def _resolved(source: SourceConfig, base: Path) -> SourceConfig:
    """Paths relative to the config file's folder; the corpus name defaults to the path's last part."""
    path = source.path
    if source.kind in ("folder", "jsonl", "parquet") and path and not Path(path).is_absolute():
        path = str((base / path).resolve())
    elif source.kind == "hf" and path and (base / path).exists():
        path = str((base / path).resolve())
    name = source.name or ("seed" if source.kind == "seed" else Path(source.path).name or source.path)
    return replace(source, path=path, name=name)


def config_from_mapping(data: dict, where: str = "config", base: Path = Path(".")) -> SynthConfig:
    """The config in a mapping (`where` names it in errors; relative source paths are relative to `base`)."""
    checker = data.get("checker") or {} if isinstance(data, dict) else None
    if isinstance(checker, dict):  # the checker's synthesis defaults, under what the file sets
        defaults = SynthConfig.checker
        data = {**data, "checker": {"cycles": defaults.cycles, "seeds": defaults.seeds,
                                    "coerce_widths": defaults.coerce_widths, **checker}}
    config = build(SynthConfig, data, where)
    return replace(config, sources=tuple(_resolved(s, base) for s in config.sources))


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
    data = read_mapping(path)
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
