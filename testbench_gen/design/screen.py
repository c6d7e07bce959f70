"""Before simulation: is a candidate admissible at all (policy, syntax, interface)?

A candidate that is rejected here gets its verdict without ever reaching a simulator; one that passes
comes back as the name of its top module, ready for the batch run (core.py).
"""
from __future__ import annotations

from ..run.simulators import SimulatorBackend
from ..config import CheckOptions
from .frontend import FrontEndLimits, analyse_bounded
from ..interface import Interface
from .policy import MAX_SOURCE_CHARS, prepare
from ..containment.sandbox import clean_paths, sandbox_dir
from ..verdict import Verdict, VerdictKind


def screen(source: str, name: str, golden: Interface, backend: SimulatorBackend,
           options: CheckOptions) -> Verdict | str:
    """A verdict for a candidate that cannot be simulated, else the name of its top module."""
    if len(source) > MAX_SOURCE_CHARS:
        return Verdict(VerdictKind.REJECTED, f"the candidate has {len(source):,} characters, over the limit of "
                       f"{MAX_SOURCE_CHARS:,}: a fixed limit, so the verdict never depends on machine load "
                       "(the front end's time grows with the text)", backend=backend.name)
    # policy, parse and elaboration run in a limited child (frontend.py): a front end the
    # candidate breaks or floods is the candidate's verdict, not an infra_error of the batch
    front = analyse_bounded(source, name, golden.top, FrontEndLimits.for_check(options.min_timeout,
                                                                              options.memory_mb))
    if front.failure:
        return Verdict(VerdictKind.REJECTED, front.failure, backend=backend.name)
    if front.violations:
        listed = ", ".join(str(v) for v in front.violations[:5])
        # Text that does not even parse (prose after the code reads like `off.Let`) is a compile
        # error, not a cheat; `include, native code and lexer tricks are never handed to a compiler.
        if front.syntax_errors and not any(v.never_compiled for v in front.violations):
            message = lone_compile_errors(source, name, backend, options)
            if message:
                return Verdict(VerdictKind.COMPILE_ERROR, "does not compile", backend=backend.name,
                               detail=message)
        return Verdict(VerdictKind.REJECTED, f"forbidden construct: {listed}", backend=backend.name)
    if front.inout and not any(p.direction == "inout" for p in golden.ports):
        # an inout port wired to an input drives the net the harness shares with batch-mates
        return Verdict(VerdictKind.REJECTED, "forbidden construct: inout port where the golden has none",
                       backend=backend.name)
    iface = front.interface
    if iface is None:
        message = lone_compile_errors(source, name, backend, options)
        if message:
            return Verdict(VerdictKind.COMPILE_ERROR, "does not compile", backend=backend.name,
                           detail=message)
        matches = [i for i in front.module_interfaces.values() if not interface_difference(golden, i)]
        if "several top-level modules" in front.interface_error and len(matches) == 1:
            iface = matches[0]
        else:
            return Verdict(VerdictKind.INTERFACE_MISMATCH, front.interface_error, backend=backend.name)
    problem = interface_difference(golden, iface)
    if problem:
        return Verdict(VerdictKind.INTERFACE_MISMATCH, problem, backend=backend.name)
    return iface.top


def interface_difference(golden: Interface, cand: Interface) -> str:
    """'' when the candidate's ports match the golden's by name, direction and width."""
    g = {p.name: p for p in golden.ports}
    c = {p.name: p for p in cand.ports}
    problems = []
    missing = [n for n in g if n not in c]
    extra = [n for n in c if n not in g]
    if missing:
        problems.append("missing port(s) " + ", ".join(missing))
    if extra:
        problems.append("extra port(s) " + ", ".join(extra))
    for n in g:
        if n in c:
            if g[n].direction != c[n].direction:
                problems.append(f"port {n} is {c[n].direction}, expected {g[n].direction}")
            elif g[n].width != c[n].width:
                problems.append(f"port {n} is {c[n].width} bits wide, expected {g[n].width}")
    return "; ".join(problems)


def lone_compile_errors(source: str, name: str, backend: SimulatorBackend, options: CheckOptions) -> str:
    """Compile a design on its own; the cleaned error text, or '' if it compiles."""
    with sandbox_dir("codev-lone-") as wd:
        path = wd / "candidate.v"
        path.write_text(prepare(source, top="", suffix="lone", display_name=name).text)
        result = backend.compile(wd, [path], None, options.limits(30.0))
        return "" if result.ok else clean_paths(backend.compile_errors(result), wd)
