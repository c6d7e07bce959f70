"""Load the six benchmarks from their upstream layouts into one typed `Problem` list.

Everything downstream (prompting, scoring, reporting) sees only `Problem`, so a benchmark's quirks
(file naming, DUT renaming, interface files) are handled here and nowhere else.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .cvdp_answer import reference_code
from .cvdp_fetch import verify_fetched
from .cvdp_format import CvdpFormatError, CvdpTask, load_tasks

VERILOGEVAL_V1_RULE = "verilogeval-v1"
VERILOGEVAL_V2_RULE = "verilogeval-v2"
RTLLM_RULE = "rtllm"
CVDP_RULE = "cvdp"  # each datapoint's own cocotb harness (cvdp_harness.py)


@dataclass(frozen=True)
class BenchmarkSpec:
    name: str
    folder: str  # under the bench root
    rule: str  # which official pass rule scores it
    variant: str  # v1: Human/Machine; v2: dataset task; rtllm: ""
    optional: bool = False  # fetched on its own (`codev bench fetch cvdp`): not part of "all"


BENCHMARKS: dict[str, BenchmarkSpec] = {
    spec.name: spec
    for spec in (
        BenchmarkSpec("verilogeval-v1-human", "verilogeval_v1", VERILOGEVAL_V1_RULE, "Human"),
        BenchmarkSpec("verilogeval-v1-machine", "verilogeval_v1", VERILOGEVAL_V1_RULE, "Machine"),
        BenchmarkSpec("verilogeval-v2-spec-to-rtl", "verilogeval_v2", VERILOGEVAL_V2_RULE, "spec-to-rtl"),
        BenchmarkSpec(
            "verilogeval-v2-code-complete", "verilogeval_v2", VERILOGEVAL_V2_RULE, "code-complete-iccad2023"
        ),
        BenchmarkSpec("rtllm-v1.1", "rtllm_v1_1", RTLLM_RULE, ""),
        BenchmarkSpec("rtllm-v2", "rtllm_v2", RTLLM_RULE, ""),
        BenchmarkSpec("cvdp", "cvdp", CVDP_RULE, "", optional=True),
        # CVDP's agentic datapoints answered in one shot, as its --force-copilot does
        BenchmarkSpec("cvdp-agentic", "cvdp", CVDP_RULE, "agentic", optional=True),
    )
}
# what "all" means: the benchmarks of the shared data folder (`codev bench fetch` without a name)
DEFAULT_BENCHMARKS = tuple(name for name, spec in BENCHMARKS.items() if not spec.optional)


@dataclass(frozen=True)
class Problem:
    """One benchmark problem, with everything needed to prompt for it and to score an answer."""

    id: str  # the benchmark's own task id (task_id / ProbNNN_name / design folder name)
    benchmark: str  # key of BENCHMARKS
    prompt: str  # the task as the benchmark words it (description, prompt.txt, design_description.txt)
    header: str  # interface an answer completes (v1 prompt, v2 code-complete _ifc.txt); "" when none
    reference: str  # the benchmark's reference, its top renamed to `top`
    testbench: str  # testbench source
    rule: str  # official pass rule: one of the *_RULE constants
    category: str
    top: str  # module name the testbench instantiates
    support: str = ""  # extra source compiled with every answer (VerilogEval v2 `_ref.sv`)
    data_dir: Path | None = None  # RTLLM: design folder, the simulation's working directory
    task_variant: str = ""  # VerilogEval v2 task name (selects the official prompt template)
    cvdp: CvdpTask | None = None  # CVDP: the datapoint (context files, harness, outputs)
    skip: str = ""  # why it is listed but not scored (CVDP: agentic, commercial tools, ...)

    @property
    def key(self) -> tuple[str, str]:
        return (self.benchmark, self.id)


class BenchmarkError(Exception):
    """The benchmark folder is missing or does not have the upstream layout."""


def load_benchmark(name: str, root: Path) -> list[Problem]:
    """All problems of benchmark `name` read from `root` (the folder holding verilogeval_v1/ etc.)."""
    if name not in BENCHMARKS:
        raise BenchmarkError(f"unknown benchmark {name!r} (known: {', '.join(BENCHMARKS)})")
    spec = BENCHMARKS[name]
    folder = Path(root) / spec.folder
    if not folder.is_dir():
        hint = f"`codev bench fetch {spec.folder}` fills it" if spec.optional else "is --bench-root right?"
        raise BenchmarkError(f"{folder}: benchmark folder not found ({hint})")
    if spec.rule == VERILOGEVAL_V1_RULE:
        return _load_verilogeval_v1(spec, folder)
    if spec.rule == VERILOGEVAL_V2_RULE:
        return _load_verilogeval_v2(spec, folder)
    if spec.rule == CVDP_RULE:
        return _load_cvdp(spec, folder)
    return _load_rtllm(spec, folder)


def _read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        raise BenchmarkError(f"{path}: missing")
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise BenchmarkError(f"{path}:{lineno}: not JSON ({exc.msg})") from None
    return rows


_CLOCK_PORT = re.compile(r"\binput\b[^;,)]*?\bclk\b")


def interface_category(interface: str) -> str:
    """VerilogEval has no official categories; split by whether the interface has a clock."""
    return "sequential" if _CLOCK_PORT.search(interface) else "combinational"


def _load_verilogeval_v1(spec: BenchmarkSpec, folder: Path) -> list[Problem]:
    data = _read_jsonl(folder / "data" / f"VerilogEval_{spec.variant}.jsonl")
    descriptions = {
        row["task_id"]: row["detail_description"]
        for row in _read_jsonl(folder / "descriptions" / f"VerilogDescription_{spec.variant}.jsonl")
    }
    problems = []
    for row in data:
        task_id = row["task_id"]
        if task_id not in descriptions:
            raise BenchmarkError(f"{folder}: no description for {task_id}")
        problems.append(
            Problem(
                id=task_id,
                benchmark=spec.name,
                prompt=descriptions[task_id],
                header=row["prompt"],
                # complete module; the harness strips the header again and compiles exactly the
                # official test + "\n" + prompt + "\n" + canonical_solution
                reference=row["prompt"] + row["canonical_solution"],
                testbench=row["test"],
                rule=spec.rule,
                category=interface_category(row["prompt"]),
                top="top_module",
            )
        )
    return sorted(problems, key=lambda p: p.id)


def _load_verilogeval_v2(spec: BenchmarkSpec, folder: Path) -> list[Problem]:
    dataset = folder / f"dataset_{spec.variant}"
    problems_file = dataset / "problems.txt"
    if not problems_file.is_file():
        raise BenchmarkError(f"{problems_file}: missing")
    problems = []
    for problem_id in problems_file.read_text().split():
        files = {kind: dataset / f"{problem_id}_{kind}" for kind in ("prompt.txt", "ref.sv", "test.sv", "ifc.txt")}
        for kind in ("prompt.txt", "ref.sv", "test.sv"):
            if not files[kind].is_file():
                raise BenchmarkError(f"{files[kind]}: missing")
        ref = files["ref.sv"].read_text(encoding="utf-8")
        header = files["ifc.txt"].read_text(encoding="utf-8") if files["ifc.txt"].is_file() else ""
        problems.append(
            Problem(
                id=problem_id,
                benchmark=spec.name,
                prompt=files["prompt.txt"].read_text(encoding="utf-8"),
                header=header,
                reference=re.sub(r"\bRefModule\b", "TopModule", ref),
                testbench=files["test.sv"].read_text(encoding="utf-8"),
                rule=spec.rule,
                category=interface_category(ref),
                top="TopModule",
                support=ref,
                task_variant=spec.variant,
            )
        )
    return problems


_MODULE_DECL = re.compile(r"^\s*module\s+(\w+)", re.M)


def reference_top(source: str) -> str:
    """The module of `source` that no other module of it instantiates."""
    names = _MODULE_DECL.findall(source)
    if not names:
        raise BenchmarkError("reference defines no module")
    tops = [n for n in names if not re.search(rf"^\s*{n}\s*(#|\w+\s*\()", source, re.M)]
    return tops[-1] if tops else names[-1]


def _instantiates(testbench: str, name: str) -> bool:
    return re.search(rf"^\s*{re.escape(name)}\s*(#|\w+\s*\()", testbench, re.M) is not None


def _rtllm_categories(folder: Path) -> dict[str, str]:
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


def _load_rtllm(spec: BenchmarkSpec, folder: Path) -> list[Problem]:
    categories = _rtllm_categories(folder)
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


def _load_cvdp(spec: BenchmarkSpec, folder: Path) -> list[Problem]:
    changed = verify_fetched(folder)
    if changed:
        raise BenchmarkError(f"{changed}; fetch it again (`codev bench fetch cvdp`)")
    agentic = spec.variant == "agentic"  # each datapoint belongs to one of cvdp / cvdp-agentic
    try:
        tasks = [t for t in load_tasks(folder, agentic_one_shot=agentic) if t.agentic == agentic]
    except CvdpFormatError as exc:
        raise BenchmarkError(str(exc)) from None
    return [
        Problem(
            id=task.id,
            benchmark=spec.name,
            prompt=task.prompt,
            header="",
            reference=reference_code(task),
            testbench="",
            rule=spec.rule,
            category=task.category_tag,
            top=task.toplevel,
            cvdp=task,
            skip=task.skip,
        )
        for task in tasks
    ]
