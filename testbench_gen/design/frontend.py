"""The front end (policy scan, parse, elaborate, interface) of candidates and goldens in a limited
child process.

Why: pyslang elaborates whatever it is given inside the process that calls it. A 15-line
self-recursive module tree (262k instances) took ~45 s and >4 GB there, and deeply nested blocks
raise RecursionError/RuntimeError, which used to surface as `infra_error` for a whole batch. Here the
front end runs in a long-lived worker process (spawned, never forked from a threaded caller), under
an address-space limit, with a wall-clock deadline per candidate; a worker that hits a limit is
replaced, and any failure is the candidate's own result, never the caller's exception.
"""
from __future__ import annotations

import atexit
import subprocess
import os
import resource
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from .infer import InterfaceError, has_syntax_errors, infer_interface, interface_of, parse_design
from ..interface import Interface
from .policy import Violation, declares_inout, definitions, scan
from ..containment.sandbox import adopt_confinement, confinement

RECURSION_LIMIT = 20000
RECYCLE_AFTER = 500  # candidates per worker process
STARTUP_SECONDS = 30.0  # a fresh worker's imports, on a loaded machine
# pyslang's own step/depth limits: a design past them (a constant function looping 2e9 times, an
# instance tree 262k deep) would hold the simulator's compiler for its whole time limit
EXCEEDED_DIAGNOSTICS = ("Exceeded", "MaxInstanceDepth", "MaxGenerateSteps", "MaxInstanceArray", "MaxBitWidth",
                        "TypeTooLarge")  # Python frames; pyslang's own depth limits apply below it


# Widest packed vector or expression a candidate may have: iverilog 11 takes 0.1 s to compile a
# 65,536-bit replication, 11 s for 2^20 bits and over 100 s for 2^22 (a 2-line candidate held a
# batch's 60 s compile limit, then its own 30 s alone). Memories (unpacked arrays) are not counted.
MAX_VECTOR_BITS = 1 << 16


def widest_vector(root) -> int:
    """The most bits of any packed value (net, variable, expression) in an elaborated pyslang tree."""
    widest = 0

    def visit(node) -> None:
        nonlocal widest
        width = getattr(getattr(node, "type", None), "bitWidth", 0) or 0
        widest = max(widest, width)

    root.visit(visit)
    return widest


@dataclass(frozen=True)
class FrontEndLimits:
    wall_seconds: float = 10.0
    memory_bytes: int = 1 << 30

    @classmethod
    def for_check(cls, seconds: float, memory_mb: int) -> "FrontEndLimits":
        """At most the defaults, at most `seconds` (candidates: the check's smallest time budget;
        goldens: its hard cap) and the check's memory cap (the same for both: one worker)."""
        return cls(wall_seconds=min(cls.wall_seconds, max(seconds, 1.0)),
                   memory_bytes=min(cls.memory_bytes, memory_mb << 20))


@dataclass
class FrontEnd:
    """What screening needs to know about a candidate, computed in the child."""

    violations: list[Violation] = field(default_factory=list)
    syntax_errors: bool = False
    interface: Interface | None = None
    interface_error: str = ""  # InterfaceError's message when `interface` is None
    # when the source has several uninstantiated modules: each module's interface, by name
    module_interfaces: dict[str, Interface] = field(default_factory=dict)
    inout: bool = False  # some module has an inout port
    failure: str = ""  # the child died, ran out of time/memory or raised: the candidate's fault
    seconds: float = 0.0


def analyse(source: str, name: str, prefer_top: str | None) -> FrontEnd:
    """Policy scan, then (only for admissible text) the interface; runs in-process."""
    result = FrontEnd(violations=scan(source), inout=declares_inout(source))
    if result.violations:
        result.syntax_errors = has_syntax_errors(source)
        return result
    try:
        design = parse_design(source, filename=name, prefer_top=prefer_top)
        if _exceeds_limits(design, result):
            return result
        widest = widest_vector(design.compilation.getRoot())
        if widest > MAX_VECTOR_BITS:
            result.failure = (f"a {widest}-bit vector (the limit is {MAX_VECTOR_BITS}): the compiler "
                              "would spend its whole time limit on it")
            return result
        result.interface = interface_of(design)
    except InterfaceError as exc:
        result.interface_error = str(exc)
        if "several top-level modules" in str(exc):
            for kind, module in definitions(source):
                if kind in ("module", "macromodule"):
                    try:
                        result.module_interfaces[module] = infer_interface(source, top=module, filename=name)
                    except InterfaceError:
                        continue
    return result


def analyse_golden(source: str, name: str, top: str | None) -> FrontEnd:
    """The golden's interface with exactly `top` (None: the one no other module instantiates); no
    policy scan (a golden may print or use delays), but the same elaboration limits as candidates."""
    result = FrontEnd()
    try:
        design = parse_design(source, top=top, filename=name)
        if not _exceeds_limits(design, result):
            result.interface = interface_of(design)
    except InterfaceError as exc:
        result.interface_error = str(exc)
    return result


