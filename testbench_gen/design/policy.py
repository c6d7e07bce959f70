"""What an untrusted candidate may contain, and how it is made safe to compile beside others.

A candidate is written by a model that is rewarded for passing, by an attacker who read this file.
Rules are whitelists where possible (system names, directives, macros, top-level items), and they
are applied twice: to the raw text (what yosys or another tool might read) and to the text after the
simulator's own preprocessor (`iverilog -E`), because macro pasting (`` a``b ``) and a macro right
before a name can build any token the raw text does not show. Bytes on which lexers disagree
(control characters, a lone CR that ends Icarus' `//` comments, Unicode line separators, non-ASCII
outside comments and strings) are rejected outright: every tool reads one text, split at \n only.
A design must not be able to tell it runs under the checker: formats it can read back (`$sformat`
and kin) may hold value specifiers only (no `%m`, `%l`, `%t`, `%v`), and `$typename` is rejected.

Rejected: file and process access, ending the simulation, includes, `$root` and hierarchical names
that leave the candidate, force/release, bind, DPI, simulation-time reads, `#` delays (synthesis
ignores them, so a reward must not let them hide glitches), simulator-specific code injection
(Verilator's `systemc_*`, `$c`, metacomments; tool pragmas; attributes), macros the candidate does not
define itself (simulators predefine different ones: `__ICARUS__`, `VERILATOR`), declarations in the
shared `$unit` scope, and text that would run on into the next file (an open comment or `ifdef`).
What remains is contained by prepare(): definitions get a secret suffix, macros are undefined after
the candidate's text, and every source section starts from `resetall`.
"""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass

from ..run.simulators import BACKENDS, Preprocessor
from ..containment.sandbox import Limits, run_limited, sandbox_dir

# System tasks and functions a synthesizable (or debug-printing) design may use. Anything else,
# e.g. $finish, $fopen, $system, $readmemh, $dumpfile, $value$plusargs, $time, $c, is rejected.
ALLOWED_SYSTEM_NAMES = frozenset({
    "$signed", "$unsigned", "$clog2", "$bits", "$size", "$high", "$low", "$left", "$right",
    "$increment", "$dimensions", "$unpacked_dimensions", "$countones", "$onehot", "$onehot0",
    "$isunknown", "$countbits", "$display", "$displayb", "$displayh", "$displayo", "$write",
    "$writeb", "$writeh", "$writeo", "$strobe", "$strobeb", "$strobeh", "$strobeo", "$monitor",
    "$monitorb", "$monitorh", "$monitoro", "$monitoron", "$monitoroff", "$itor", "$rtoi",
    "$realtobits", "$bitstoreal", "$shortrealtobits", "$bitstoshortreal", "$ln", "$log10",
    "$exp", "$sqrt", "$pow", "$floor", "$ceil", "$sin", "$cos", "$tan", "$asin", "$acos",
    "$atan", "$atan2", "$hypot", "$sinh", "$cosh", "$tanh", "$asinh", "$acosh", "$atanh",
    "$sformatf", "$sformat", "$swrite", "$info", "$warning", "$error", "$cast",
    "$isunbounded", "$psprintf",
})  # not $typename: Verilator names the scope of a local type ("TopModule__c0_<token>.t_t")

# System functions that format into a value the design can read back. A format specifier that prints
# where the design runs (`%m` hierarchy, `%l` library binding) or how the harness is set up (`%t`:
# the global time precision; `%v`: the strength of the harness's drivers) would let a design tell it
# is under the checker and behave only there. Only value specifiers are allowed in their formats, and
# their format argument must be a literal (Icarus applies a format held in a variable). The $display
# family prints where no design reads, so it keeps every specifier.
STRING_FORMATTERS = {"$sformatf": 0, "$psprintf": 0, "$sformat": 1, "$swrite": None, "$swriteb": None,
                     "$swriteh": None, "$swriteo": None}  # name -> index of the format argument
VALUE_SPECIFIERS = frozenset("bBoOhHxXdDsScCeEfFgGuUzZpP%")
_SPECIFIER = re.compile(r"%[-+ #0]*\d*(?:\.\d*)?(.?)", re.S)

# Reads of simulation time: a design that plays back outputs by time would pass a fixed stimulus.
TIME_READS = frozenset({"$time", "$stime", "$realtime", "$simtime", "$printtimescale", "$timeformat"})

