"""RTLLM (v1.1 and v2): one folder per design, `<design>.v` beside its testbench, pass iff the simulation
prints "Pass"/"pass".

Its quirks: the reference `verified_<top>.v` is renamed to the module the testbench instantiates; the
simulation runs in a private copy of the design folder (testbenches read data files there); categories
come from v2's File_list.md; its prompt is the design description; sample folders hold `t1.v ...`,
`<design>_N.v` or `tN/<design>.v`.
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from testbench_gen.containment.sandbox import clean_paths, run_limited

from codev.llm.prompts import ChatPrompt

from .. import rules
from ..extract import extract_code
from ..flow import Bounds, Scored, compile_step, copy_tree_writable, excerpt, limits
from ..problem import BenchmarkError, BenchmarkSpec, Problem
from ..records import CODE, Answer, SamplesError
from ..tools import Icarus
from .base import Assembled, Flavour, own_benchmarks, read_sample_text

_MODULE_DECL = re.compile(r"^\s*module\s+(\w+)", re.M)
_TRIAL_FILE = re.compile(r"^t(\d+)\.s?v$")
_TRIAL_DIR = re.compile(r"^t(\d+)$")


def reference_top(source: str) -> str:
    """The module of `source` that no other module of it instantiates."""
    names = _MODULE_DECL.findall(source)
    if not names:
        raise BenchmarkError("reference defines no module")
    tops = [n for n in names if not re.search(rf"^\s*{n}\s*(#|\w+\s*\()", source, re.M)]
    return tops[-1] if tops else names[-1]


def _instantiates(testbench: str, name: str) -> bool:
    return re.search(rf"^\s*{re.escape(name)}\s*(#|\w+\s*\()", testbench, re.M) is not None


def _categories(folder: Path) -> dict[str, str]:
    """Design -> top-level category from RTLLM v2's File_list.md (v1.1's designs are a subset)."""
    for candidate in (folder / "File_list.md", folder.parent / "rtllm_v2" / "File_list.md"):
        if candidate.is_file():
            text = candidate.read_text(encoding="utf-8")
            break
    else:
        return {}
    categories: dict[str, str] = {}
    current = "uncategorized"
    for line in text.splitlines():
        top = re.match(r"^\d+\.\s+(.+?)\s*$", line)
        if top:
            current = top.group(1).replace(" Modules", "").strip()
            continue
        item = re.match(r"^\s{6,}-\s+\**([A-Za-z0-9_]+)\**\s*$", line)
        if item:
            # File_list.md misspells two designs (multi_pipie_*)
            categories[item.group(1).replace("pipie", "pipe")] = current
    return categories


def _numbered(files: list[tuple[int, Path]]) -> list[tuple[int, Path]]:
    """Sample files in numeric order, indexed from 0 (t1.v -> 0, accu_3.v after accu_2.v)."""
    return [(i, f) for i, (_, f) in enumerate(sorted(files))]


class Rtllm(Flavour):
    name = "rtllm"
    sample_format = "rtllm"
    samples_are_folder = True
    sample_hint = "RTLLM t1.v / <design>.v files"

    def load(self, spec: BenchmarkSpec, folder: Path) -> list[Problem]:
        categories = _categories(folder)
        problems = []
        for design_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
            testbench_file = design_dir / "testbench.v"
            refs = sorted(design_dir.glob("verified_*.v"))
            description = design_dir / "design_description.txt"
            if not (testbench_file.is_file() and refs and description.is_file()):
                continue  # not a design folder
            name = design_dir.name
            testbench = testbench_file.read_text(encoding="utf-8")
            reference = refs[0].read_text(encoding="utf-8")
            ref_top = reference_top(reference)
            stripped = ref_top.removeprefix("verified_")
            dut = stripped if _instantiates(testbench, stripped) else name
            renamed = re.sub(rf"(\bmodule\s+){re.escape(ref_top)}\b", rf"\g<1>{dut}", reference)
            problems.append(
                Problem(
                    id=name,
                    benchmark=spec.name,
                    prompt=description.read_text(encoding="utf-8"),
                    header="",
                    reference=renamed,
                    testbench=testbench,
                    rule=spec.rule,
                    category=categories.get(name, "uncategorized"),
                    top=dut,
                    data_dir=design_dir,
                )
            )
        if not problems:
            raise BenchmarkError(f"{folder}: no RTLLM design folders (testbench.v + verified_*.v)")
        return problems

    def official_prompt(self, problem: Problem) -> ChatPrompt:
        return ChatPrompt(None, problem.prompt)  # RTLLM's prompt is its design description

    def extract(self, problem: Problem, response: str) -> Assembled:
        """RTLLM's flow starts from `<design>.v` files and defines no way from a chat response to one, so
        a response becomes a file by codev's extractor."""
        found = extract_code(response)
        return Assembled(found.code, found.source)

    def run(self, problem: Problem, source: str, work: Path, bounds: Bounds, icarus: Icarus) -> Scored:
        design = work / "design"
        if problem.data_dir is not None:
            copy_tree_writable(problem.data_dir, design)
        else:
            design.mkdir()
        (design / "testbench.v").write_text(problem.testbench, encoding="utf-8")
        answer = f"{problem.id}.v"
        (design / answer).write_text(source, encoding="utf-8")
        # mirrors `vcs -sverilog +v2k -timescale=1ns/1ns`
        (design / "cmd.f").write_text("+timescale+1ns/1ns\n", encoding="utf-8")
        comp = compile_step(
            [icarus.iverilog, "-g2012", "-c", "cmd.f", "-o", "simv.vvp", answer, "testbench.v"], design, bounds
        )
        log, seconds, timed_out = comp.stdout + comp.stderr, comp.seconds, False
        compile_ok = comp.ok and (design / "simv.vvp").exists()
        output = ""
        if compile_ok:
            sim = run_limited([icarus.vvp, "-n", "simv.vvp"], design, limits(bounds.rtllm_s))
            output = sim.stdout + sim.stderr
            log += output
            seconds += sim.seconds
            timed_out = sim.timed_out
        outcome = rules.rtllm(compile_ok, output, timed_out)
        return Scored(outcome.verdict, outcome.code, excerpt(clean_paths(log, design)), seconds)

    def claims(self, path: Path, file_names: list[str], selected_rules: set[str]) -> bool:
        return path.is_dir() and any(n.endswith(".v") or n.endswith(".sv") for n in file_names)

    def read_samples(self, path: Path, known: dict[str, set[str]], rules: dict[str, str]) -> list[Answer]:
        names = own_benchmarks(known, rules, self.name, "RTLLM", path)
        designs = set().union(*(known[n] for n in names))
        per_design: dict[str, list[tuple[int, Path]]] = defaultdict(list)
        trial_dirs = [d for d in path.iterdir() if d.is_dir() and _TRIAL_DIR.match(d.name)]
        if trial_dirs:  # t1/<design>.v, t2/<design>.v, ...
            for trial in trial_dirs:
                number = int(_TRIAL_DIR.match(trial.name).group(1))
                for file in trial.iterdir():
                    if file.is_file() and file.suffix in (".v", ".sv"):
                        per_design[file.stem].append((number, file))
        else:  # <design>/t1.v or <design>/<design>_1.v
            for folder in (d for d in path.iterdir() if d.is_dir()):
                own = re.compile(rf"^{re.escape(folder.name)}_(\d+)\.s?v$")
                for file in folder.iterdir():
                    match = _TRIAL_FILE.match(file.name) or own.match(file.name)
                    if match and file.is_file():
                        per_design[folder.name].append((int(match.group(1)), file))
        unknown = sorted(set(per_design) - designs)
        if unknown:
            raise SamplesError(f"{path}: design {unknown[0]!r} is not a problem of {', '.join(names)} ({len(unknown)} unknown)")
        answers = [
            Answer(name, design, index, read_sample_text(file), CODE, str(file))
            for design, files in sorted(per_design.items())
            for index, file in _numbered(files)
            for name in names
            if design in known[name]
        ]
        if not answers:
            raise SamplesError(f"{path}: no RTLLM sample files (<design>/t1.v, <design>/<design>_1.v or t1/<design>.v)")
        return answers
