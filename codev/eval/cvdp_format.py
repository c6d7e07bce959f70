"""CVDP datapoints (NVIDIA's Comprehensive Verilog Design Problems): read, validate, classify.

CVDP ships one JSON object per datapoint, in JSONL files (its repository's example_dataset/) or as a
Hugging Face dataset (nvidia/cvdp-benchmark-dataset). Two shapes exist:
- non-agentic: {"id", "categories": ["cid003", "easy"], "input": {"prompt", "context": {path: text}},
  "output": {"response", "context": {path: text}}, "harness": {"files": {path: text}}}. `output.context`
  names the files an answer writes (with the reference contents when solutions are published);
  `harness.files` holds the docker-compose.yml, `src/.env` (TOPLEVEL, MODULE, VERILOG_SOURCES, ...) and the
  cocotb tests. A copy without solutions lists only names (lists instead of mappings).
- agentic: {"id", "categories", "system_message", "prompt", "context", "patch", "harness"}.

Only code generation judged by a free-tool harness (cocotb + Icarus) is run, agentic datapoints only when
asked to answer them in one shot (CVDP's --force-copilot: the patch applied is the reference); every other
datapoint is kept with the reason it is skipped, so reports can list it. A Hugging Face dataset turns
the path->text mappings into structs holding every path of every row (None where a row lacks one);
`None` entries are dropped here, so both sources read the same.
"""
from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

from codev.config import parse_mapping
from codev.errors import ConfigError
from codev.jsonl import jsonl_objects

# what each category asks for (the CVDP paper's names, shortened)
CATEGORY_NAMES = {
    2: "RTL code completion",
    3: "specification to RTL",
    4: "RTL code modification",
    5: "specification to RTL, module reuse",
    6: "RTL/specification correspondence",
    7: "lint or QoR improvement",
    8: "testbench/test-plan correspondence",
    9: "question answering on RTL",
    10: "question answering on testbenches",
    12: "test plan to testbench stimulus",
    13: "test plan to testbench checker",
    14: "test plan to assertions",
    16: "RTL debugging",
}
HARNESS_CATEGORIES = frozenset({2, 3, 4, 5, 7, 16})  # code generation judged by the problem's harness
COMPREHENSION_CATEGORIES = frozenset({6, 8, 9, 10})  # text answers: BLEU or an LLM judge upstream
COMMERCIAL_CATEGORIES = frozenset({12, 13, 14})  # coverage/assertion checks need Cadence Xcelium
COMMERCIAL_IMAGE = "__VERIF_EDA_IMAGE__"  # harness placeholder for the licensed simulator image
FREE_SIMULATORS = ("icarus",)
ENV_FILE = "src/.env"
COMPOSE_FILE = "docker-compose.yml"
CODE_ROOT = "/code"  # where the harness container mounts docs/, rtl/, verif/, src/, rundir/
DEFAULT_WORKDIR = f"{CODE_ROOT}/rundir"  # CVDP's `docker compose run -w`

_CATEGORY = re.compile(r"^cid0*(\d+)$")


class CvdpFormatError(ValueError):
    """A datapoint that does not have CVDP's shape; the message names the file and line."""


Files = tuple[tuple[str, str], ...]  # (relative path, text), in the dataset's order


@dataclass(frozen=True)
class CvdpTask:
    """One datapoint, as codev needs it: what to ask, what to write, how to judge."""

    id: str
    category: int  # the number of `cidNNN`
    difficulty: str  # "easy" / "medium" / "hard" (the second category tag)
    prompt: str
    context: Files  # files given with the prompt
    outputs: tuple[str, ...]  # files an answer writes
    solution: Files  # reference contents of `outputs` (empty when the dataset withholds them)
    harness: Files  # docker-compose.yml, src/.env, src/test_*.py, ...
    where: str  # file:line it was read from
    skip: str = ""  # why it is not run on free tools ("" when it is)
    agentic: bool = False  # an agentic datapoint (answered in one shot only with `--bench cvdp-agentic`)

    @property
    def category_tag(self) -> str:
        return f"cid{self.category:03d}"

    @property
    def env(self) -> dict[str, str]:
        """The harness's src/.env (empty when it has none)."""
        text = dict(self.harness).get(ENV_FILE)
        return parse_env(text) if text is not None else {}

    @property
    def toplevel(self) -> str:
        return self.env.get("TOPLEVEL", "")