# Debug prints: output only, and nobody reads a candidate's output. prepare() removes every call
# (quiet_spans), so what their arguments read ($time is common in model output) cannot reach the
# design or be seen by anyone; a side effect hidden in an argument is removed with it.
PRINT_TASKS = frozenset({
    f"${base}{radix}" for base in ("display", "write", "strobe", "monitor") for radix in ("", "b", "h", "o")
})

# Directives a candidate may write; every other backtick name must be a macro it defines itself.
ALLOWED_DIRECTIVES = frozenset({
    "define", "undef", "ifdef", "ifndef", "elsif", "else", "endif", "timescale",
    "default_nettype", "resetall", "celldefine", "endcelldefine", "unconnected_drive",
    "nounconnected_drive",
})

# Macros some tool in use defines before reading a file (Verilator: `verilator -E --dump-defines`,
# plus SV_COV_*; Icarus: __ICARUS__; yosys: SYNTHESIS, YOSYS, FORMAL; cocotb's makefiles: COCOTB_SIM;
# pyslang: __slang* names). An include guard on one of them would hide the text from one tool only.
PREDEFINED_MACROS = frozenset({
    "VERILATOR", "verilator", "verilator3", "SYSTEMVERILOG", "coverage_block_off", "SYNTHESIS", "YOSYS",
    "FORMAL", "COCOTB_SIM", "SIMULATION", "IVERILOG", "ICARUS", "VCS", "MODEL_TECH", "QUESTA", "XCELIUM",
})

# Names no macro may take: every directive of IEEE 1800 and of the simulators in use, so that a
# fence such as `resetall always means the directive.
DIRECTIVE_NAMES = ALLOWED_DIRECTIVES | frozenset({
    "include", "undefineall", "line", "pragma", "begin_keywords", "end_keywords", "__FILE__",
    "__LINE__", "default_decay_time", "default_trireg_strength", "delay_mode_distributed",
    "delay_mode_path", "delay_mode_unit", "delay_mode_zero", "protect", "endprotect", "protected",
    "endprotected", "systemc_header", "systemc_interface", "systemc_imp_header",
    "systemc_implementation", "systemc_ctor", "systemc_dtor", "systemc_header_post",
    "systemc_class_name", "verilog", "verilator_config", "verilator", "verilator3", "elif",
    "suppress_faults", "nosuppress_faults", "enable_portfaults", "disable_portfaults",
    "accelerate", "noaccelerate", "expand_vectornets", "noexpand_vectornets", "remove_gatenames",
    "noremove_gatenames", "remove_netnames", "noremove_netnames", "uselib", "default_discipline",
    "nounconnected_drive",
})

FORBIDDEN_KEYWORDS = {
    "force": "force (overrides signals outside the candidate)",
    "release": "release (pairs with force)",
    "bind": "bind (injects code into other modules)",
    "config": "config blocks",
    "library": "library declarations",
    "assume": "assume (constrains a formal tool's inputs)",
    "restrict": "restrict (constrains a formal tool's inputs)",
}
# Switches connect nets both ways: one wired across two input ports shorts the nets the harness
# shares with every batch-mate. No synthesizable design uses them.
FORBIDDEN_KEYWORDS.update({name: f"switch primitive {name} (can short nets shared with other candidates)"
                           for name in ("tran", "tranif0", "tranif1", "rtran", "rtranif0", "rtranif1",
                                        "nmos", "pmos", "cmos", "rnmos", "rpmos", "rcmos")})

# A definition opens with one of these and closes with its partner; nothing else may stand at the top
# level (it would be a declaration in the compilation unit that every batch-mate shares).
DEFINITION_PAIRS = {
    "module": "endmodule", "macromodule": "endmodule", "primitive": "endprimitive",
    "package": "endpackage", "interface": "endinterface", "program": "endprogram",
    "checker": "endchecker",
}
TOP_LEVEL_DIRECTIVES = frozenset({"`timescale", "`default_nettype", "`resetall", "`celldefine",
                                  "`endcelldefine", "`unconnected_drive", "`nounconnected_drive"})

# Comment text that a tool reads as an instruction: Verilator metacomments paste C++ or change
# semantics; translate_off / full_case / parallel_case make synthesis (formal) differ from simulation.
# What the tools in use actually read (so that prose such as "// Synthesis: ..." or "// one_hot
# state encoding" passes): Verilator acts on a comment whose first word is `verilator`, or
# `synopsys`, `cadence`, `pragma` or `ambit synthesis` followed by full_case/parallel_case; Icarus
# on `// synthesis translate_off|on`. The rule is wider than that (any tool prefix followed by a
# pragma word, translate_/synthesis_ on or off anywhere), but no longer rejects a tool's name in prose.
_TOOL_PREFIX = r"(?:synopsys|synthesis|pragma|cadence|ambit|xilinx|altera|rtl_synthesis|exemplar|" \
               r"lint_checking|intel|lattice|quartus|vivado|dc_script_begin)"
