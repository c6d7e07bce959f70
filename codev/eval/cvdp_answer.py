"""CVDP answers: the prompt codev sends, and how a response becomes the files the harness runs.

How CVDP's own non-agentic flow reads a response (its model_helpers.parse_model_response, read, not
copied): when the datapoint expects ONE file, the first ``` block of the response is the file (any
language tag), else the whole response stripped; when it expects several, the response is a JSON object
{"code": [{"<path>": "<text>"}, ...]} (found between the first `{` and the last `}`, control characters
removed) whose texts again lose a ``` wrapper. codev scores answers the same way (after dropping a
leading <think> block), except that an answer may not write harness or Python files (writable_by_answer).

An answer travels through codev's scoring as one string ("code"): the single file's text, or for several
files a JSON object {path: text} (cvdp_format.files_json), decoded again by answer_files().
"""
from __future__ import annotations

import json
import re

from .cvdp_format import CvdpTask, files_json, safe_relative

_FENCE = re.compile(r"```(?:\w+\n)?(.*?)```", re.S)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_THINK = re.compile(r"^\s*<think>.*?</think>", re.S)


def _first_block(text: str) -> str:
    match = _FENCE.search(text)
    return match.group(1) if match else text


def extract(task: CvdpTask, response: str) -> tuple[str | None, str]:
    """(code for the scorer, how it was found); code None when the response holds no usable answer.

    A leading <think>...</think> (a reasoning model's drafts, which an API returns apart from the
    response CVDP reads) is dropped first."""
    response = _THINK.sub("", response, count=1)
    if len(task.outputs) == 1:
        match = _FENCE.search(response)
        code = match.group(1) if match else response.strip()
        return (code, "fence" if match else "raw") if code.strip() else (None, "none")
    text = _CONTROL.sub("", response.strip())
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        return None, "none"
    try:
        data = json.loads(text[start:end + 1])
    except json.JSONDecodeError:
        return None, "bad-json"
    files = []
    for entry in data.get("code", []) if isinstance(data, dict) and isinstance(data.get("code"), list) else []:
        if isinstance(entry, dict):
            files += [(path, _first_block(body)) for path, body in entry.items() if isinstance(body, str)]
    if not files:
        return None, "none"
    return files_json(tuple(files)), "json"


HDL_SUFFIXES = (".v", ".sv", ".vh", ".svh", ".svi")


def writable_by_answer(task: CvdpTask, path: str) -> bool:
    """An answer may write the files the datapoint asks for, and new HDL files beside them; never Python,
    a harness or context file, or anything under src/ (CVDP itself writes whatever a response names, so a
    `src/conftest.py` that makes pytest exit 0 would pass any design there)."""
    if path in task.outputs:
        return True
    given = {p for p, _ in task.context} | {p for p, _ in task.harness}
    return (safe_relative(path) and path not in given and path.endswith(HDL_SUFFIXES)
            and path.split("/", 1)[0] in ("rtl", "verif", "docs"))


def answer_files(task: CvdpTask, code: str) -> dict[str, str]:
    """The files an answer writes (paths relative to the datapoint's folder); see writable_by_answer."""
    if len(task.outputs) == 1:
        return {task.outputs[0]: code}
    try:
        data = json.loads(code)
    except json.JSONDecodeError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {p: t for p, t in data.items() if isinstance(p, str) and isinstance(t, str) and writable_by_answer(task, p)}


def reference_code(task: CvdpTask) -> str:
    """The reference solution in the scorer's one-string form ("" when the dataset withholds it)."""
    if not task.solution:
        return ""
    return task.solution[0][1] if len(task.outputs) == 1 else files_json(task.solution)


def user_prompt(task: CvdpTask) -> str:
    """The request in CVDP's order (context files, the task, where the answer goes), in codev's words."""
    parts = [f"File `{path}`:\n```\n{text}\n```\n" for path, text in task.context]
    parts.append(f"Task:\n{task.prompt.strip()}\n")
    if len(task.outputs) == 1:
        parts.append(f"Answer with the complete contents of `{task.outputs[0]}` in one code block; "
                     "it is saved to that file as is.\n")
    else:
        names = ", ".join(f"`{p}`" for p in task.outputs)
        parts.append(f"Answer with the complete contents of {names} as JSON: "
                     '{"code": [{"<file path>": "<file contents>"}, ...]} (newlines and quotes escaped).\n')
    return "\n".join(parts)
