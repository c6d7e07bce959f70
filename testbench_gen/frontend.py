"""The candidate's front end (policy scan, parse, elaborate, interface) in a limited child process.

Why: pyslang elaborates whatever it is given inside the process that calls it. A 15-line
self-recursive module tree (262k instances) took ~45 s and >4 GB there, and deeply nested blocks
raise RecursionError/RuntimeError, which used to surface as `infra_error` for a whole batch. Here the
front end runs in a child forked from the multiprocessing fork server (pyslang preloaded, no fork
of a threaded caller), with its own address-space and CPU limits and a wall-clock deadline; any
failure is the candidate's own result, never the caller's exception.
"""
from __future__ import annotations

import multiprocessing
import resource
import sys
import time
from dataclasses import dataclass, field

from .infer import InterfaceError, has_syntax_errors, infer_interface, interface_of, parse_design
from .interface import Interface
from .policy import Violation, declares_inout, definitions, scan
from .sandbox import Confinement, adopt_confinement, confinement

CONTEXT = multiprocessing.get_context("forkserver")
CONTEXT.set_forkserver_preload([__name__])  # children start with pyslang and this module imported
RECURSION_LIMIT = 20000
# pyslang's own step/depth limits: a design past them (a constant function looping 2e9 times, an
# instance tree 262k deep) would hold the simulator's compiler for its whole time limit
EXCEEDED_DIAGNOSTICS = ("Exceeded", "MaxInstanceDepth", "MaxGenerateSteps", "MaxInstanceArray")  # Python frames; pyslang's own depth limits apply below it


@dataclass(frozen=True)
class FrontEndLimits:
    wall_seconds: float = 10.0
    memory_bytes: int = 1 << 30


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
        exceeded = sorted({str(d.code).removeprefix("DiagCode(").rstrip(")")
                           for d in design.compilation.getAllDiagnostics()
                           if d.isError() and any(w in str(d.code) for w in EXCEEDED_DIAGNOSTICS)})
        if exceeded:  # the compiler would spend its whole limit where pyslang gave up
            result.failure = f"elaboration exceeds the front end's limits ({', '.join(exceeded)})"
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


def _child(conn, source: str, name: str, prefer_top: str | None, limits: FrontEndLimits,
           confined: Confinement) -> None:
    adopt_confinement(confined)
    cpu = int(limits.wall_seconds) + 1
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    sys.setrecursionlimit(RECURSION_LIMIT)
    try:
        result = analyse(source, name, prefer_top)
    except MemoryError:
        result = FrontEnd(failure=f"front end exceeded its memory limit of {limits.memory_bytes >> 20} MB")
    except BaseException as exc:  # noqa: BLE001 - whatever the candidate provokes is its own result
        result = FrontEnd(failure=f"front end failed on this text: {type(exc).__name__}: {str(exc)[:200]}")
    conn.send(result)
    conn.close()


def analyse_bounded(source: str, name: str, prefer_top: str | None,
                    limits: FrontEndLimits = FrontEndLimits()) -> FrontEnd:
    """analyse() in a limited child process; a failure comes back as FrontEnd.failure."""
    start = time.monotonic()
    receiver, sender = CONTEXT.Pipe(duplex=False)
    proc = CONTEXT.Process(target=_child, args=(sender, source, name, prefer_top, limits, confinement()))
    proc.start()
    sender.close()
    result = None
    try:
        if receiver.poll(limits.wall_seconds):
            result = receiver.recv()
        else:
            result = FrontEnd(failure=f"front end exceeded {limits.wall_seconds:.0f} s on this text")
    except (EOFError, OSError):
        pass  # died before it could answer
    finally:
        receiver.close()
        proc.join(1.0 if result is not None and not result.failure else 0)
        if proc.is_alive():
            proc.kill()
        proc.join()
    if result is None:
        result = FrontEnd(failure=f"front end crashed on this text (exit status {proc.exitcode}: "
                                  "a memory or CPU limit, or a crash in the parser)")
    result.seconds = time.monotonic() - start
    return result