_PRAGMA_WORD = r"(?:translate_(?:off|on)|synthesis_(?:off|on)|full_case|parallel_case|infer_mux\w*|one_hot|" \
               r"one_cold|keep|preserve|syn_\w+|dc_script_\w+|map_to_\w+|return_port_name|template|" \
               r"state_vector|enum|sync_set_reset\w*|async_set_reset\w*|resource|implementation|" \
               r"label|ops|coverage\w*|public\w*|inline\w*|no_inline\w*|isolate_assignments|" \
               r"sformat|split_var|hier_block|clocker|no_clocker|sc_bv|tag|forceable|tracing_\w*|" \
               r"lint_\w+|synthesis|ambit)"
_METACOMMENT = re.compile(
    r"^(?://|/\*)\s*(?:verilator\b(?!\s+lint_(?:off|on|save|restore)\b[\w\s,\-*]*?(?:\*/)?\s*\Z)|"
    rf"{_TOOL_PREFIX}\b[\s:_]*{_PRAGMA_WORD}\b)|"
    r"translate_(?:off|on)|synthesis_(?:off|on)",
    re.I)

# Longest candidate text screened at all. The front end's time grows with the text (~14 us a
# character at load 19 on 2 cores) and has a deadline; without a fixed limit a
# 10 MB candidate was rejected or not depending on machine load. 128 Ki characters take ~2 s there,
# 330 K ~5.7 s (`python bench/size_limit_cost.py`, load 20)
# (LLM answers are under 20 K; the largest benchmark reference is under 10 K).
MAX_SOURCE_CHARS = 128 * 1024
MAX_VIOLATIONS = 50  # enough to explain a rejection; a flood of them is no more informative
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)")
# One text, one reading: every tool must split lines where Icarus does (at \n only). Python's
# str.splitlines() and some editors and lexers also end a line at these (a `//` comment holding
# U+2028 then `/*` was one comment for Icarus and pyslang, but opened a block comment hiding a trojan
# from the text handed to yosys); surrogates cannot even be written to a file. Rejected anywhere.
_LINE_BREAKS = re.compile("[\x85\u2028\u2029\ud800-\udfff]")

# The Verilog lexer the policy scans with (public: mutants.py finds code outside comments and strings
# with it, so both agree on what is code)
TOKEN = re.compile(
    r"""
    (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:\\.|[^"\\\n])*")
  | (?P<escaped>\\\S+)
  | (?P<paste>``|`"|`\\`")
  | (?P<directive>`[A-Za-z_]\w*)
  | (?P<system>\$[A-Za-z_][\w$]*)
  | (?P<dpi>\b(?:import|export)\s+"DPI(?:-C)?")
  | (?P<attribute>\(\*(?!\s*\))(?=(?:\s|//[^\n]*\n|/\*.*?\*/)*[A-Za-z_\\]))  # comments may stand before the name
  | (?P<ident>[A-Za-z_][\w$]*)
  | (?P<number>\d[\w']*|'[sS]?[bBoOdDhH][\w?]*)
  | (?P<dot>\.)
  | (?P<other>.)
    """,
    re.S | re.X | re.A,  # ASCII: Icarus ends escaped names and words at ASCII whitespace only
)


@dataclass(frozen=True)
class Violation:
    construct: str  # e.g. "$fopen", "`include", "force", "hierarchical reference tb.q"
    line: int

    def __str__(self) -> str:
        return f"{self.construct} (line {self.line})"

    @property
    def never_compiled(self) -> bool:
        """A construct some tool acts on even where Icarus fails (native code, files, lexer tricks):
        the text is rejected, never reported as a mere compile error."""
        return self.construct.startswith(NEVER_COMPILED)


NEVER_COMPILED = ("`include", "control character", "lone carriage", "line separator", "non-ASCII", "`systemc",
                  "tool metacomment",
                  "attribute", "DPI", "system task $c", "`verilator", "unterminated")


class PreprocessError(Exception):
    """The simulator's preprocessor could not run on the text (message names the problem)."""


