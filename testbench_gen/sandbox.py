"""Run a tool on untrusted input: own temp directory, resource limits, confinement, no survivors.

Static policy (policy.py) rejects what a candidate must not do; this module contains whatever slips
through: runaway CPU, memory, output or wall time, stray child processes, and file access outside
the run's own directory. Every run goes through `sandbox_exec.py` (a stdlib-only launcher; no
`preexec_fn`, which is unsafe in threaded trainers): Landlock keeps reads to system directories and
the given roots and writes to the working directory; a PID namespace and PR_SET_PDEATHSIG make every
process of the run die with its caller. Where the kernel refuses either, runs fall back to a plain
working directory and confinement() says why.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping, Sequence

SANDBOX_ROOT_ENV = "CODEV_SANDBOX_ROOT"
CONFINE_ENV = "CODEV_SANDBOX_CONFINE"  # "0": plain working directory (debugging only)
CACHE_ENV = "CODEV_CACHE_DIR"
LAUNCHER = Path(__file__).with_name("sandbox_exec.py")
# what every tool may read and execute: the OS, this Python (cocotb runs in it), this package
SYSTEM_ROOTS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc/ld.so.cache",
                "/etc/alternatives", "/dev/urandom", "/dev/zero")


@dataclass(frozen=True)
class Limits:
    wall_seconds: float = 60.0
    cpu_seconds: int | None = None  # defaults to wall_seconds + 5
    memory_bytes: int = 4 << 30  # address space per process
    file_bytes: int = 64 << 20  # largest file any process may write (stdout included)
    open_files: int = 256
    output_bytes: int = 1 << 20  # how much of stdout/stderr is read back
    # a run whose `progress_file` (in cwd) stops growing for `stall_seconds` is killed as stalled:
    # a simulation whose time no longer advances is told apart from one that is merely slow
    stall_seconds: float | None = None
    progress_file: str = ""


@dataclass
class RunResult:
    argv: list[str]
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False
    signal: int | None = None  # the signal that ended the process, if any
    stalled: bool = False  # killed because its progress file stopped growing (Limits.stall_seconds)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    @property
    def file_limit_hit(self) -> bool:
        return self.signal == signal.SIGXFSZ

    @property
    def memory_limit_hit(self) -> bool:
        text = self.stderr.lower()
        return self.returncode != 0 and any(
            w in text for w in ("bad_alloc", "out of memory", "cannot allocate", "memory exhausted"))


@dataclass(frozen=True)
class Confinement:
    """What the kernel lets runs be confined with here, and why not where it refuses."""

    landlock_abi: int  # 0: no file-system confinement
    pid_namespace: bool  # False: descendants of a killed caller may outlive it
    reason: str = ""  # why something is missing

    @property
    def filesystem(self) -> bool:
        return self.landlock_abi > 0

    def describe(self) -> str:
        fs = f"Landlock ABI {self.landlock_abi}" if self.filesystem else "none (working directory only)"
        kind = "python" if launcher()[0] == sys.executable else "compiled"
        return (f"file-system confinement: {fs}; PID namespace: {'yes' if self.pid_namespace else 'no'}; "
                f"launcher: {kind}" + (f" ({self.reason})" if self.reason else ""))


_PROBED: list[Confinement] = []


def confinement() -> Confinement:
    """What the launcher can use: probed once per process (or adopted from the parent)."""
    if not _PROBED:
        _PROBED.append(_probe())
        if _PROBED[0].reason:
            logging.getLogger(__name__).warning("sandbox: %s", _PROBED[0].describe())
    return _PROBED[0]


def adopt_confinement(found: Confinement) -> None:
    """Take the parent's probe result (a forked helper need not probe again)."""
    _PROBED[:] = [found]


def _probe() -> Confinement:
    if os.environ.get(CONFINE_ENV) == "0":
        return Confinement(0, False, f"disabled by {CONFINE_ENV}=0")
    try:
        out = subprocess.run([*launcher(), "--probe"], capture_output=True, text=True, timeout=30)
        found = json.loads(out.stdout)
    except (OSError, subprocess.TimeoutExpired, ValueError) as exc:
        return Confinement(0, False, f"the launcher does not run: {exc}")
    reasons = []
    if not found["landlock_abi"]:
        reasons.append("the kernel has no Landlock (Linux 5.13+ with landlock in lsm=)")
    if not found["pidns"]:
        reasons.append(found["pidns_error"])
    return Confinement(found["landlock_abi"], found["pidns"], "; ".join(reasons))