def parse_env(text: str) -> dict[str, str]:
    """A docker compose env_file: KEY=VALUE lines, spaces around both trimmed (CVDP aligns its `=`),
    `#` comments, optional matching quotes. Compose's own reader, not python-dotenv, defines the format."""
    env: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = (part.strip() for part in line.split("=", 1))
        if key.startswith("export "):
            key = key[len("export "):].strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        env[key] = value
    return env


def _files(value, what: str, where: str, names_only_ok: bool) -> tuple[Files, bool]:
    """A path->text mapping as Files; (names with empty texts, False) for a list of names."""
    if value is None:
        return (), True
    if isinstance(value, list) and names_only_ok and all(isinstance(v, str) for v in value):
        return tuple((name, "") for name in value), False
    if not isinstance(value, dict):
        raise CvdpFormatError(f"{where}: {what} must be a mapping of file path to text")
    files = []
    for path, text in value.items():
        if text is None:  # a Hugging Face struct column: this row lacks that path
            continue
        if not isinstance(path, str) or not isinstance(text, str):
            raise CvdpFormatError(f"{where}: {what}: file {path!r} must map to text")
        files.append((path, text))
    return tuple(files), True


def parse_task(row: dict, where: str, agentic_one_shot: bool = False) -> CvdpTask:
    """One datapoint; CvdpFormatError (naming `where`) when it is not CVDP's shape. Agentic datapoints
    are skipped unless `agentic_one_shot`, which reads them as CVDP's --force-copilot does: the prompt
    and context as the request, the patched files as the answer's files, the harness as is."""
    task_id = row.get("id")
    categories = row.get("categories")
    if not isinstance(task_id, str) or not task_id:
        raise CvdpFormatError(f"{where}: needs a string 'id'")
    if not isinstance(categories, list) or not categories or not isinstance(categories[0], str):
        raise CvdpFormatError(f"{where}: {task_id}: needs 'categories' such as [\"cid003\", \"easy\"]")
    match = _CATEGORY.match(categories[0])
    if not match:
        raise CvdpFormatError(f"{where}: {task_id}: category {categories[0]!r} is not cidNNN")
    category = int(match.group(1))
    difficulty = categories[1] if len(categories) > 1 and isinstance(categories[1], str) else ""
    if "input" not in row:  # agentic: prompt/context/patch at the top level
        if "patch" not in row and "prompt" not in row:
            raise CvdpFormatError(f"{where}: {task_id}: neither 'input' (non-agentic) nor 'prompt'/'patch' (agentic)")
        if not agentic_one_shot:
            return CvdpTask(task_id, category, difficulty, str(row.get("prompt") or ""), (), (), (), (), where,
                            skip="agentic datapoint (CVDP runs an agent in Docker; `--bench cvdp-agentic` "
                                 "answers it in one shot)", agentic=True)
        return _agentic_one_shot(row, task_id, category, difficulty, where)
    inp, out, harness = row.get("input"), row.get("output") or {}, row.get("harness") or {}
    if not isinstance(inp, dict) or not isinstance(inp.get("prompt"), str):
        raise CvdpFormatError(f"{where}: {task_id}: 'input' needs a string 'prompt'")
    if not isinstance(out, dict) or not isinstance(harness, dict):
        raise CvdpFormatError(f"{where}: {task_id}: 'output' and 'harness' must be objects")
    context, _ = _files(inp.get("context"), "input.context", f"{where}: {task_id}", names_only_ok=True)
    solution, solved = _files(out.get("context"), "output.context", f"{where}: {task_id}", names_only_ok=True)
    harness_files, shipped = _files(harness.get("files"), "harness.files", f"{where}: {task_id}", names_only_ok=True)
    for path, _text in (*context, *solution, *harness_files):
        if not safe_relative(path):
            raise CvdpFormatError(f"{where}: {task_id}: unsafe file path {path!r}")
    solved = solved and any(text for _, text in solution)  # empty texts: names only, contents withheld
    task = CvdpTask(
        id=task_id,
        category=category,
        difficulty=difficulty,
        prompt=inp["prompt"],
        context=context,
        outputs=tuple(path for path, _ in solution),
        solution=solution if solved else (),
        harness=harness_files if shipped else (),
        where=where,
    )
    if not task.outputs:  # a copy without `output`: the design sources the context does not give
        task = replace(task, outputs=missing_sources(task))
    skip = skip_reason(task, shipped)
    return replace(task, skip=skip) if skip else task