def lex(source: str) -> list[tuple[str, str, int]]:
    """(kind, text, line) of every token, comments and strings included; whitespace dropped."""
    items, line = [], 1
    for m in TOKEN.finditer(source):
        kind, text = m.lastgroup, m.group()
        if not text.isspace():
            items.append((kind, text, line))
        line += text.count("\n")
    return items


def tokenize(source: str) -> list[tuple[str, str, int]]:
    """(kind, text, line) of each code token; comments, strings and whitespace dropped."""
    return [t for t in lex(source) if t[0] not in ("comment", "string")]


# ---------------------------------------------------------------- the raw text
def text_violations(source: str) -> list[Violation]:
    """Rules on the text as written: bytes, comments, directives and macros."""
    if "\x00" in source:  # a binary file (a manifest may list one): its own verdict, said plainly
        return [Violation("control character 0x00: binary data, not Verilog text",
                          source.count("\n", 0, source.index("\x00")) + 1)]
    found = []
    for m in _CONTROL.finditer(source):
        what = "lone carriage return" if m.group() == "\r" else f"control character {ord(m.group()):#04x}"
        found.append(Violation(f"{what} (lexers disagree on it)", source.count("\n", 0, m.start()) + 1))
        if len(found) >= 3:
            return found
    for m in _LINE_BREAKS.finditer(source):
        code = ord(m.group())
        what = (f"non-ASCII lone surrogate U+{code:04X} (not encodable text)" if 0xD800 <= code <= 0xDFFF
                else f"line separator U+{code:04X} (tools disagree on where a line ends)")
        found.append(Violation(what, source.count("\n", 0, m.start()) + 1))
        return found
    items = lex(source)
    for kind, text, line in items:
        if kind not in ("comment", "string") and not text.isascii():
            bad = next(ch for ch in text if not ch.isascii())
            found.append(Violation(f"non-ASCII character U+{ord(bad):04X} outside comments and strings "
                                   "(lexers disagree on it)", line))
            return found
    found += comment_violations(items)
    # The conditionals are evaluated as the preprocessor would, on the candidate's own macros only:
    # a `define counts where it takes effect (an active branch, the start of a logical line, not a
    # macro body), `undef removes it; `ifdef may only test a name the candidate has so defined or
    # undefined, so its outcome is the same under every tool whatever they predefine.
    lines = source.split("\n")
    defined: set[str] = set()  # defined now
    known: set[str] = set()  # defined or undefined by the candidate: the same state in every tool
    stack: list[list[bool]] = []  # [parent active, a branch was taken, this branch active]
    prev_line = 0
    depth = 0
    for i, (kind, text, line) in enumerate(items):
        first_on_line = line != prev_line
        prev_line = line + text.count("\n")
        if kind == "other" and text == '"':
            found.append(Violation("unterminated string", line))
        elif kind == "directive":
            name = text[1:]
            nxt = items[i + 1] if i + 1 < len(items) else ("", "", line)
            active = stack[-1][2] if stack else True
            if name == "include":
                found.append(Violation("`include (reads files)", line))
            elif name in ("define", "undef") and nxt[0] == "ident" and (
                    nxt[1] in DIRECTIVE_NAMES or nxt[1].startswith("__")):
                found.append(Violation(f"macro named like a directive `{nxt[1]}", line))
            elif name in ("define", "undef") and nxt[0] == "ident":
                continued = line >= 2 and lines[line - 2].rstrip().endswith("\\")
                if active and first_on_line and not continued:
                    known.add(nxt[1])
                    (defined.add if name == "define" else defined.discard)(nxt[1])
            elif name in ("ifdef", "ifndef", "elsif"):
                if name == "ifndef" and is_include_guard(items, i):
                    pass  # `define'd right below: the outcome is the candidate's own in every tool
                elif nxt[0] == "ident" and nxt[1] not in known:
                    found.append(Violation(
                        f"`{name} {nxt[1]} on a macro the candidate has not defined above "
                        "(simulators predefine different macros)", line))
                cond = (nxt[1] in defined) != (name == "ifndef")
                if name == "elsif":
                    if stack:
                        top = stack[-1]
                        top[2] = top[0] and not top[1] and cond
                        top[1] = top[1] or cond
                else:
                    depth += 1
                    stack.append([active, cond, active and cond])
            elif name == "else":
                if stack:
                    top = stack[-1]
                    top[2] = top[0] and not top[1]
                    top[1] = True
            elif name == "endif":
                depth -= 1
                if stack:
                    stack.pop()
                if depth < 0:
                    found.append(Violation("`endif without `ifdef (closes another file's)", line))
                    depth = 0
            elif name not in ALLOWED_DIRECTIVES and name not in known:
                found.append(Violation(f"`{name} (not a macro the candidate defines above)", line))
    if "/*" in _strip_comments_and_strings(source):  # every closed one was a comment token
        found.append(Violation("unterminated /* comment (runs into the next file)", len(source.splitlines())))
    if depth > 0:
        found.append(Violation("unterminated `ifdef (runs into the next file)", len(source.splitlines())))
    if source.rstrip().endswith("\\"):
        found.append(Violation("line continuation at the end (runs into the next file)",
                               len(source.splitlines())))
    return found


