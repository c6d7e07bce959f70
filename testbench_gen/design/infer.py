"""Infer a design's interface (top, ports, clocks, resets, constants) from its source with pyslang.

Clocks and resets come from how the code uses a signal, not from its name: an input that appears as an
edge in a process's event control is a clock, unless the process body tests it first (then it is an
asynchronous reset, active at the level the edge leads to). A clocked process whose first `if` tests
a reset-like input and assigns only constants in that branch gives a synchronous reset. Names are a
fallback only for inputs no process uses as an edge.

Two facts feed the stimulus's coverage: the literals the design compares against (every one, however
wide, so magic values are hit) and its bits of counter-like state (registers, or constant slices of
them, whose next value adds to or subtracts from themselves, directly or through one combinational
net), so that one long run without reset is long enough to wrap them, chained counters included.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pyslang import Bag, DiagnosticEngine, SourceManager, ast, syntax

from ..interface import Clock, Interface, Port, Reset, StateVar

RESET_NAME = re.compile(r"(^|_)(a?rst|a?reset|clr|clear)(_?n|_?b|_?l)?($|_)|^a?rst|^a?reset", re.I)
ACTIVE_LOW_NAME = re.compile(r"(_n|_b|_l|n)$|_n_|^n_?rst|^rst_?n|^reset_?n", re.I)
MAX_CONSTANTS = 64  # literals that are not compared against: the smallest ones are kept
MAX_COMPARED = 1024  # compared literals (case labels, ==, <, ...): all kept up to this many
MAX_STATE_VARS, MAX_STATE_WIDTH = 32, 64  # registers watched by coverage-directed stimulus
MAX_STATE_VALUES = 64  # literals kept per register (FSM state values)
_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
WIDE_COUNTER = 24  # a counter at least this wide that is compared with literals counts to the largest
_COMPARISONS = {
    ast.BinaryOperator.Equality, ast.BinaryOperator.Inequality, ast.BinaryOperator.CaseEquality,
    ast.BinaryOperator.CaseInequality, ast.BinaryOperator.WildcardEquality,
    ast.BinaryOperator.WildcardInequality, ast.BinaryOperator.LessThan,
    ast.BinaryOperator.LessThanEqual, ast.BinaryOperator.GreaterThan, ast.BinaryOperator.GreaterThanEqual,
}
_ARITH = {ast.BinaryOperator.Add, ast.BinaryOperator.Subtract}


class InterfaceError(Exception):
    """The source cannot be read as a design with a usable top module (message names the problem)."""


@dataclass
class ParsedDesign:
    """A pyslang compilation kept alive together with the objects that point into it."""

    tree: syntax.SyntaxTree
    compilation: ast.Compilation
    top: ast.InstanceSymbol


_DIRECTIONS = {
    ast.ArgumentDirection.In: "input",
    ast.ArgumentDirection.Out: "output",
    ast.ArgumentDirection.InOut: "inout",
}


def parse_design(source: str, top: str | None = None, filename: str = "design.v",
                 prefer_top: str | None = None) -> ParsedDesign:
    """Parse and elaborate; pick the top module.

    `top` must exist; `prefer_top` is used when present among the uninstantiated modules (a candidate
    whose top carries the golden's name), otherwise a single uninstantiated module is required.
    """
    # a SourceManager per text: pyslang's default one keeps every text for the life of the process,
    # and the front-end worker parses every candidate of an RL run
    tree = syntax.SyntaxTree.fromText(source, SourceManager(), filename)
    options = ast.CompilationOptions()
    if top:
        options.topModules = {top}
    compilation = ast.Compilation(Bag([options]))
    compilation.addSyntaxTree(tree)
    root = compilation.getRoot()
    tops = [i for i in root.topInstances if i.isModule]
    if top:
        chosen = [i for i in tops if i.name == top]
        if not chosen:
            names = _module_names(tree)
            raise InterfaceError(
                f"top module '{top}' not found (modules defined: {', '.join(names) or 'none'})"
            )
    else:
        if not tops:
            syntax_errors = [e for e in _error_lines(compilation) if "expected" in e or "syntax" in e]
            raise InterfaceError(
                "no module definition found" + (f": {syntax_errors[0]}" if syntax_errors else "")
            )
        chosen = [i for i in tops if prefer_top and i.name == prefer_top] or tops
        if len(chosen) > 1:
            with_ports = [i for i in chosen if len(i.body.portList) > 0]
            chosen = with_ports if len(with_ports) == 1 else chosen
        if len(chosen) > 1:
            raise InterfaceError(
                "several top-level modules ("
                + ", ".join(i.name for i in chosen)
                + "); name the top one explicitly"
            )
    return ParsedDesign(tree=tree, compilation=compilation, top=chosen[0])


def _error_lines(compilation: ast.Compilation) -> list[str]:
    """pyslang's error messages, rendered only when one is quoted (rendering all costs time)."""
    diags = [d for d in compilation.getAllDiagnostics() if d.isError()]
    if not diags:
        return []
    report = DiagnosticEngine.reportAll(compilation.sourceManager, diags)
    return [line for line in report.splitlines() if ": error:" in line]


def has_syntax_errors(source: str) -> bool:
    """True when the text does not even parse (elaboration is not attempted)."""
    tree = syntax.SyntaxTree.fromText(source, SourceManager(), "source.v")
    return any(d.isError() for d in tree.diagnostics)


def _module_names(tree: syntax.SyntaxTree) -> list[str]:
    names = []
    for member in tree.root.members:
        if member.kind == syntax.SyntaxKind.ModuleDeclaration:
            names.append(member.header.name.valueText)
    return names


def infer_interface(source: str, top: str | None = None, filename: str = "design.v",
                    prefer_top: str | None = None) -> Interface:
    design = parse_design(source, top=top, filename=filename, prefer_top=prefer_top)
    return interface_of(design)


def interface_of(design: ParsedDesign) -> Interface:
    top = design.top
    ports: list[Port] = []
    port_by_symbol: dict[str, str] = {}
    for p in top.body.portList:
        if not isinstance(p, ast.PortSymbol):
            raise InterfaceError(f"port '{p.name}' of '{top.name}' is not a plain port (interface ports are unsupported)")
        ptype = p.type
        if not ptype.isIntegral:
            raise InterfaceError(f"port '{p.name}' of '{top.name}' has type '{ptype}', which is not a bit vector")
        ports.append(Port(
            name=p.name,
            direction=_DIRECTIONS.get(p.direction, "inout"),
            width=int(ptype.bitWidth),
            signed=bool(ptype.isSigned),
        ))
        if p.internalSymbol is not None:
            port_by_symbol[_key(p.internalSymbol)] = p.name
    if not ports:
        raise InterfaceError(f"top module '{top.name}' has no ports")
    walker = _UsageWalker(port_by_symbol)
    top.body.visit(walker)
    input_names = {p.name for p in ports if p.direction == "input"}

    async_resets: dict[str, bool] = {}  # name -> active_high
    clocks: dict[str, set[str]] = {}
    for proc in walker.clocked:
        tested = proc.first_condition_signals
        edge_signals = proc.edges
        if len(edge_signals) > 1:
            for name, edge in edge_signals:
                if name in tested and name in input_names:
                    async_resets[name] = edge == "posedge"
        for name, edge in edge_signals:
            if name in async_resets or name not in input_names:
                continue
            clocks.setdefault(name, set()).add(edge)
    # a signal used only as an async reset somewhere but as a plain edge elsewhere stays a reset
    for name in async_resets:
        clocks.pop(name, None)

    sync_resets: dict[str, bool] = {}
    for proc in walker.clocked:
        cand = proc.sync_reset
        if cand and cand[0] in input_names and cand[0] not in clocks and cand[0] not in async_resets:
            name, active_high = cand
            if RESET_NAME.search(name):
                sync_resets.setdefault(name, active_high)

    resets = [Reset(name=n, active_high=h, synchronous=False) for n, h in async_resets.items()]
    resets += [Reset(name=n, active_high=h, synchronous=True) for n, h in sync_resets.items()]
    known = set(async_resets) | set(sync_resets) | set(clocks)
    for p in ports:
        if p.direction == "input" and p.width == 1 and p.name not in known and RESET_NAME.search(p.name):
            resets.append(Reset(name=p.name, active_high=not ACTIVE_LOW_NAME.search(p.name),
                                synchronous=True, inferred_from="name"))

    clock_list = [
        Clock(name=n, edge=("both" if len(e) > 1 else next(iter(e))))
        for n, e in sorted(clocks.items(), key=lambda kv: _port_index(ports, kv[0]))
    ]
    return Interface(
        top=top.name,
        ports=ports,
        clocks=clock_list,
        resets=sorted(resets, key=lambda r: _port_index(ports, r.name)),
        parameters=_parameters(top),
        constants=walker.constant_list(),
        counter_bits=walker.counter_bits(),
        state=walker.state_vars(top.name, set(port_by_symbol)),
    )


def _port_index(ports: list[Port], name: str) -> int:
    return next(i for i, p in enumerate(ports) if p.name == name)


def _parameters(top: ast.InstanceSymbol) -> dict[str, int]:
    params = {}
    for param in top.body.parameters:
        try:
            params[param.name] = int(param.value.value)
        except (AttributeError, TypeError, ValueError):
            continue  # type parameters, reals, strings
    return params


@dataclass
class _ClockedProcess:
    edges: list[tuple[str, str]]  # (top input name, "posedge"/"negedge")
    first_condition_signals: set[str]
    sync_reset: tuple[str, bool] | None


class _UsageWalker:
    """Collects clocked processes, assignments (counter-like state) and integer constants of the whole hierarchy."""

    def __init__(self, port_by_symbol: dict[str, str]):
        self.port_by_symbol = port_by_symbol
        self.clocked: list[_ClockedProcess] = []
        self.constants: set[int] = set()
        self.compared: set[int] = set()
        # (lhs key, lhs width, rhs, clocked): every whole-variable assignment of the hierarchy
        self.assigns: list[tuple[str, int, object, bool]] = []
        self.compared_with: dict[str, int] = {}  # symbol key -> largest literal it is compared with
        self.compared_values: dict[str, set[int]] = {}  # symbol key -> every literal it is compared with

    def __call__(self, obj) -> ast.VisitAction:
        if isinstance(obj, ast.ProceduralBlockSymbol):
            self._procedure(obj)
        elif isinstance(obj, ast.IntegerLiteral):
            self._constant(obj)
        elif isinstance(obj, ast.BinaryExpression) and obj.op in _COMPARISONS:
            self._comparison(obj.left, obj.right)
            self._comparison(obj.right, obj.left)
        elif isinstance(obj, ast.CaseStatement):
            for item in obj.items:
                for label in item.expressions:
                    self._comparison(label, obj.expr)
        elif isinstance(obj, ast.ContinuousAssignSymbol):
            self._assign(obj.assignment, clocked=False)
        elif isinstance(obj, ast.NetSymbol) and obj.initializer is not None:
            self.assigns.append((_key(obj), _width(obj), obj.initializer, False))
        return ast.VisitAction.Advance

    def _comparison(self, side, other) -> None:
        value = _literal_value(side)
        if value is None or value < 0:
            return
        self.compared.add(value)
        sym = _named_symbol(other)
        if sym is not None:
            key = _key(sym)
            self.compared_with[key] = max(value, self.compared_with.get(key, 0))
            self.compared_values.setdefault(key, set()).add(value)

    def _assign(self, assign, clocked: bool) -> None:
        if not isinstance(assign, ast.AssignmentExpression):
            return  # invalid code (pyslang's InvalidExpression): the compiler will say why
        target = _target(assign.left)
        if target is not None:
            self.assigns.append((*target, assign.right, clocked))

    def constant_list(self) -> list[int]:
        """Every compared literal (up to MAX_COMPARED), then the smallest other literals."""
        compared = sorted(self.compared)[:MAX_COMPARED]
        others = sorted(self.constants - self.compared)[:MAX_CONSTANTS]
        return sorted(set(compared) | set(others))

    def counter_bits(self) -> int:
        """Bits of counter-like state, all counters together (0: none).

        Together, because counters often chain (seconds enable minutes enable hours): the last one
        moves only after the product of the ranges before it."""
        comb: dict[str, list[object]] = {}
        for key, _w, rhs, clocked in self.assigns:
            if not clocked:
                comb.setdefault(key, []).append(rhs)
        counters: dict[str, int] = {}
        for key, width, rhs, clocked in self.assigns:
            if not clocked or key in counters:
                continue
            feeds = [rhs] + [d for name in _named_keys(rhs) for d in comb.get(name, [])]
            if any(key in _arith_operands(expr) for expr in feeds):
                limit = self.compared_with.get(key)
                if width >= WIDE_COUNTER and limit is not None:
                    width = min(width, limit.bit_length() + 1)
                counters[key] = width
        return sum(counters.values())

    def state_vars(self, top: str, ports: set[str]) -> list[StateVar]:
        """Whole registers assigned in clocked processes below the top, ports excluded, named so a
        hierarchical reference reaches them (generate-loop copies and memories are left out)."""
        found: dict[str, StateVar] = {}
        for key, width, _rhs, clocked in self.assigns:
            if not clocked or key in ports or key in found or not 0 < width <= MAX_STATE_WIDTH:
                continue
            path = key[len(top) + 1:] if key.startswith(top + ".") else ""
            if not _PATH.fullmatch(path):
                continue
            values = sorted(v for v in self.compared_values.get(key, ()) if v < 1 << width)
            found[key] = StateVar(path, width, values[:MAX_STATE_VALUES])
        return list(found.values())[:MAX_STATE_VARS]

    # -- resolution of a signal in any instance to a top-level port name
    def top_name(self, expr) -> str | None:
        for _ in range(32):
            while isinstance(expr, ast.ConversionExpression):
                expr = expr.operand
            if not isinstance(expr, ast.NamedValueExpression):
                return None
            sym = expr.symbol
            name = self.port_by_symbol.get(_key(sym))
            if name is not None:
                return name
            scope = sym.parentScope
            body = scope.containingInstance if scope is not None else None
            if body is None or body.parentInstance is None:
                return None
            inst = body.parentInstance
            port = next((p for p in body.portList
                         if getattr(p, "internalSymbol", None) is not None and _key(p.internalSymbol) == _key(sym)), None)
            if port is None:
                return None
            conn = inst.getPortConnection(port)
            if conn is None or conn.expression is None:
                return None
            expr = conn.expression
            # an output port connection is an assignment expression; an input one is the value
            if isinstance(expr, ast.AssignmentExpression):
                expr = expr.left
        return None

    def _constant(self, lit) -> None:
        try:
            value = int(lit.value)
        except Exception:
            return
        if value >= 0:
            self.constants.add(value)

    def _procedure(self, proc) -> None:
        stmt = proc.body
        clocked = isinstance(stmt, ast.TimedStatement) and self._timed(stmt)
        if proc.procedureKind != ast.ProceduralBlockKind.Initial:
            for assign in _assignments(stmt):
                self._assign(assign, clocked)

    def _timed(self, stmt) -> bool:
        """Records a process clocked by top-level inputs; True for any edge-triggered process."""
        timing = stmt.timing
        events = timing.events if timing.kind == ast.TimingControlKind.EventList else [timing]
        any_edge = any(ev.kind == ast.TimingControlKind.SignalEvent and ev.edge != ast.EdgeKind.None_
                       for ev in events)
        edges = []
        for ev in events:
            if ev.kind != ast.TimingControlKind.SignalEvent:
                continue
            if ev.edge == ast.EdgeKind.None_:
                continue
            name = self.top_name(ev.expr)
            if name is None:
                continue
            if ev.edge == ast.EdgeKind.PosEdge:
                edges.append((name, "posedge"))
            elif ev.edge == ast.EdgeKind.NegEdge:
                edges.append((name, "negedge"))
            elif ev.edge == ast.EdgeKind.BothEdges:
                edges.append((name, "posedge"))
                edges.append((name, "negedge"))
        if not edges:
            return any_edge
        body = _first_statement(stmt.stmt)
        tested: set[str] = set()
        sync = None
        if isinstance(body, ast.ConditionalStatement) and body.conditions:
            cond = body.conditions[0].expr
            polarity = self._condition_polarity(cond)
            if polarity is not None:
                name, active_high = polarity
                tested.add(name)
                if _assigns_only_constants(body.ifTrue):
                    sync = (name, active_high)
        self.clocked.append(_ClockedProcess(edges=edges, first_condition_signals=tested, sync_reset=sync))
        return True

    def _condition_polarity(self, expr) -> tuple[str, bool] | None:
        """`rst` -> (rst, True); `!rst`, `~rst`, `rst == 0` -> (rst, False)."""
        while isinstance(expr, ast.ConversionExpression):
            expr = expr.operand
        if isinstance(expr, ast.UnaryExpression) and expr.op in (ast.UnaryOperator.LogicalNot, ast.UnaryOperator.BitwiseNot):
            inner = self._condition_polarity(expr.operand)
            return (inner[0], not inner[1]) if inner else None
        if isinstance(expr, ast.BinaryExpression) and expr.op in (
            ast.BinaryOperator.Equality, ast.BinaryOperator.CaseEquality,
            ast.BinaryOperator.Inequality, ast.BinaryOperator.CaseInequality,
        ):
            name = self.top_name(expr.left)
            lit = _literal_value(expr.right)
            if name is None or lit is None:
                return None
            high = lit != 0
            if expr.op in (ast.BinaryOperator.Inequality, ast.BinaryOperator.CaseInequality):
                high = not high
            return name, high
        name = self.top_name(expr)
        return (name, True) if name else None


def _key(symbol) -> str:
    """pybind wrappers are not stable objects; the hierarchical path identifies a symbol."""
    return symbol.hierarchicalPath


def _width(symbol) -> int:
    try:
        return int(symbol.type.bitWidth)
    except (AttributeError, TypeError, ValueError):
        return 0


def _strip(expr):
    while isinstance(expr, ast.ConversionExpression):
        expr = expr.operand
    return expr


def _named_symbol(expr):
    expr = _strip(expr)
    return expr.symbol if isinstance(expr, ast.NamedValueExpression) else None


def _target(expr) -> tuple[str, int] | None:
    """(key, width) of a whole variable or a constant slice of one (`ss[3:0]`, a BCD digit)."""
    expr = _strip(expr)
    if isinstance(expr, ast.NamedValueExpression):
        return _key(expr.symbol), _width(expr.symbol)
    if isinstance(expr, (ast.RangeSelectExpression, ast.ElementSelectExpression)):
        base = _strip(expr.value)
        if isinstance(base, ast.NamedValueExpression):
            try:
                return f"{_key(base.symbol)}{str(expr.syntax).strip()[len(base.symbol.name):]}", int(expr.type.bitWidth)
            except (AttributeError, TypeError, ValueError):
                return None
    return None


def _named_keys(expr) -> set[str]:
    keys: set[str] = set()

    def visit(obj):
        if isinstance(obj, ast.NamedValueExpression):
            keys.add(_key(obj.symbol))
        return ast.VisitAction.Advance

    expr.visit(visit)
    return keys


def _arith_operands(expr) -> set[str]:
    """Keys of whole variables that are a direct operand of + or - somewhere in expr."""
    keys: set[str] = set()

    def visit(obj):
        if isinstance(obj, ast.BinaryExpression) and obj.op in _ARITH:
            for side in (obj.left, obj.right):
                target = _target(side)
                if target is not None:
                    keys.add(target[0])
        return ast.VisitAction.Advance

    expr.visit(visit)
    return keys


def _literal_value(expr) -> int | None:
    while isinstance(expr, ast.ConversionExpression):
        expr = expr.operand
    if isinstance(expr, (ast.IntegerLiteral, ast.UnbasedUnsizedIntegerLiteral)):
        try:
            return int(expr.value)
        except Exception:
            return None
    return None


def _first_statement(stmt):
    while isinstance(stmt, ast.BlockStatement):
        body = stmt.body
        if isinstance(body, ast.StatementList):
            items = [s for s in body.list if not isinstance(s, ast.VariableDeclStatement)]
            if not items:
                return None
            stmt = items[0]
        else:
            stmt = body
    return stmt


def _statements(stmt):
    """Every statement nested in stmt (depth first)."""
    if stmt is None:
        return
    yield stmt
    if isinstance(stmt, ast.BlockStatement):
        yield from _statements(stmt.body)
    elif isinstance(stmt, ast.StatementList):
        for s in stmt.list:
            yield from _statements(s)
    elif isinstance(stmt, ast.ConditionalStatement):
        yield from _statements(stmt.ifTrue)
        yield from _statements(stmt.ifFalse)
    elif isinstance(stmt, ast.CaseStatement):
        for item in stmt.items:
            yield from _statements(item.stmt)
        yield from _statements(stmt.defaultCase)
    elif isinstance(stmt, ast.TimedStatement):
        yield from _statements(stmt.stmt)
    elif hasattr(stmt, "body") and isinstance(getattr(stmt, "body"), ast.Statement):
        yield from _statements(stmt.body)


def _assignments(stmt):
    for s in _statements(stmt):
        if isinstance(s, ast.ExpressionStatement) and isinstance(s.expr, ast.AssignmentExpression):
            yield s.expr


def _assigns_only_constants(stmt) -> bool:
    found = False
    for s in _statements(stmt):
        if isinstance(s, (ast.ConditionalStatement, ast.CaseStatement)):
            return False
    for assign in _assignments(stmt):
        found = True
        if not _is_constant(assign.right):
            return False
    return found


def _is_constant(expr) -> bool:
    while isinstance(expr, ast.ConversionExpression):
        expr = expr.operand
    if isinstance(expr, (ast.IntegerLiteral, ast.UnbasedUnsizedIntegerLiteral)):
        return True
    if isinstance(expr, ast.NamedValueExpression) and isinstance(expr.symbol, ast.ParameterSymbol):
        return True
    if isinstance(expr, ast.ReplicationExpression) or isinstance(expr, ast.ConcatenationExpression):
        try:
            return all(_is_constant(o) for o in expr.operands)
        except Exception:
            return False
    return expr.constant is not None if hasattr(expr, "constant") else False