def _agentic_one_shot(row: dict, task_id: str, category: int, difficulty: str, where: str) -> CvdpTask:
    here = f"{where}: {task_id}"
    if not isinstance(row.get("prompt"), str):
        raise CvdpFormatError(f"{here}: an agentic datapoint needs a string 'prompt'")
    context, _ = _files(row.get("context"), "context", here, names_only_ok=True)
    patches, _ = _files(row.get("patch"), "patch", here, names_only_ok=True)
    harness, shipped = _files(row.get("harness"), "harness", here, names_only_ok=True)
    for path, _text in (*context, *patches, *harness):
        if not safe_relative(path):
            raise CvdpFormatError(f"{here}: unsafe file path {path!r}")
    solution: Files = ()
    if patches and all(diff for _, diff in patches):  # empty patches: the solution is withheld
        given = dict(context)
        patched = [(path, apply_patch(given.get(path, ""), diff)) for path, diff in patches]
        if all(text is not None for _, text in patched):
            solution = tuple((path, text) for path, text in patched if text is not None)
    task = CvdpTask(task_id, category, difficulty, row["prompt"], context, tuple(p for p, _ in patches), solution,
                    harness if shipped else (), where, agentic=True)
    if not task.outputs:
        task = replace(task, outputs=missing_sources(task))
    skip = skip_reason(task, shipped)
    return replace(task, skip=skip) if skip else task


def apply_patch(original: str, diff: str) -> str | None:
    """`original` with CVDP's unified diff applied (GNU patch, as CVDP applies them); None if it does not apply."""
    if shutil.which("patch") is None:
        return None
    with tempfile.TemporaryDirectory(prefix="codev-cvdp-patch-") as tmp:
        source, result = Path(tmp) / "file", Path(tmp) / "patched"
        source.write_text(original, encoding="utf-8")
        proc = subprocess.run(["patch", "--batch", "--silent", "--force", "-o", str(result), str(source)],
                              input=diff if diff.endswith("\n") else diff + "\n", capture_output=True, text=True)
        if proc.returncode != 0 or not result.is_file():
            return None
        return result.read_text(encoding="utf-8")


def source_paths(task: CvdpTask) -> list[str]:
    """VERILOG_SOURCES of the harness as paths relative to the datapoint's folder (`/code/rtl/x.sv` ->
    `rtl/x.sv`), in the harness's order."""
    out = []
    for item in task.env.get("VERILOG_SOURCES", "").split():
        out.append(item[len(CODE_ROOT) + 1:] if item.startswith(CODE_ROOT + "/") else item.lstrip("/"))
    return out


def missing_sources(task: CvdpTask) -> tuple[str, ...]:
    given = {path for path, _ in task.context} | {path for path, _ in task.harness}
    return tuple(p for p in source_paths(task) if p not in given and p.startswith("rtl/"))


def safe_relative(path: str) -> bool:
    """A path that stays inside the folder it is written to."""
    parts = Path(path).parts
    return bool(parts) and not Path(path).is_absolute() and ".." not in parts