def is_include_guard(items: list[tuple[str, str, int]], i: int) -> bool:
    """`ifndef X at items[i] whose next token (comments aside) is `define X: an include guard.

    Its outcome depends only on the candidate's text, except where a tool predefines X, so X may
    be no name any tool in use predefines (PREDEFINED_MACROS, and every `__` name)."""
    if i + 1 >= len(items) or items[i + 1][0] != "ident":
        return False
    name = items[i + 1][1]
    if name in PREDEFINED_MACROS or name.startswith("__") or name.startswith("SV_COV_"):
        return False
    j = i + 2
    while j < len(items) and items[j][0] == "comment":
        j += 1
    return (j + 1 < len(items) and items[j][:2] == ("directive", "`define")
            and items[j + 1][:2] == ("ident", name))


def comment_violations(items: list[tuple[str, str, int]]) -> list[Violation]:
    """Comments a tool reads as instructions (checked after preprocessing too: pasting can make one)."""
    return [Violation(f"tool metacomment {text[:40]!r} (tool-specific semantics)", line)
            for kind, text, line in items if kind == "comment" and _METACOMMENT.search(text)]


# ---------------------------------------------------------------- the code the compiler sees
def code_violations(source: str, expanded: bool = True) -> list[Violation]:
    """Rules on code tokens: system names, keywords, delays, names that leave the candidate.

    expanded=True: `source` is preprocessor output, so directives and top-level items are checked too.
    """
    items = tokenize(source)
    found: list[Violation] = []
    # `a.b` may only start from a name the candidate itself uses plainly (an instance, a generate
    # block, a struct variable): such a name resolves locally before any upward lookup. The
    # testbench's names carry a secret token, so this is a second fence, not the only one.
    local = {_name_of(t) for i, t in enumerate(items)
             if t[0] in ("ident", "escaped") and not _is_dotted_head(items, i) and not (i and items[i - 1][1] == ".")}
    modules = {name for kind, name in _definitions(items) if kind != "package"}
    subprograms = _subprogram_names(items)
    if expanded:
        found += _top_level_violations(items)
    printed = _print_argument_indices(items)
    found += format_violations([t for t in lex(source) if t[0] != "comment"])
    for i, (kind, text, line) in enumerate(items):
        if kind == "system":
            if text == "$root":
                found.append(Violation("$root (reaches the testbench)", line))
            elif text == "$unit":
                found.append(Violation("$unit (the scope every batch-mate shares)", line))
            elif text in TIME_READS:
                if i not in printed:  # a print's arguments are removed before anything runs
                    found.append(Violation(f"simulation-time read {text}", line))
            elif text not in ALLOWED_SYSTEM_NAMES:
                found.append(Violation(f"system task {text}", line))
        elif kind == "directive" and expanded:
            if text[1:] not in ALLOWED_DIRECTIVES:
                found.append(Violation(f"{text} after preprocessing", line))
        elif kind == "dpi":
            found.append(Violation("DPI import/export (runs native code)", line))
        elif kind == "attribute":
            found.append(Violation("attribute (* ... *) (tool-specific semantics)", line))
        elif kind == "other" and text == "#" and not _is_parameter_list(items, i, modules, subprograms):
            found.append(Violation("# delay (synthesis ignores it; it can hide glitches)", line))
        elif kind in ("ident", "escaped"):
            if kind == "ident" and text in FORBIDDEN_KEYWORDS:
                found.append(Violation(FORBIDDEN_KEYWORDS[text], line))
            elif _is_dotted_head(items, i) and not (i and items[i - 1][1] == ".") and _name_of(items[i]) not in local:
                found.append(Violation(f"hierarchical reference {text}.{items[i + 2][1]}", line))
    return found


