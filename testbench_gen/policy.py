"""What an untrusted candidate may contain, and how it is made safe to compile beside others.

A candidate is written by a model that is rewarded for passing. Everything that could reach outside
its own modules is rejected by name: file and process access, ending the simulation, includes,
`$root` and hierarchical names that leave the candidate, force/release, bind, DPI. What remains is
contained: module/package names get a secret suffix (no collisions, no way to instantiate something
that is not the candidate's own), macros are undefined after the candidate's text, and every source
section starts from `resetall` so directives cannot leak into the next one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# System tasks and functions a synthesizable (or debug-printing) design may use. Anything else,
# e.g. $finish, $fopen, $system, $readmemh, $dumpfile, $value$plusargs, is rejected.
ALLOWED_SYSTEM_NAMES = frozenset({
    "$signed", "$unsigned", "$clog2", "$bits", "$size", "$high", "$low", "$left", "$right",
    "$increment", "$dimensions", "$unpacked_dimensions", "$countones", "$onehot", "$onehot0",
    "$isunknown", "$countbits", "$display", "$displayb", "$displayh", "$displayo", "$write",
    "$writeb", "$writeh", "$writeo", "$strobe", "$strobeb", "$strobeh", "$strobeo", "$monitor",
    "$monitorb", "$monitorh", "$monitoro", "$monitoron", "$monitoroff", "$time", "$stime",
    "$realtime", "$random", "$urandom", "$urandom_range", "$dist_uniform", "$itor", "$rtoi",
    "$realtobits", "$bitstoreal", "$shortrealtobits", "$bitstoshortreal", "$ln", "$log10",
    "$exp", "$sqrt", "$pow", "$floor", "$ceil", "$sin", "$cos", "$tan", "$asin", "$acos",
    "$atan", "$atan2", "$hypot", "$sinh", "$cosh", "$tanh", "$asinh", "$acosh", "$atanh",
    "$sformatf", "$sformat", "$swrite", "$info", "$warning", "$error", "$timeformat",
    "$printtimescale", "$past", "$rose", "$fell", "$stable", "$changed", "$sampled", "$cast",
    "$typename", "$isunbounded", "$psprintf",
})

ALLOWED_DIRECTIVES = frozenset({
    "define", "undef", "ifdef", "ifndef", "elsif", "else", "endif", "timescale",
    "default_nettype", "resetall", "celldefine", "endcelldefine", "unconnected_drive",
    "nounconnected_drive", "begin_keywords", "end_keywords", "pragma", "line",
})

FORBIDDEN_KEYWORDS = {
    "force": "force (overrides signals outside the candidate)",
    "release": "release (pairs with force)",
    "bind": "bind (injects code into other modules)",
    "config": "config blocks",
    "library": "library declarations",
}

_TOKEN = re.compile(
    r"""
    (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:\\.|[^"\\\n])*")
  | (?P<escaped>\\\S+)
  | (?P<directive>`[A-Za-z_]\w*)
  | (?P<system>\$[A-Za-z_][\w$]*)
  | (?P<dpi>\b(?:import|export)\s+"DPI(?:-C)?")
  | (?P<ident>[A-Za-z_][\w$]*)
  | (?P<dot>\.)
  | (?P<other>.)
    """,
    re.S | re.X,
)


@dataclass(frozen=True)
class Violation:
    construct: str  # e.g. "$fopen", "`include", "force", "hierarchical reference tb.q"
    line: int

    def __str__(self) -> str:
        return f"{self.construct} (line {self.line})"


def tokenize(source: str) -> list[tuple[str, str, int]]:
    """(kind, text, line) of each code token; comments, strings and whitespace dropped."""
    items, line = [], 1
    for m in _TOKEN.finditer(source):
        kind, text = m.lastgroup, m.group()
        if kind not in ("comment", "string") and not text.isspace():
            items.append((kind, text, line))
        line += text.count("\n")
    return items


def scan(source: str) -> list[Violation]:
    items = tokenize(source)
    found: list[Violation] = []
    # `a.b` may only start from a name the candidate itself uses plainly (an instance, a generate
    # block, a struct variable): such a name resolves locally before any upward lookup. The
    # testbench's names carry a secret token, so this is a second fence, not the only one.
    local = {text for i, (kind, text, _l) in enumerate(items)
             if kind == "ident" and not _is_dotted_head(items, i) and not (i and items[i - 1][1] == ".")}
    for i, (kind, text, line) in enumerate(items):
        if kind == "system":
            if text == "$root":
                found.append(Violation("$root (reaches the testbench)", line))
            elif text == "$unit":
                continue
            elif text not in ALLOWED_SYSTEM_NAMES:
                found.append(Violation(f"system task {text}", line))
        elif kind == "directive":
            name = text[1:]
            if name == "include":
                found.append(Violation("`include (reads files)", line))
            elif name in ("undefineall",):
                found.append(Violation(f"`{name}", line))
            elif name.startswith("__"):
                found.append(Violation(f"`{name} (reveals the sandbox)", line))
        elif kind == "dpi":
            found.append(Violation("DPI import/export (runs native code)", line))
        elif kind == "ident":
            if text in FORBIDDEN_KEYWORDS:
                found.append(Violation(FORBIDDEN_KEYWORDS[text], line))
            elif _is_dotted_head(items, i) and not (i and items[i - 1][1] == ".") and text not in local:
                found.append(Violation(f"hierarchical reference {text}.{items[i + 2][1]}", line))
    return found


def _is_dotted_head(items: list[tuple[str, str, int]], i: int) -> bool:
    return i + 2 < len(items) and items[i + 1][1] == "." and items[i + 2][0] == "ident"


@dataclass
class PreparedSource:
    text: str  # what the simulator compiles
    trailer: str  # compiled right after `text`, as its own file: undefines the candidate's macros
    top: str  # the top module's new name
    renamed: dict[str, str]  # original definition name -> new name


_DEFINITION_KEYWORDS = {"module", "macromodule", "interface", "program", "package", "primitive", "checker"}


def definitions(source: str) -> list[tuple[str, str]]:
    """(kind, name) of each module/package/interface/primitive the source defines."""
    items = tokenize(source)
    defs = []
    for i, (kind, text, _line) in enumerate(items[:-1]):
        if kind != "ident" or text not in _DEFINITION_KEYWORDS or (i and items[i - 1][1] in ("virtual", "::")):
            continue
        j = i + 1
        if items[j][1] in ("automatic", "static") and j + 1 < len(items):
            j += 1
        if items[j][0] == "ident":
            defs.append((text, items[j][1]))
    return defs


def _strip_comments_and_strings(source: str) -> str:
    def repl(m: re.Match) -> str:
        if m.lastgroup in ("comment", "string"):
            return re.sub(r"[^\n]", " ", m.group())
        return m.group()

    return _TOKEN.sub(repl, source)


def defined_macros(source: str) -> list[str]:
    code = _strip_comments_and_strings(source)
    return sorted(set(re.findall(r"`define\s+([A-Za-z_]\w*)", code)))


def prepare(source: str, top: str, suffix: str, display_name: str) -> PreparedSource:
    """Rename definitions with a secret suffix and fence the text with directives.

    Identifiers equal to a defined name are renamed everywhere in the code (not in comments or
    strings), so instantiations follow; a signal that happens to share a module's name is renamed
    consistently and keeps its meaning.
    """
    names = {name for _kind, name in definitions(source)}
    renamed = {name: f"{name}__{suffix}" for name in names}

    def repl(m: re.Match) -> str:
        if m.lastgroup == "ident" and m.group() in renamed:
            start = m.start()
            if start and source[start - 1] == "`":
                return m.group()
            return renamed[m.group()]
        return m.group()

    body = _TOKEN.sub(repl, source)
    trailer = "".join(f"`undef {name}\n" for name in defined_macros(source)) + "`resetall\n"
    header = f'`resetall\n`timescale 1ns/1ps\n`line 1 "{display_name}" 0\n'
    text = header + body + ("\n" if not body.endswith("\n") else "")
    return PreparedSource(text=text, trailer=trailer, top=renamed.get(top, top), renamed=renamed)