def skip_reason(task: CvdpTask, harness_shipped: bool = True) -> str:
    """Why `task` cannot be judged with free tools here ("" when it can)."""
    tag = task.category_tag
    name = CATEGORY_NAMES.get(task.category, "unknown category")
    if task.category in COMPREHENSION_CATEGORIES:
        return f"{tag} ({name}): a text answer scored by BLEU or an LLM judge upstream, not by a harness"
    if task.category in COMMERCIAL_CATEGORIES:
        return f"{tag} ({name}): its harness needs commercial EDA tools (Cadence Xcelium coverage/assertions)"
    if task.category not in HARNESS_CATEGORIES:
        return f"{tag} ({name}): not a code-generation category codev knows"
    if not harness_shipped or not task.harness:
        return f"{tag}: the harness files are not in this copy of the dataset"
    files = dict(task.harness)
    if any(COMMERCIAL_IMAGE in text for text in files.values()):
        return f"{tag}: its harness runs in the commercial-tools image ({COMMERCIAL_IMAGE})"
    if COMPOSE_FILE not in files:
        return f"{tag}: no {COMPOSE_FILE} in the harness (nothing to run)"
    try:
        services(task)
    except HarnessError as exc:
        return f"{tag}: the harness cannot be run as written ({exc})"
    old_api = cocotb1_harness(files)
    if old_api:
        return f"{tag}: {old_api}"
    missing = missing_packages(files.get("Dockerfile", ""))
    if missing:
        return f"{tag}: its harness image installs {', '.join(missing)}, not installed here (pip install {' '.join(missing)})"
    sim = task.env.get("SIM", "icarus").lower()
    if sim not in FREE_SIMULATORS:
        return f"{tag}: simulator {sim!r} (codev runs CVDP harnesses with {', '.join(FREE_SIMULATORS)} only)"
    if not task.outputs:
        return f"{tag}: output.context names no file for the answer"
    return ""


_COCOTB1_RUNNER = re.compile(r"^\s*(from\s+cocotb\.runner\s+import|import\s+cocotb\.runner)", re.M)


def cocotb1_harness(files: dict[str, str]) -> str:
    """Why a harness written for cocotb 1.x (CVDP before v1.1.0 imports `cocotb.runner`) cannot run on the
    installed cocotb 2.x ("" when it can): cocotb 2 moved the runner and changed the API under the tests."""
    from importlib.metadata import PackageNotFoundError, version

    if not any(_COCOTB1_RUNNER.search(text) for path, text in files.items() if path.endswith(".py")):
        return ""
    try:
        installed = version("cocotb")
    except PackageNotFoundError:
        return ""
    if int(installed.split(".")[0]) < 2:
        return ""
    return (f"its harness is written for cocotb 1.x (imports cocotb.runner, as CVDP datasets before v1.1.0 do); "
            f"cocotb {installed} is installed: use the v1.1.0 data (cocotb 2)")


_PIP_INSTALL = re.compile(r"\bpip3?\s+install\s+([^&|;\n]+)")


def missing_packages(dockerfile: str) -> list[str]:
    """Python packages the harness's Dockerfile adds to CVDP's image that this environment lacks (the
    harness would fail on an import, which is no verdict on the answer)."""
    from importlib.metadata import PackageNotFoundError, distribution

    missing = []
    for match in _PIP_INSTALL.finditer(dockerfile):
        for word in match.group(1).split():
            if word.startswith("-"):
                continue
            name = re.split(r"[<>=!~\[;]", word, maxsplit=1)[0]
            try:
                distribution(name)
            except PackageNotFoundError:
                missing.append(name)
    return missing


class HarnessError(Exception):
    """The datapoint's harness cannot be run as written (no services, unreadable compose file)."""


@dataclass(frozen=True)
class Service:
    name: str
    argv: list[str]
    env: dict[str, str]
    workdir: str  # container path