def _print_calls(items: list[tuple[str, str, int]]) -> list[tuple[int, int]]:
    """(first, last) token indices of each debug print call `$display(...)` that quiet_spans
    removes: a PRINT_TASKS name and its parenthesised arguments, with no directive or macro among
    them (removing half a conditional or a `define would change what the rest of the text means)."""
    calls = []
    for i, (kind, text, _line) in enumerate(items):
        if kind != "system" or text not in PRINT_TASKS:
            continue
        if i + 1 < len(items) and items[i + 1][1] == "(":
            end = _after_group(items, i + 1, "(", ")")
            inner = items[i + 1:end]
            if inner[-1][1] != ")" or any(k in ("directive", "paste") for k, _t, _l in inner):
                continue
            calls.append((i, end - 1))
        else:
            calls.append((i, i))
    return calls


def _print_argument_indices(items: list[tuple[str, str, int]]) -> set[int]:
    return {j for first, last in _print_calls(items) for j in range(first + 1, last + 1)}


def quiet_spans(source: str) -> list[tuple[int, int]]:
    """Character spans of the debug print calls in `source` (see _print_calls), for prepare()."""
    matches = [m for m in TOKEN.finditer(source) if m.lastgroup not in ("comment", "string") and not m.group().isspace()]
    items = [(m.lastgroup, m.group(), 0) for m in matches]
    return [(matches[first].start(), matches[last].end()) for first, last in _print_calls(items)]


SILENT_PRINT = '$write("")'  # prints nothing; a statement wherever the print was (`initial ;` is not)


def silence_prints(source: str) -> str:
    """The text with every debug print call replaced by SILENT_PRINT, padded with blanks (newlines
    and line-continuing backslashes kept, so line numbers and macro bodies stay)."""
    out, pos = [], 0
    for start, end in quiet_spans(source):
        out.append(source[pos:start])
        rest = re.sub(r"\\(?=\r?\n)|[^\n]", lambda m: m.group() if m.group() == "\\" else " ",
                      source[start:end])
        line_end = rest.find("\n")
        head = rest if line_end < 0 else rest[:line_end]
        continued = head.endswith("\\")  # the call went on in the next line of a macro body
        out.append(SILENT_PRINT + " " * max(1, len(head) - len(SILENT_PRINT) - continued)
                   + ("\\" if continued else ""))
        if line_end >= 0:
            out.append(rest[line_end:])
        pos = end
    out.append(source[pos:])
    return "".join(out)


def format_violations(items: list[tuple[str, str, int]]) -> list[Violation]:
    """Formats of the string-producing system functions (STRING_FORMATTERS): literals holding only
    value specifiers; `items` are lexed tokens with strings (comments dropped)."""
    found = []
    for i, (kind, text, line) in enumerate(items):
        if kind != "system" or text not in STRING_FORMATTERS:
            continue
        if i + 1 >= len(items) or items[i + 1][1] != "(":
            continue
        args, depth, arg = [], 0, []
        for tok in items[i + 2:]:
            if tok[1] in ("(", "[", "{"):
                depth += 1
            elif tok[1] in (")", "]", "}"):
                if depth == 0:
                    break
                depth -= 1
            elif tok[1] == "," and depth == 0:
                args.append(arg)
                arg = []
                continue
            arg.append(tok)
        args.append(arg)
        position = STRING_FORMATTERS[text]
        if position is not None and (len(args) <= position or len(args[position]) != 1
                                     or args[position][0][0] != "string"):
            found.append(Violation(f"{text} with a format that is not a string literal (it could hold %m)", line))
        for tok in (t for a in args for t in a if t[0] == "string"):
            for spec in _SPECIFIER.findall(decode_string(tok[1][1:-1])):
                if spec not in VALUE_SPECIFIERS:
                    found.append(Violation(f"format %{spec} in {text} (it shows where the design runs)", tok[2]))
                    break
    return found


_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))", re.S)


def decode_string(body: str) -> str:
    """A string literal's characters after escapes (`"\\045m"` is `%m` to the formatter)."""
    simple = {"n": "\n", "t": "\t", "v": "\v", "f": "\f", "a": "\a"}

    def repl(m: re.Match) -> str:
        if m.group(1):
            return chr(int(m.group(1), 8) & 0xFF)
        if m.group(2):
            return chr(int(m.group(2), 16))
        return simple.get(m.group(3), m.group(3))

    return _ESCAPE.sub(repl, body)


