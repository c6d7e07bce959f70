"""Run a CVDP datapoint's own cocotb harness on an answer, in codev's sandbox, without Docker.

What CVDP's harness does (its repository.py and each datapoint's docker-compose.yml): the datapoint's
folder holds docs/, rtl/, verif/, src/ and rundir/; the context files, then the answer's files, then the
harness files are written into it; every compose service runs its `command` (typically
`pytest -s ... /src/test_runner.py -v`) in a container with the folder's subfolders mounted at
/code/<sub>, src/ also at /src, working directory /code/rundir and the variables of src/.env; the
datapoint passes iff every service exits 0 (a timeout of 600 s per service, DOCKER_TIMEOUT).

Here the same folder is laid out in a private sandbox directory and each service's command runs in it
with this Python's pytest/cocotb and the Icarus of the run. The changes: the container's absolute roots
(/code, /src, /rundir) do not exist outside Docker, so they are rewritten to the sandbox folder in
src/.env, the compose command and the harness's text files (`remapped` in the log counts them); and
vvp's `-fst` runs as `-none` (no FST waves: the sandbox does not open /tmp for Icarus's FST writer).
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from testbench_gen.containment.sandbox import Limits, clean_paths, run_limited, tool_path

from . import rules
from .cvdp_format import CvdpTask, HarnessError, safe_relative, services, source_paths
from .tools import Icarus

FOLDERS = ("docs", "rtl", "verif", "src", "rundir")
_ROOTS = re.compile(r"(?<![\w.$/-])/(code|src|rundir)(?=[/\s\"':;,)\]}]|$)")


@dataclass
class HarnessRun:
    outcome: rules.Outcome
    log: str
    seconds: float


def remap(text: str, folder: Path) -> tuple[str, int]:
    """Container paths -> the sandbox folder (/code/x -> <folder>/x, /src -> <folder>/src, /rundir -> ...)."""
    def sub(match: re.Match) -> str:
        root = match.group(1)
        return str(folder) if root == "code" else str(folder / ("src" if root == "src" else ".rundir"))
    return _ROOTS.subn(sub, text)


def _python_argv(argv: list[str]) -> list[str]:
    """The image's `pytest` / `python3` are this interpreter's (where cocotb is installed)."""
    head = Path(argv[0]).name
    if head in ("pytest", "py.test"):
        return [sys.executable, "-m", "pytest", *argv[1:]]
    if re.fullmatch(r"python(3(\.\d+)?)?", head):
        return [sys.executable, *argv[1:]]
    return argv


def lay_out(task: CvdpTask, answer: dict[str, str], folder: Path) -> int:
    """Context, then answer, then harness files (CVDP's order: the harness wins); container roots remapped
    in the harness's files. Returns how many paths were remapped."""
    for sub in FOLDERS:
        (folder / sub).mkdir(parents=True, exist_ok=True)
    remapped = 0
    layers = [(task.context, False), (tuple(answer.items()), False), (task.harness, True)]
    for files, is_harness in layers:
        for path, text in files:
            if not safe_relative(path):
                continue
            if is_harness:
                text, n = remap(text, folder)
                remapped += n
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    return remapped


def run_harness(task: CvdpTask, answer: dict[str, str], work: Path, limit_s: float,
                icarus: Icarus = Icarus()) -> HarnessRun:
    """Every service of the harness on `answer` (path -> text) in sandbox folder `work`."""
    start = time.monotonic()
    folder = (work / "code").resolve()
    remapped = lay_out(task, answer, folder)
    # pytest looks for pytest.ini/pyproject.toml/setup.cfg/tox.ini upwards from the test file; in the
    # container it finds none, here it would climb into the sandbox root and beyond: an empty one stops it
    (work / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    try:
        todo = services(task)
    except HarnessError as exc:
        return HarnessRun(rules.Outcome(rules.FAIL, "harness-error"), str(exc), 0.0)
    path = tool_path()
    if icarus != Icarus():  # cocotb's runner calls `iverilog`/`vvp` from PATH
        path = os.pathsep.join([str(Path(icarus.iverilog).parent), path])
    path = os.pathsep.join([str(_vvp_without_fst(work, icarus)), path])
    logs, codes, timed_out = [], [], False
    for service in todo:
        env = {key: remap(value, folder)[0] for key, value in service.env.items()}
        argv = [remap(arg, folder)[0] for arg in _python_argv(service.argv)]
        workdir = Path(remap(service.workdir, folder)[0])
        workdir.mkdir(parents=True, exist_ok=True)
        env.update({"PATH": path, "HOME": str(workdir)})
        result = run_limited(argv, workdir, Limits(wall_seconds=limit_s, output_bytes=Limits().file_bytes),
                             env=env, writable=[work.resolve()])
        codes.append(result.returncode)
        timed_out = timed_out or result.timed_out
        text = clean_paths(result.stdout + "\n" + result.stderr, folder)
        if not result.ok:
            text += _build_logs(folder)
        logs.append(f"[service {service.name}: exit {result.returncode}"
                    + (", timed out" if result.timed_out else "") + "]\n" + text)
    header = f"[{len(todo)} service(s); {remapped} container path(s) remapped in the harness files]\n"
    full = "\n".join(logs)
    return HarnessRun(rules.cvdp(codes, full, timed_out), header + key_lines(full), time.monotonic() - start)


def _vvp_without_fst(work: Path, icarus: Icarus) -> Path:
    """A folder whose `vvp` runs the real one with `-fst` turned into `-none`: Icarus's FST writer needs an
    O_TMPFILE in /tmp, which the sandbox does not open, and a refused dump ends the simulation (cocotb's
    `waves=True` builds dump FST). Waves are debugging output, no verdict depends on them; VCD still works."""
    real = icarus.vvp if os.path.isabs(icarus.vvp) else (shutil.which(icarus.vvp) or icarus.vvp)
    folder = work / ".codev-bin"
    folder.mkdir(exist_ok=True)
    shim = folder / "vvp"
    shim.write_text("#!/bin/sh\n"
                    "for a; do shift; if [ \"$a\" = -fst ]; then set -- \"$@\" -none; else set -- \"$@\" \"$a\"; fi; done\n"
                    f"exec {shlex.quote(real)} \"$@\"\n", encoding="utf-8")
    shim.chmod(0o755)
    return folder


_KEY_LINE = re.compile(r"FAIL|[Ee]rror|assert|syntax|TESTS=|\[service ")


def key_lines(log: str, budget: int = 1400) -> str:
    """What a reader of results.jsonl needs from a long pytest/cocotb log: the service lines, failures,
    errors and cocotb's summary (in order, each cut to 200 characters), then the log's end."""
    picked = [line[:200] for line in log.splitlines() if _KEY_LINE.search(line)]
    head = "\n".join(picked)[: budget // 2]
    tail = log[-(budget - len(head)):]
    return head + "\n[...]\n" + tail if len(log) > budget else log


def _build_logs(folder: Path, cap: int = 4000) -> str:
    """The harness's build logs (cocotb's runner writes the compiler's messages there, not to stdout)."""
    out = []
    for log in sorted(folder.rglob("build*.log")):
        text = log.read_text(encoding="utf-8", errors="replace").strip()
        if text:
            out.append(f"\n[{log.relative_to(folder)}]\n" + clean_paths(text[-cap:], folder))
    return "".join(out)


def design_sources(task: CvdpTask, answer: dict[str, str]) -> str | None:
    """The RTL the harness compiles (VERILOG_SOURCES, in order) with `answer`'s files in place, as one
    text for the equivalence checker; None when a source is neither in the answer nor in the datapoint."""
    files = {**dict(task.context), **answer, **dict(task.harness)}
    texts = []
    for path in source_paths(task):
        if path not in files:
            return None
        texts.append(files[path])
    return "\n".join(texts) if texts else None