def _exceeds_limits(design, result: FrontEnd) -> bool:
    """Records a failure when pyslang gave up where the simulator's compiler would spend its whole
    limit (a constant function looping 2e9 times, an instance tree 262k deep)."""
    exceeded = sorted({str(d.code).removeprefix("DiagCode(").rstrip(")")
                       for d in design.compilation.getAllDiagnostics()
                       if d.isError() and any(w in str(d.code) for w in EXCEEDED_DIAGNOSTICS)})
    if exceeded:
        result.failure = f"elaboration exceeds the front end's limits ({', '.join(exceeded)})"
    return bool(exceeded)


_TASKS = {"candidate": analyse, "golden": analyse_golden}  # what the worker may be asked to run


def _analyse_guarded(task: str, source: str, name: str, top: str | None, memory_bytes: int) -> FrontEnd:
    try:
        return _TASKS[task](source, name, top)
    except MemoryError:
        return FrontEnd(failure=f"front end exceeded its memory limit of {memory_bytes >> 20} MB")
    except BaseException as exc:  # noqa: BLE001 - whatever the candidate provokes is its own result
        return FrontEnd(failure=f"front end failed on this text: {type(exc).__name__} "
                                f"({str(exc)[:200] or 'no message'})")


def serve(memory_bytes: int) -> None:
    """The worker's loop (started by _Worker.start): requests on stdin, answers on
    stdout, one candidate at a time, under an address-space limit, until stdin closes."""
    requests = Connection(os.dup(0), writable=False)
    answers = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # anything the parser prints cannot corrupt the answers
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    sys.setrecursionlimit(RECURSION_LIMIT)
    answers.send("ready")  # imports done: from here on, time spent is the candidate's
    while True:
        try:
            task, source, name, top, confined = requests.recv()
        except (EOFError, OSError):
            os._exit(0)
        adopt_confinement(confined)
        answers.send(_analyse_guarded(task, source, name, top, memory_bytes))


class _Worker:
    """One long-lived limited worker process per caller process (a child per candidate cost ~50x
    the analysis). A subprocess, not a multiprocessing child: pool workers are daemonic and may not
    have those. It is replaced after a failure (a limit hit may leave it in any state) and every
    RECYCLE_AFTER candidates (whatever the parser keeps between calls stays bounded)."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.requests: Connection | None = None
        self.answers: Connection | None = None
        self.memory_bytes = 0
        self.calls = 0
        self.lock = threading.Lock()  # trainers call reward functions from several threads

    def stop(self) -> None:
        for conn in (self.requests, self.answers):
            if conn is not None:
                conn.close()
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
        self.proc = self.requests = self.answers = None

    def start(self, memory_bytes: int) -> None:
        self.stop()
        # the folder holding the top package, wherever in it this module lives
        package_parent = str(Path(__file__).resolve().parents[__name__.count(".")])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([package_parent, *sys.path])}
        code = f"from {__name__} import serve; serve({int(memory_bytes)})"  # classes pickle by module name
        self.proc = subprocess.Popen([sys.executable, "-c", code], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.requests = Connection(os.dup(self.proc.stdin.fileno()), readable=False)
        self.answers = Connection(os.dup(self.proc.stdout.fileno()), writable=False)
        self.proc.stdin.close()
        self.proc.stdout.close()
        self.memory_bytes, self.calls = memory_bytes, 0
        if not (self.answers.poll(STARTUP_SECONDS) and self.answers.recv() == "ready"):
            raise RuntimeError("the front-end worker did not start")

    def call(self, request: tuple, limits: FrontEndLimits) -> FrontEnd:
        with self.lock:
            if (self.proc is None or self.proc.poll() is not None or self.calls >= RECYCLE_AFTER
                    or self.memory_bytes != limits.memory_bytes):
                self.start(limits.memory_bytes)
            self.calls += 1
            result = None
            try:
                self.requests.send(request)
                if self.answers.poll(limits.wall_seconds):
                    result = self.answers.recv()
                else:
                    result = FrontEnd(failure=f"front end exceeded {limits.wall_seconds:.0f} s on this text")
            except (EOFError, OSError):
                pass  # died on this text
            if result is None or result.failure:
                self.stop()
            if result is None:
                result = FrontEnd(failure="front end crashed on this text (a memory limit, or a crash in "
                                          "the parser)")
            return result


_WORKER = _Worker()
atexit.register(_WORKER.stop)


def analyse_bounded(source: str, name: str, prefer_top: str | None,
                    limits: FrontEndLimits = FrontEndLimits()) -> FrontEnd:
    """analyse() in the limited worker process; a failure comes back as FrontEnd.failure."""
    return _bounded("candidate", source, name, prefer_top, limits)


def analyse_golden_bounded(source: str, name: str, top: str | None,
                           limits: FrontEndLimits = FrontEndLimits()) -> FrontEnd:
    """analyse_golden() in the same limited worker: goldens from synthesis are untrusted too, and
    a hostile one must become an invalid golden, not take the checker's process down."""
    return _bounded("golden", source, name, top, limits)


def _bounded(task: str, source: str, name: str, top: str | None, limits: FrontEndLimits) -> FrontEnd:
    start = time.monotonic()
    result = _WORKER.call((task, source, name, top, confinement()), limits)
    result.seconds = time.monotonic() - start
    return result

