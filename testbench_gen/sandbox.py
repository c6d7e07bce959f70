"""Run a tool on untrusted input: own temp directory, resource limits, whole-process-group kill.

Static policy (policy.py) rejects what a candidate must not do; this module contains whatever slips
through: runaway CPU, memory, output or wall time, and stray child processes.
"""
from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping, Sequence

SANDBOX_ROOT_ENV = "CODEV_SANDBOX_ROOT"


@dataclass(frozen=True)
class Limits:
    wall_seconds: float = 60.0
    cpu_seconds: int | None = None  # defaults to wall_seconds + 5
    memory_bytes: int = 4 << 30  # address space per process
    file_bytes: int = 64 << 20  # largest file any process may write (stdout included)
    open_files: int = 256
    output_bytes: int = 1 << 20  # how much of stdout/stderr is read back


@dataclass
class RunResult:
    argv: list[str]
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False
    signal: int | None = None  # the signal that ended the process, if any

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


def _preexec(limits: Limits):
    cpu = limits.cpu_seconds if limits.cpu_seconds is not None else int(limits.wall_seconds) + 5

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.umask(0o077)

    return apply


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
) -> RunResult:
    """Run argv in cwd under limits; stdout/stderr go to files in cwd and are read back capped."""
    cwd = Path(cwd)
    out_path, err_path = cwd / ".stdout", cwd / ".stderr"
    base_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cwd),
        "TMPDIR": str(cwd),
        "LANG": "C",
        "LC_ALL": "C",
    }
    if env:
        base_env.update(env)
    start = time.monotonic()
    timed_out = False
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        try:
            proc = subprocess.Popen(
                list(argv),
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=base_env,
                start_new_session=True,
                preexec_fn=_preexec(limits),
                close_fds=True,
            )
        except OSError as exc:
            return RunResult(list(argv), None, "", f"cannot start {argv[0]}: {exc}", 0.0)
        try:
            proc.wait(timeout=limits.wall_seconds)
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
        signal=-rc if rc is not None and rc < 0 else None,
    )


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