def tool_path() -> str:
    """PATH for confined runs: this Python's bin first, so `#!/usr/bin/env python3` helpers (Verilator's
    includer, cocotb) resolve to an interpreter inside the readable roots, not to a shim outside them
    (pyenv's shims live under ~/.pyenv, which a confined run cannot read: make exits 126)."""
    return os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "/usr/bin:/bin")])


def readable_roots() -> list[str]:
    """Read-only roots besides the run's own directory: the OS, this Python, this package (not the
    repository around it), and the codev cache (shared builds: readable, never writable)."""
    cache = str(cache_dir())
    package_root = str(Path(__file__).resolve().parent)  # cocotb runs helpers from here
    roots = [*SYSTEM_ROOTS, sys.prefix, sys.base_prefix, sys.exec_prefix, package_root, cache]
    return [os.path.realpath(r) for r in dict.fromkeys(roots)]


def launcher_argv(argv: Sequence[str], cwd: Path, limits: Limits,
                  writable: Sequence[Path] = ()) -> list[str]:
    """argv wrapped in the confining launcher."""
    found = confinement()
    cpu = limits.cpu_seconds if limits.cpu_seconds is not None else int(limits.wall_seconds) + 5
    read = readable_roots()
    write = [str(cwd), "/dev/null", *map(str, writable)]
    return [*launcher(), str(os.getpid()), str(int(found.filesystem)), str(int(found.pid_namespace)),
            str(cpu), str(limits.memory_bytes), str(limits.file_bytes), str(limits.open_files),
            str(len(read)), *read, str(len(write)), *write, "--", *argv]


_LAUNCHER: list[list[str]] = []


def launcher() -> list[str]:
    """The compiled launcher (built once into the codev cache), else the Python one."""
    if not _LAUNCHER:
        _LAUNCHER.append(_compiled_launcher() or [sys.executable, "-I", "-S", str(LAUNCHER)])
    return _LAUNCHER[0]


def _compiled_launcher() -> list[str] | None:
    source = LAUNCHER.with_suffix(".c")
    compiler = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if not source.exists() or not compiler:
        return None
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    binary = cache_dir() / f"sandbox-exec-{digest}"
    if not binary.exists():
        binary.parent.mkdir(parents=True, exist_ok=True)
        partial = binary.with_name(f"{binary.name}.{os.getpid()}.tmp")
        try:
            subprocess.run([compiler, "-O2", "-o", str(partial), str(source)], check=True,
                           capture_output=True, timeout=120)
            os.replace(partial, binary)  # atomic: parallel workers may build it at once
        except (OSError, subprocess.SubprocessError):
            partial.unlink(missing_ok=True)
            return None
    return [str(binary)]


