"""What formal reads, and where synthesis semantics part from simulation semantics.

Why: yosys must prove a statement about the design the simulation ran, not about a text the
candidate shaped for yosys. Three gaps were exploited:
- yosys runs its own preprocessor (it defines `SYNTHESIS` and `YOSYS`, tokenises dead code, so a `#1`
  in a never-defined `ifdef` made formal `unsupported`), obeys `// synopsys translate_off` comments
  and `(* full_case *)`-style attributes. Formal therefore reads the text the simulator's own
  preprocessor produced (`iverilog -E`, `verilator -E`), with comments and attributes removed.
- a miter "proves" designs whose synthesised model is not the simulated one: conflicting drivers
  (`t = A` and `t = ~A`) become unsatisfiable constraints, so nothing can differ; an undriven select
  is folded to a constant; a combinational loop constrains its own inputs; an incomplete sensitivity
  list is synthesised as `@*`. `sensitivity_caveats` (pyslang) and `parse_check_log` (yosys `check`)
  name these; a proof of such a design decides nothing (the strategies let simulation decide).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .backends import get_backend
from .sandbox import Limits, run_limited, sandbox_dir

PREPROCESS_LIMITS = Limits(wall_seconds=20.0, memory_bytes=1 << 30, file_bytes=16 << 20)
MAX_LISTED = 3  # nets named per caveat

_TEXT = re.compile(
    r"""(?P<escaped>\\[!-~]+)
      | (?P<comment>//[^\n]*|/\*.*?\*/)
      | (?P<string>"(?:\\.|[^"\\\n])*")
      | (?P<attribute>\(\*(?!\s*\)).*?\*\))
      | (?P<other>[^/"(\\]+|.)""",
    re.S | re.X,
)


class PreprocessError(Exception):
    """The simulator's preprocessor rejected or could not finish the text (message says why)."""


@dataclass(frozen=True)
class CompiledText:
    text: str  # what yosys reads: directives applied, no comments, no attributes
    simulator: str  # whose preprocessor produced it


def strip_comments_and_attributes(text: str) -> str:
    """Comments and `(* ... *)` attributes become spaces (line numbers kept); strings stay."""
    def repl(m: re.Match) -> str:
        if m.lastgroup in ("comment", "attribute"):
            return re.sub(r"[^\n]", " ", m.group())
        return m.group()

    return _TEXT.sub(repl, text)


def simulator_of(backend_label: str) -> str:
    """The simulator whose compiler produced a verdict (`verilator`, `cocotb-verilator` -> verilator)."""
    return "verilator" if "verilator" in backend_label.split("+")[0] else "icarus"


def compiled_text(source: str, simulator: str = "icarus", limits: Limits = PREPROCESS_LIMITS) -> CompiledText:
    """`source` as the simulator's preprocessor hands it to its parser (run in the sandbox)."""
    backend = get_backend(simulator)
    with sandbox_dir("codev-pp-") as wd:
        (wd / "in.v").write_text(source)
        if simulator == "verilator":
            argv = [*backend.verilator, "-E", "-P", "in.v"]
        else:
            argv = [*backend.iverilog, "-E", "-o", "out.v", "in.v"]
        run = run_limited(argv, wd, limits)
        if run.timed_out:
            raise PreprocessError(f"{simulator} preprocessor exceeded {limits.wall_seconds:.0f} s")
        if not run.ok:
            raise PreprocessError(f"{simulator} preprocessor failed: {(run.stderr or run.stdout).strip()[-200:]}")
        text = run.stdout if simulator == "verilator" else (wd / "out.v").read_text(errors="replace")
    # `line and similar directives that survive preprocessing are not code. Lines end at \n only, as
    # in every simulator: str.splitlines() also splits at U+2028, U+0085, form feeds..., and once
    # split a `//` comment's tail became code for yosys alone (policy.py rejects those characters
    # in candidates; goldens are not scanned)
    text = "\n".join(ln for ln in text.split("\n") if not ln.lstrip().startswith("`line"))
    return CompiledText(strip_comments_and_attributes(text), simulator)


# ---------------------------------------------------------------- constant `z` drivers
_Z_LITERAL = r"(?:\d+\s*)?'[sS]?[bBoOhH]?\s*[zZ?][zZ?_]*"
_Z_DRIVER = re.compile(r"(?<![\w$])assign\s+[A-Za-z_][\w$]*(?:\s*\[[^\];]*\])?\s*=\s*"
                       rf"(?:{_Z_LITERAL}|\{{\s*\d+\s*\{{\s*{_Z_LITERAL}\s*\}}\s*\}})\s*;")


def without_z_drivers(text: str) -> str:
    """`text` (comments stripped) without continuous assignments of an all-`z` constant, blanked
    (line numbers kept). In simulation such a driver adds nothing to a net's resolution; yosys
    models it as a driver of undefined bits, so a correct tristate answer with a spare
    `assign y = 1'bz;` got a counterexample simulation never reproduces, and was rejected. A net
    left without any driver is an undriven-net caveat (the proof is then not counted)."""
    return _Z_DRIVER.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


# ---------------------------------------------------------------- yosys `check`
_MULTI = re.compile(r"^Warning: multiple conflicting drivers for ([^.\s]+)\.(\S+)")
_UNDRIVEN = re.compile(r"^Warning: Wire ([^.\s]+)\.(\S+) is used but has no driver")
_LOOP = re.compile(r"^Warning: found logic loop in module (\S+?):?$")


def parse_check_log(text: str, modules: dict[str, str]) -> list[str]:
    """Caveats from yosys `check` output, for the modules named in `modules` (name -> label)."""
    found: dict[tuple[str, str], list[str]] = {}
    for line in text.splitlines():
        for pattern, what in ((_MULTI, "multiple drivers on"), (_UNDRIVEN, "undriven net(s)"),
                              (_LOOP, "a combinational loop")):
            m = pattern.match(line.strip())
            if m and m.group(1) in modules:
                net = m.group(2).lstrip("\\") if m.lastindex and m.lastindex >= 2 else ""
                nets = found.setdefault((modules[m.group(1)], what), [])
                if net and net not in nets:
                    nets.append(net)
    caveats = []
    for (label, what), nets in found.items():
        listed = ", ".join(nets[:MAX_LISTED]) + (", ..." if len(nets) > MAX_LISTED else "")
        caveats.append(f"the {label} has {what}" + (f" {listed}" if listed else ""))
    return caveats


# ---------------------------------------------------------------- sensitivity lists
def sensitivity_caveats(text: str, label: str = "candidate") -> list[str]:
    """Level-sensitive `always @(...)` lists that miss a signal the block reads (or mix edges).

    Synthesis reads such a block as `@*`; simulation does not update it when the missing signal
    changes. Over-reporting is safe (a proof stops deciding alone), so reads are collected broadly.
    """
    from pyslang import SourceManager, ast, syntax

    try:
        tree = syntax.SyntaxTree.fromText(text, SourceManager(), "formal.v")
        compilation = ast.Compilation()
        compilation.addSyntaxTree(tree)
        root = compilation.getRoot()
        problems: list[str] = []

        def names(expr) -> set[str]:
            out: set[str] = set()

            def visit(obj):
                if isinstance(obj, ast.NamedValueExpression) and obj.symbol.kind != ast.SymbolKind.Parameter:
                    out.add(obj.symbol.name)
            expr.visit(visit)
            return out

        def written(stmt) -> set[str]:
            out: set[str] = set()

            def base(expr) -> None:
                while expr.kind in (ast.ExpressionKind.ElementSelect, ast.ExpressionKind.RangeSelect,
                                    ast.ExpressionKind.MemberAccess):
                    expr = expr.value
                if expr.kind == ast.ExpressionKind.Concatenation:
                    for op in expr.operands:
                        base(op)
                elif isinstance(expr, ast.NamedValueExpression):
                    out.add(expr.symbol.name)

            def visit(obj):
                if isinstance(obj, ast.AssignmentExpression):
                    base(obj.left)
            stmt.visit(visit)
            return out

        def check_block(obj) -> None:
            if not isinstance(obj, ast.ProceduralBlockSymbol) or obj.procedureKind != ast.ProceduralBlockKind.Always:
                return
            body = obj.body
            if body.kind != ast.StatementKind.Timed:
                return
            timing = body.timing
            if timing.kind == ast.TimingControlKind.SignalEvent:
                events = [timing]
            elif timing.kind == ast.TimingControlKind.EventList:
                events = list(timing.events)
            else:
                return  # @*, delays
            if any(e.kind != ast.TimingControlKind.SignalEvent for e in events):
                return
            edges = [e.edge != ast.EdgeKind.None_ for e in events]
            line = compilation.sourceManager.getLineNumber(obj.location)
            if all(edges):
                return
            if any(edges):
                problems.append(f"line {line}: mixes edge and level events")
                return
            calls: list[str] = []
            body.stmt.visit(lambda o: calls.append(o.subroutineName)
                            if isinstance(o, ast.CallExpression) and not o.isSystemCall else None)
            if calls:  # a function may read module signals the list leaves out: not followed
                problems.append(f"line {line}: calls {calls[0]}()")
                return
            listed = set().union(*(names(e.expr) for e in events))
            missing = names(body.stmt) - listed - written(body.stmt)
            if missing:
                problems.append(f"line {line}: misses {', '.join(sorted(missing)[:MAX_LISTED])}")

        root.visit(check_block)
    except Exception as exc:  # noqa: BLE001  hostile text may break the walker: then nothing is vouched for
        return [f"the {label} could not be linted ({type(exc).__name__})"]
    if not problems:
        return []
    return [f"the {label} has an incomplete sensitivity list ({'; '.join(problems[:MAX_LISTED])})"]
