"""What a benchmark flavour is: one object per benchmark format, holding all of that format's quirks.

A flavour knows how its benchmark folder reads (`load`), how its problems are prompted (`prompt`), how
an answer becomes the file its official flow compiles (`official`, and codev's `repaired` salvage),
how that flow runs and is judged (`run`, with rules.py), and which sample layout its own harness writes
(`read_samples`). Everything else in codev/eval sees only `Problem`, `Assembled` and `Scored`, so adding
a benchmark in a known format is a registry row (data/benchmarks.yaml) and a new format is one module
here, listed in flavours/__init__.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from codev.llm.prompts import ChatPrompt, read_template
from codev.llm.prompts import template as model_template

from ..extract import extract_code
from ..flow import Bounds, Scored
from ..problem import BenchmarkSpec, Problem
from ..records import CODE, CONTINUATION, REFERENCE, Answer, SamplesError
from ..tools import Icarus
from ..verilog_text import declares_module, drop_trailer

OFFICIAL_STYLE = "official"
CODEV_R1_STYLE = "codev-r1"
STYLES = (OFFICIAL_STYLE, CODEV_R1_STYLE)
PROMPT_DIR = Path(__file__).resolve().parents[1] / "prompts"  # the benchmarks' prompt texts, diffable against upstream

# what the repaired variant did (report.md lists them per example)
FENCE = "code extracted from the response (fence/<answer>/[BEGIN])"
HEADER = "repeated module header removed"
TRAILER = "text after the last endmodule dropped"


def template(name: str) -> str:
    """A benchmark prompt text (codev/eval/prompts/<name>.txt)."""
    return read_template(PROMPT_DIR, name)


@dataclass(frozen=True)
class Assembled:
    source: str | None  # the answer file as the flow writes it; None: nothing to compile (no-code)
    extraction: str  # how the text became code ("verbatim", "sv-generate", "fence", "reference", ...)
    repairs: tuple[str, ...] = ()  # empty for official


def extracted(answer: Answer) -> tuple[str | None, str, tuple[str, ...]]:
    """Fenced code out of a response (a harness-written file or a continuation keeps its text)."""
    found = extract_code(answer.completion)
    if found.source in ("fence", "answer", "begin-done", "any-fence"):
        return found.code, found.source, (FENCE,)
    if answer.kind in (CODE, CONTINUATION):
        return answer.completion, "file" if answer.kind == CODE else "verbatim", ()
    return found.code, found.source, ()


def repaired_file(problem: Problem, answer: Answer) -> Assembled | None:
    """codev's salvage of a whole-file answer: its extractor, the interface added, a trailer dropped."""
    code, source, repairs = extracted(answer)
    if code is None or not code.strip():
        return None
    if problem.header and not declares_module(code, problem.top):
        code = problem.header + "\n" + code  # code-complete: the body of the given interface
    trimmed = drop_trailer(code)
    if trimmed != code:
        code, repairs = trimmed, repairs + (TRAILER,)
    return Assembled(code, source, repairs or ("codev's extractor instead of sv-generate's",))


class Flavour:
    """One benchmark format. Subclasses set `name` (the registry's `rule`) and implement `load`,
    `official_prompt`, `extract` and `run`; the rest has the common behaviour of whole-file answers."""

    name: str = ""
    # sample reading: the --sample-format name of the layout this format's own harness writes (None: none),
    # whether that layout is a folder, and what its files look like (for the "no sample files" message)
    sample_format: str | None = None
    samples_are_folder: bool = False
    sample_hint: str = ""

    # ---------------------------------------------------------------- reading the benchmark
    def load(self, spec: BenchmarkSpec, folder: Path) -> list[Problem]:
        raise NotImplementedError

    # ---------------------------------------------------------------- prompting
    def official_prompt(self, problem: Problem) -> ChatPrompt:
        raise NotImplementedError

    def codev_r1_question(self, problem: Problem) -> str:
        """The question CodeV-R1's prep scripts build before adding its system prompt."""
        return problem.prompt

    def prompt(self, problem: Problem, style: str) -> ChatPrompt:
        if style == CODEV_R1_STYLE:
            return ChatPrompt(model_template("codev_r1_system"), self.codev_r1_question(problem).strip() + "\n")
        if style != OFFICIAL_STYLE:
            raise ValueError(f"unknown prompt style {style!r} (known: {', '.join(STYLES)})")
        return self.official_prompt(problem)

    # ---------------------------------------------------------------- answer -> the file the flow compiles
    def extract(self, problem: Problem, response: str) -> Assembled:
        """The answer file this format's own flow makes of a raw chat response."""
        raise NotImplementedError

    def official(self, problem: Problem, answer: Answer) -> Assembled:
        """What the benchmark's own harness would compile, byte for byte (see assemble.py)."""
        text = answer.completion
        if answer.kind == REFERENCE:
            return Assembled(text, "reference")
        if answer.kind == CODE:
            return Assembled(text, "file") if text.strip() else Assembled(None, "none")
        return self.extract(problem, text)

    def repaired(self, problem: Problem, answer: Answer) -> Assembled | None:
        """codev's salvage of an answer the official flow rejects for its form; None: none applies."""
        if answer.kind == REFERENCE:
            return None
        return repaired_file(problem, answer)

    # ---------------------------------------------------------------- scoring
    def run(self, problem: Problem, source: str, work: Path, bounds: Bounds, icarus: Icarus) -> Scored:
        """Build the official flow's files in `work` (a private sandbox folder), run it, judge it."""
        raise NotImplementedError

    def setup_note(self, bounds: Bounds) -> str:
        """What besides Icarus and the bounds can change this format's verdicts ("" when nothing)."""
        return ""

    def tool_versions(self) -> dict[str, str]:
        """Tools besides Icarus this format's flow runs, with their versions (summary.json's `tools`)."""
        return {}

    def equivalence_pair(self, problem: Problem, code: str) -> tuple[str, str] | str:
        """(golden, candidate) sources for the checker's second opinion (--equivalence), or why there are none."""
        return problem.reference, code  # the answer file as assemble.py wrote it

    # ---------------------------------------------------------------- samples in this format's own layout
    def claims(self, path: Path, file_names: list[str], selected_rules: set[str]) -> bool:
        """Whether --samples `path` looks like this format's layout (folders: the names of their files)."""
        return False

    def read_samples(self, path: Path, known: dict[str, set[str]], rules: dict[str, str]) -> list[Answer]:
        """Answers in this format's layout for the selected benchmarks (`known`: benchmark -> task ids,
        `rules`: benchmark -> flavour name)."""
        raise SamplesError(f"{path}: {self.name} has no sample layout of its own")


def read_sample_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise SamplesError(f"{path}: cannot read ({exc.strerror})") from None


def own_benchmarks(known: dict[str, set[str]], rules: dict[str, str], rule: str, what: str, path: Path) -> list[str]:
    """The selected benchmarks of flavour `rule`, or an error: samples of one format need its benchmark."""
    names = [name for name in known if rules[name] == rule]
    if not names:
        raise SamplesError(f"{path}: {what} samples need a {what} benchmark in --bench (selected: {', '.join(known)})")
    return names