def cache_dir() -> Path:
    """codev's cache of shared builds (launcher, Verilator runtime, Icarus 12, yowasp's compiled
    yosys): readable by confined runs, writable only by a run that names it `writable`."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "codev")


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _read_capped(path: Path, cap: int) -> str:
    try:
        with open(path, "rb") as fh:
            data = fh.read(cap + 1)
    except FileNotFoundError:
        return ""
    text = data[:cap].decode("utf-8", errors="replace")
    if len(data) > cap:
        text += "\n[... output truncated ...]"
    return text


def run_limited(
    argv: Sequence[str],
    cwd: Path,
    limits: Limits = Limits(),
    env: Mapping[str, str] | None = None,
    writable: Sequence[Path] = (),
) -> RunResult:
    """Run argv in cwd under limits; stdout/stderr go to files in cwd and are read back capped.

    The run may write only inside cwd and `writable`; see the module docstring for the rest."""
    cwd = Path(cwd).resolve()
    out_path, err_path = cwd / ".stdout", cwd / ".stderr"
    base_env = {
        "PATH": tool_path(),
        "HOME": str(cwd),
        "TMPDIR": str(cwd),
        "LANG": "C",
        "LC_ALL": "C",
    }
    if env:
        base_env.update(env)
    start = time.monotonic()
    timed_out = stalled = False
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        try:
            proc = subprocess.Popen(
                launcher_argv(argv, cwd, limits, writable),
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=base_env,
                start_new_session=True,  # the timeout kills the whole group
                close_fds=True,
            )
        except OSError as exc:
            return RunResult(list(argv), None, "", f"cannot start {argv[0]}: {exc}", 0.0)
        try:
            if limits.stall_seconds and limits.progress_file:
                stalled = _wait_advancing(proc, cwd / limits.progress_file, limits, start)
            else:
                wait_exact(proc, limits.wall_seconds)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc.pid)
            proc.wait()
        finally:
            _kill_group(proc.pid)  # nothing the tool started may outlive it
    seconds = time.monotonic() - start
    rc = proc.returncode
    return RunResult(
        argv=list(argv),
        returncode=rc,
        stdout=_read_capped(out_path, limits.output_bytes),
        stderr=_read_capped(err_path, limits.output_bytes),
        seconds=seconds,
        timed_out=timed_out,
        signal=-rc if rc is not None and rc < 0 and not stalled else None,
        stalled=stalled,
    )


STALL_POLL_SECONDS = 0.25


def wait_exact(proc: subprocess.Popen, timeout: float) -> int:
    """proc.wait(timeout), woken the moment the process ends. Popen.wait with a timeout polls with
    sleeps growing to 50 ms, and most checker runs (a small design's build or simulation) last
    30-100 ms: that overshoot was a fifth of a small job's time. A pidfd (Linux 5.3+) is waited on
    with poll() instead; elsewhere Popen.wait as before."""
    if proc.returncode is not None:
        return proc.returncode
    try:
        fd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):  # no pidfd here, or the process is gone already
        return proc.wait(timeout=timeout)
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        if not poller.poll(max(0.0, timeout) * 1000):
            raise subprocess.TimeoutExpired(proc.args, timeout)
    finally:
        os.close(fd)
    return proc.wait()


def _wait_advancing(proc: subprocess.Popen, progress: Path, limits: Limits, start: float) -> bool:
    """Wait for proc within limits.wall_seconds; True when it was killed because `progress` did not
    grow for limits.stall_seconds, or (the wall limit cutting the window short) for the last half of
    it when the wall limit ran out; TimeoutExpired when it ran out on a run still advancing. Until
    `progress` first appears the window is twice as long: loading or building (cocotb builds in the
    run) is not a stall."""
    size, changed = -1, time.monotonic()
    while True:
        now = time.monotonic()
        left = limits.wall_seconds - (now - start)
        window = limits.stall_seconds * (2 if size < 0 else 1)
        if left <= 0:
            if now - changed >= window / 2:
                _kill_group(proc.pid)
                proc.wait()
                return True
            raise subprocess.TimeoutExpired(proc.args, limits.wall_seconds)
        try:
            wait_exact(proc, min(STALL_POLL_SECONDS, left))
            return False
        except subprocess.TimeoutExpired:
            pass
        try:
            current = progress.stat().st_size
        except OSError:
            current = -1
        now = time.monotonic()
        if current != size:
            size, changed = current, now
        elif now - changed > limits.stall_seconds * (2 if size < 0 else 1):
            _kill_group(proc.pid)
            proc.wait()
            return True


def sandbox_root() -> Path:
    root = os.environ.get(SANDBOX_ROOT_ENV)
    return Path(root) if root else Path(tempfile.gettempdir())


@contextmanager
def sandbox_dir(prefix: str = "codev-", keep: bool = False) -> Iterator[Path]:
    """A private temporary directory, removed afterwards unless keep=True."""
    root = sandbox_root()
    root.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=root))
    try:
        yield path
    finally:
        if not keep:
            shutil.rmtree(path, ignore_errors=True)


def clean_paths(text: str, workdir: Path, names: Mapping[str, str] | None = None) -> str:
    """Remove temp paths from tool messages; map sandbox file names back to user-visible names."""
    text = text.replace(str(workdir) + os.sep, "").replace(str(workdir), ".")
    for inner, outer in (names or {}).items():
        text = text.replace(inner, outer)
    return text
