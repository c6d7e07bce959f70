"""Where the benchmarks live: --bench-root, $CODEV_BENCH_ROOT, or the copy recorded by `codev bench fetch`.

The record is `bench_root:` in ~/.config/codev/config.yaml ($XDG_CONFIG_HOME moves it), so a fetched copy is
found by `codev eval` and by the tests on any machine without extra flags.
"""
from __future__ import annotations

import os
from pathlib import Path

import yaml

from codev.config import read_mapping
from codev.errors import ConfigError, UsageError

BENCH_ROOT_ENV = "CODEV_BENCH_ROOT"
# the copy beside a checkout of this repository (its developers' layout): beside the working directory,
# else beside the checkout codev runs from (an editable install); used when it exists
# (absolute: commands and tests hand it to tools that run in other folders)
SHARED_BENCHMARKS = next((p for p in (Path("../shared/benchmarks").resolve(),
                                      Path(__file__).resolve().parents[3] / "shared" / "benchmarks") if p.is_dir()),
                         Path("../shared/benchmarks").resolve())


def config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "codev" / "config.yaml"


def read_config() -> dict:
    path = config_path()
    if not path.is_file():
        return {}
    return read_mapping(path, what="codev config")


def record_bench_root(root: Path) -> Path:
    """Remember `root` as the benchmark folder (other keys of the file are kept); returns the file."""
    data = read_config()
    data["bench_root"] = str(Path(root).resolve())
    path = config_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".yaml.tmp")
        tmp.write_text(yaml.safe_dump(data, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write ({exc.strerror})") from None
    return path


def configured_bench_root() -> Path | None:
    value = read_config().get("bench_root")
    return Path(str(value)).expanduser() if value else None


def find_bench_root(explicit: Path | None = None, fallback: Path | None = None) -> Path | None:
    """First of: explicit, $CODEV_BENCH_ROOT, the recorded (fetched) copy, `fallback`; None if none is set."""
    if explicit is not None:
        return Path(explicit)
    if os.environ.get(BENCH_ROOT_ENV):
        return Path(os.environ[BENCH_ROOT_ENV])
    return configured_bench_root() or fallback


def require_bench_root(explicit: Path | None = None) -> Path:
    """The benchmark folder every command, test and bench script uses, or a UsageError saying how to get one."""
    root = find_bench_root(explicit, fallback=SHARED_BENCHMARKS if SHARED_BENCHMARKS.is_dir() else None)
    if root is None:
        raise UsageError(f"no benchmark folder: pass --bench-root DIR, set ${BENCH_ROOT_ENV}, or run `codev bench fetch`")
    if not root.is_dir():
        raise UsageError(f"{root}: benchmark folder not found")
    return root