def _is_parameter_list(items: list[tuple[str, str, int]], i: int, modules: set[str],
                       subprograms: set[str]) -> bool:
    """`module m #(`, or `m #(...) inst (` / `inst [..] (` for a module m the candidate defines.

    Anything else after `#` is a delay: `#1`, `#(1) q <= d`, `begin : blk #(1) task_call(x)`.
    """
    if i + 1 >= len(items) or items[i + 1][1] != "(" or i == 0:
        return False
    prev = items[i - 1]
    if i >= 2 and items[i - 2][1] in DEFINITION_PAIRS:
        return True  # a definition's own parameter port list
    if _name_of(prev) not in modules:
        return False
    j = _after_group(items, i + 1, "(", ")")
    if j >= len(items) or items[j][0] not in ("ident", "escaped") or _name_of(items[j]) in subprograms:
        return False
    j += 1
    while j < len(items) and items[j][1] == "[":
        j = _after_group(items, j, "[", "]")
    return j < len(items) and items[j][1] == "("


def _subprogram_names(items: list[tuple[str, str, int]]) -> set[str]:
    """Every name between `task`/`function` and the `(` or `;` that ends its header (the name and,
    harmlessly, return types and `automatic`), escaped names without their backslash."""
    names, inside = set(), False
    for kind, text, _line in items:
        if kind == "ident" and text in ("task", "function"):
            inside = True
        elif inside and text in ("(", ";"):
            inside = False
        elif inside and kind in ("ident", "escaped"):
            names.add(_name_of((kind, text, _line)))
    return names


def _after_group(items: list[tuple[str, str, int]], j: int, open_: str, close: str) -> int:
    """Index just past the bracket group that opens at j."""
    depth = 0
    while j < len(items):
        depth += (items[j][1] == open_) - (items[j][1] == close)
        j += 1
        if depth == 0:
            break
    return j


def _name_of(token: tuple[str, str, int]) -> str:
    """An identifier's name: `\\helper ` and `helper` are the same name."""
    return token[1][1:] if token[0] == "escaped" else token[1]


def _top_level_violations(items: list[tuple[str, str, int]]) -> list[Violation]:
    found, closing, directive_line = [], None, -1
    for kind, text, line in items:
        if closing is not None:
            if kind == "ident" and text == closing:
                closing = None
        elif kind == "ident" and text in DEFINITION_PAIRS:
            closing = DEFINITION_PAIRS[text]
        elif kind == "directive" and text in TOP_LEVEL_DIRECTIVES:
            directive_line = line  # its arguments follow on the same line
        elif line != directive_line and kind != "attribute":
            found.append(Violation(f"{text!r} outside a module (declares into the shared $unit scope)",
                                   line))
            break
    return found


def _is_dotted_head(items: list[tuple[str, str, int]], i: int) -> bool:
    return i + 2 < len(items) and items[i + 1][1] == "." and items[i + 2][0] in ("ident", "escaped")


def declares_inout(source: str) -> bool:
    """True when any module of the text has an inout port (it could drive the nets it is wired to)."""
    return any(kind == "ident" and text == "inout" for kind, text, _line in tokenize(source))


def preprocessor() -> Preprocessor:
    """The first installed simulator's own preprocessor, in registry order: the reference
    simulator's (what the default backend compiles), another one's where only it exists."""
    for cls in BACKENDS.values():
        backend = cls()
        if shutil.which(backend.executables[0]):
            return backend.preprocessor("in.v", "pre.v", keep_comments=True)
    needs = " or ".join(cls().executables[0] for cls in BACKENDS.values())
    raise PreprocessError(f"no Verilog preprocessor found (needs {needs})")


def preprocess(source: str, limits: Limits = Limits(wall_seconds=10.0, memory_bytes=512 << 20,
                                                     file_bytes=16 << 20)) -> str:
    """The text after the simulator's preprocessor, run on the candidate alone under limits."""
    pre = preprocessor()
    with sandbox_dir("codev-pp-") as wd:
        (wd / "in.v").write_text(source)
        result = run_limited(pre.argv, wd, limits)
        if not result.ok:
            why = "timed out" if result.timed_out else (result.stderr or result.stdout).strip()[-300:]
            raise PreprocessError(f"the preprocessor failed: {why.replace(str(wd) + os.sep, '')}")
        out = wd / pre.output if pre.output else None
        return out.read_text(errors="replace") if out is not None and out.exists() else result.stdout


