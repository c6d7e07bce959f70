"""Which inputs reach which outputs, read off pyverilog's dataflow analysis of a Verilog-2001 module.

Why pyverilog and not pyslang here: its BindVisitor already resolves every assignment (continuous,
blocking, non-blocking, per branch) into one dataflow tree per signal, so "does input x reach output y"
is a graph walk; pyslang would give an AST from which the same binding would have to be rebuilt by
hand. Generator items are plain Verilog-2001 with no directives, so the text is parsed directly (no
`iverilog -E` preprocessing run) with one parser per process: building pyverilog's LALR tables costs
about a second, parsing an item a few milliseconds.

An output that no input reaches (clock and reset aside) can only ever show constants: a flag whose only
assignment is `1'b0`, an ALU carry when no operation adds. An input that reaches no output is unused.
"""
from __future__ import annotations

import contextlib
import functools
import io
import os
import tempfile
from dataclasses import dataclass, field


class DataflowUnavailable(Exception):
    """pyverilog cannot read this module (a construct outside its Verilog-2001 grammar)."""


@dataclass(frozen=True)
class Dataflow:
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    reach: dict[str, frozenset[str]] = field(default_factory=dict)  # output -> inputs its value depends on
    looped: frozenset[str] = frozenset()  # outputs whose dependencies hold a feedback loop (state that evolves)

    def unused_inputs(self, ignore: set[str] = frozenset()) -> list[str]:
        used = set().union(*self.reach.values()) if self.reach else set()
        return [i for i in self.inputs if i not in used and i not in ignore]

    def constant_outputs(self, ignore: set[str] = frozenset()) -> list[str]:
        """Outputs that no input other than those in `ignore` (clock, reset) reaches and that no feedback
        loop drives (a free-running counter reads only the reset, yet it counts)."""
        return [o for o in self.outputs if o not in self.looped and not (self.reach.get(o, frozenset()) - set(ignore))]


@functools.lru_cache(maxsize=1)
def _parser():
    from pyverilog.vparser.parser import VerilogParser

    tables = os.path.join(tempfile.gettempdir(), f"codev-pyverilog-{os.getuid()}")
    with contextlib.redirect_stderr(io.StringIO()):  # PLY reports grammar conflicts on stderr
        return VerilogParser(outputdir=tables, debug=False)


def analyse(code: str, top: str) -> Dataflow:
    """The dataflow of module `top` in `code` (its submodules in `code` too)."""
    from pyverilog.dataflow.bindvisitor import BindVisitor
    from pyverilog.dataflow.modulevisitor import ModuleVisitor
    from pyverilog.dataflow.signalvisitor import SignalVisitor

    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            ast = _parser().parse(code)
            modules = ModuleVisitor()
            modules.visit(ast)
            table = modules.get_moduleinfotable()
            signals = SignalVisitor(table, top)
            signals.start_visit()
            binder = BindVisitor(table, top, signals.getFrameTable(), noreorder=False)
            binder.start_visit()
            flow = binder.getDataflows()
    except Exception as exc:  # noqa: BLE001 - pyverilog raises many kinds (ParseError, KeyError, verror...)
        raise DataflowUnavailable(f"pyverilog: {type(exc).__name__}: {str(exc)[:200]}") from None
    terms, binds = flow.getTerms(), flow.getBinddict()
    name = {key: str(key).split(".")[-1] for key in terms}
    inputs = tuple(name[k] for k, t in terms.items() if "Input" in t.termtype and len(k) == 2)
    outputs = tuple(name[k] for k, t in terms.items() if "Output" in t.termtype and len(k) == 2)
    sources: dict[str, set[str]] = {}  # signal -> signals its binds read (value, index, part select)
    for dest, bound in binds.items():
        found = sources.setdefault(str(dest), set())
        for bind in bound:
            for node in (bind.tree, bind.ptr, bind.msb, bind.lsb):
                _terminals(node, found)
    reach, looped = {}, set()
    top_inputs = {str(k): name[k] for k, t in terms.items() if "Input" in t.termtype and len(k) == 2}
    for key, term in terms.items():
        if "Output" in term.termtype and len(key) == 2:
            closure = _closure(str(key), sources)
            reach[name[key]] = frozenset(top_inputs[s] for s in closure if s in top_inputs)
            if any(s in _closure_of_sources(s, sources) for s in closure):
                looped.add(name[key])
    return Dataflow(inputs, outputs, reach, frozenset(looped))


def _terminals(node, found: set[str]) -> None:
    from pyverilog.dataflow.dataflow import DFTerminal

    if node is None:
        return
    if isinstance(node, DFTerminal):
        found.add(str(node.name))
        return
    for child in node.children():
        _terminals(child, found)


def _closure_of_sources(start: str, sources: dict[str, set[str]]) -> set[str]:
    found: set[str] = set()
    for first in sources.get(start, ()):
        if first not in found:
            found |= _closure(first, sources)
    return found


def _closure(start: str, sources: dict[str, set[str]]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in sources.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen
