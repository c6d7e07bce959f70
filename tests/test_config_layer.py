"""One configuration layer (issue 19, item 2): one YAML reader, one builder, one ConfigError, one bench-root lookup.

The two grep tests fail when a second YAML reader or a second place that works out where the benchmarks live
appears anywhere in the tree (library, bench scripts, tests), like tests/test_layers.py does for imports.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from codev.config import build, load, parse_mapping, read_mapping
from codev.errors import ConfigError, UsageError

REPO = Path(__file__).resolve().parents[1]
ROOTS = ("codev", "testbench_gen", "bench", "scripts", "tests")

YAML_READER = "testbench_gen/yamlfile.py"
YAML_READS = re.compile(r"\byaml\.(safe_load|load|full_load|unsafe_load|safe_load_all|load_all)\b|\bYAML\(")

BENCH_ROOT_RESOLVER = "codev/eval/userconfig.py"
BENCH_ROOT_LOOKUPS = re.compile("|".join([
    r"""(environ\.get|getenv)\(\s*(["']CODEV_BENCH_ROOT["']|BENCH_ROOT_ENV)""",  # reading the variable
    r"""environ\[\s*(["']CODEV_BENCH_ROOT["']|BENCH_ROOT_ENV)\s*\](?!\s*=[^=])""",
    r"""["']shared["']\s*/\s*["']benchmarks["']""",  # working out the path beside a checkout
    r"""(Path\(|default=)\s*["'](\.\./)?shared/benchmarks""",
]))


def sources() -> list[tuple[str, str]]:
    found = []
    for root in ROOTS:
        for path in sorted((REPO / root).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if rel != "tests/test_config_layer.py":
                found.append((rel, path.read_text(encoding="utf-8")))
    return found


def test_one_yaml_reader():
    readers = {rel for rel, text in sources() if YAML_READS.search(text)}
    assert readers == {YAML_READER}, "read YAML through codev.config.read_mapping (testbench_gen.yamlfile below it)"


def test_one_bench_root_lookup():
    lookups = {rel for rel, text in sources() if BENCH_ROOT_LOOKUPS.search(text)}
    assert lookups == {BENCH_ROOT_RESOLVER}, "find the benchmarks with codev.eval.userconfig.require_bench_root"


@dataclass
class Inner:
    rate: float = 0.5
    names: tuple[str, ...] = ()

    def problems(self) -> list[str]:
        return [f"rate: must be within [0, 1], got {self.rate}"] if not 0 <= self.rate <= 1 else []


@dataclass
class Outer:
    steps: int = 1
    inner: Inner = field(default_factory=Inner)
    weights: dict[str, float] = field(default_factory=dict)


def test_build_validates_when_built_and_names_file_and_key(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("steps: 3\ninner: {rate: 0.25, names: [a, b]}\nweights: {x: 1}\n")
    built = load(Outer, path)
    assert built == Outer(steps=3, inner=Inner(0.25, ("a", "b")), weights={"x": 1.0})
    for text, message in [
        ("steps: two\n", "r.yaml: steps: expected an integer, got 'two'"),
        ("inner: {rate: 2}\n", "r.yaml: inner: rate: must be within [0, 1], got 2"),
        ("inner: {rait: 1}\n", "r.yaml: inner: unknown key(s) rait (known: names, rate)"),
        ("inner: {names: x}\n", "r.yaml: inner: names: expected a list, got 'x'"),
        ("- 1\n", "config file {path}: expected a mapping at the top level"),
        ("steps: [\n", "config file {path}: not valid YAML"),
    ]:
        path.write_text(text)
        with pytest.raises(ConfigError) as err:
            load(Outer, path)
        assert message.format(path=path) in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(ConfigError, match="config file .*nowhere.yaml: no such file"):
        read_mapping(tmp_path / "nowhere.yaml")


def test_config_error_is_a_usage_error_and_a_value_error():
    """Every command reports it as one line with exit status 2; value checks may catch ValueError."""
    assert issubclass(ConfigError, UsageError) and issubclass(ConfigError, ValueError)
    assert str(ConfigError("f.yaml: rl", "beta: must be >= 0")) == "f.yaml: rl: beta: must be >= 0"


def test_sections_and_texts(tmp_path):
    path = tmp_path / "v.yaml"
    path.write_text("checker: {cycles: 7}\nother: 1\n")
    assert read_mapping(path, section="checker") == {"cycles": 7}
    path.write_text("cycles: 7\n")
    assert read_mapping(path, section="checker") == {"cycles": 7}  # a bare recipe is its own section
    assert parse_mapping("", "compose.yml") == {}
    with pytest.raises(ConfigError, match="compose.yml: expected a mapping at the top level"):
        parse_mapping("[1]", "compose.yml")
    assert build(Outer, None, "defaults") == Outer()