def needs_preprocessor(source: str) -> bool:
    """False when the preprocessor would hand the text through unchanged: no macro is defined,
    used or tested (only directives the parser itself reads, such as `timescale)."""
    return any("`" in text and text not in TOP_LEVEL_DIRECTIVES for _kind, text, _line in tokenize(source))


def scan(source: str) -> list[Violation]:
    """Every rule, on the raw text and on what the compiler will see; [] means the text may compile."""
    found = text_violations(source)
    if any(v.construct.startswith(("`include", "control", "lone", "line separator", "non-ASCII")) for v in found):
        return found  # never handed to a preprocessor: it would read files or lex differently
    found += code_violations(source, expanded=False)
    expanded = source  # without macros the preprocessor hands the text through unchanged
    if needs_preprocessor(source):
        try:
            expanded = preprocess(source)
        except PreprocessError as exc:
            return (found + [Violation(str(exc), 0)])[:MAX_VIOLATIONS]
    seen = {v.construct for v in found}
    for v in code_violations(expanded) + comment_violations(lex(expanded)):
        if v.construct not in seen:
            found.append(v)
            seen.add(v.construct)
    return found[:MAX_VIOLATIONS]


@dataclass
class PreparedSource:
    text: str  # what the simulator compiles
    trailer: str  # compiled right after `text`, as its own file: undefines the candidate's macros
    top: str  # the top module's new name
    renamed: dict[str, str]  # original definition name -> new name


_DEFINITION_KEYWORDS = set(DEFINITION_PAIRS)
_SIMPLE_NAME = re.compile(r"[A-Za-z_][\w$]*\Z", re.A)


def definitions(source: str) -> list[tuple[str, str]]:
    """(kind, name) of each module/package/interface/primitive the source defines.

    An escaped name is given without its backslash (`\\helper ` defines `helper`)."""
    return _definitions(tokenize(source))


def _definitions(items: list[tuple[str, str, int]]) -> list[tuple[str, str]]:
    defs = []
    for i, (kind, text, _line) in enumerate(items[:-1]):
        if kind != "ident" or text not in _DEFINITION_KEYWORDS or (i and items[i - 1][1] in ("virtual", "::")):
            continue
        j = i + 1
        if items[j][1] in ("automatic", "static") and j + 1 < len(items):
            j += 1
        if items[j][0] in ("ident", "escaped"):
            defs.append((text, _name_of(items[j])))
    return defs


def _strip_comments_and_strings(source: str) -> str:
    def repl(m: re.Match) -> str:
        if m.lastgroup in ("comment", "string"):
            return re.sub(r"[^\n]", " ", m.group())
        return m.group()

    return TOKEN.sub(repl, source)


def defined_macros(source: str) -> list[str]:
    code = _strip_comments_and_strings(source)
    return sorted(set(re.findall(r"`define\s+([A-Za-z_]\w*)", code)))


def prepare(source: str, top: str, suffix: str, display_name: str) -> PreparedSource:
    """Rename definitions with a secret suffix and fence the text with directives.

    Identifiers equal to a defined name are renamed everywhere in the code (not in comments or
    strings), so instantiations follow; a signal that happens to share a module's name is renamed
    consistently and keeps its meaning. Escaped names are renamed too (`\\helper ` is `helper`); one
    that is not a plain identifier becomes a plain one, so the harness can instantiate it.
    """
    names = sorted({name for _kind, name in definitions(source)})
    renamed = {}
    for n, name in enumerate(names):
        plain = name if _SIMPLE_NAME.match(name) else f"escaped{n}"
        renamed[name] = f"{plain}__{suffix}"

    def repl(m: re.Match) -> str:
        kind, text = m.lastgroup, m.group()
        name = text[1:] if kind == "escaped" else text
        if kind in ("ident", "escaped") and name in renamed:
            start = m.start()
            if start and source[start - 1] == "`":
                return text
            return renamed[name]
        return text

    body = TOKEN.sub(repl, silence_prints(source))
    trailer = "".join(f"`undef {name}\n" for name in defined_macros(source)) + "`resetall\n"
    header = f'`resetall\n`timescale 1ns/1ps\n`line 1 "{display_name}" 0\n'
    text = header + body + ("\n" if not body.endswith("\n") else "")
    top_name = top[1:].rstrip() if top.startswith("\\") else top
    return PreparedSource(text=text, trailer=trailer, top=renamed.get(top_name, top), renamed=renamed)