def services(task: CvdpTask) -> list[Service]:
    """The compose file's services: command, environment (env_file then `environment`), working dir."""
    files = dict(task.harness)
    try:
        compose = parse_mapping(files.get(COMPOSE_FILE, ""), COMPOSE_FILE)
    except ConfigError as exc:
        raise HarnessError(str(exc)) from None
    found = compose.get("services")
    if not isinstance(found, dict) or not found:
        raise HarnessError(f"{COMPOSE_FILE}: no services")
    out = []
    for name, spec in found.items():
        spec = spec or {}
        env: dict[str, str] = {}
        env_files = spec.get("env_file") or []
        for env_file in [env_files] if isinstance(env_files, str) else env_files:
            path = str(env_file.get("path") if isinstance(env_file, dict) else env_file).removeprefix("./")
            if path not in files:
                raise HarnessError(f"{COMPOSE_FILE}: service {name}: env_file {path} is not in the harness")
            env.update(parse_env(files[path]))
        environment = spec.get("environment") or {}
        if isinstance(environment, list):
            environment = dict(item.split("=", 1) for item in environment if "=" in item)
        env.update({str(k): "" if v is None else str(v) for k, v in environment.items()})
        command = spec.get("command")
        if not command:
            raise HarnessError(f"{COMPOSE_FILE}: service {name} has no command")
        argv = shlex.split(command) if isinstance(command, str) else [str(c) for c in command]
        out.append(Service(str(name), argv, env, str(spec.get("working_dir") or DEFAULT_WORKDIR)))
    return out


def iter_rows(path: Path) -> Iterator[tuple[str, dict]]:
    """(file:line, row) for every datapoint under `path`: a JSONL file, a Parquet file, a folder of those,
    or a folder written by `datasets` (save_to_disk), all read from local disk."""
    path = Path(path)
    if path.is_file():
        yield from _file_rows(path)
        return
    if not path.is_dir():
        raise CvdpFormatError(f"{path}: no such file or folder")
    if (path / "dataset_dict.json").is_file() or (path / "state.json").is_file():
        yield from _saved_dataset_rows(path)
        return
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".jsonl", ".parquet")
                   and not any(part.startswith(".") for part in p.relative_to(path).parts))  # no staging copies
    if not files:
        raise CvdpFormatError(f"{path}: no CVDP .jsonl or .parquet files")
    for file in files:
        yield from _file_rows(file)


def _file_rows(path: Path) -> Iterator[tuple[str, dict]]:
    if path.suffix == ".parquet":
        from datasets import Dataset

        for i, row in enumerate(Dataset.from_parquet(str(path), keep_in_memory=True)):
            yield f"{path}:row {i + 1}", row
        return
    try:
        for lineno, row in jsonl_objects(path):
            yield f"{path}:{lineno}", row
    except UnicodeDecodeError:
        raise CvdpFormatError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise CvdpFormatError(f"{path}: cannot read ({exc.strerror})") from None
    except ValueError as exc:  # names the file and the line
        raise CvdpFormatError(str(exc)) from None


def _saved_dataset_rows(path: Path) -> Iterator[tuple[str, dict]]:
    from datasets import Dataset, DatasetDict, load_from_disk

    loaded = load_from_disk(str(path))
    splits = loaded.items() if isinstance(loaded, DatasetDict) else [("", loaded)]
    for split, dataset in splits:
        assert isinstance(dataset, Dataset)
        for i, row in enumerate(dataset):
            yield f"{path}{'/' + split if split else ''}:row {i + 1}", row


def load_tasks(path: Path, agentic_one_shot: bool = False) -> list[CvdpTask]:
    """Every datapoint under `path`, one per id. The repository ships each file twice (with and without
    solutions): the copy with solutions wins, so a folder of both reads as the solved set."""
    by_id: dict[str, CvdpTask] = {}
    for where, row in iter_rows(path):
        task = parse_task(row, where, agentic_one_shot)
        kept = by_id.get(task.id)
        if kept is None or (not kept.solution and task.solution):
            by_id[task.id] = task
    if not by_id:
        raise CvdpFormatError(f"{path}: no CVDP datapoints")
    return sorted(by_id.values(), key=lambda t: t.id)


def files_json(files: Files) -> str:
    """Several files as one text (a JSON object), so they travel as one answer; see cvdp_answer."""
    return json.dumps(dict(files), ensure_ascii=False, sort_keys=True)
