"""Read the expected self-check verdicts out of benchmarks/MANIFEST.md (its tables are the spec)."""
from __future__ import annotations

import re
from pathlib import Path

_VALUE = {"pass": "pass", "CE": "compile-error", "compile-error": "compile-error", "T": "fail", "fail": "fail"}


def _cells(line: str) -> list[str]:
    return [c.strip().strip("*").strip() for c in line.strip().strip("|").split("|")]


def _verdict(cell: str) -> str:
    word = cell.split(" (")[0].strip().strip("*")
    return _VALUE[word]


def _section(text: str, title: str) -> str:
    start = text.index(f"### {title}")
    nxt = text.find("\n### ", start + 1)
    return text[start : nxt if nxt > 0 else len(text)]


def _table_after(section: str, marker: str) -> list[list[str]]:
    lines = section[section.index(marker) :].splitlines()
    rows, started = [], False
    for line in lines if marker.startswith("|") else lines[1:]:
        if line.startswith("|"):
            started = True
            if not re.match(r"^\|[-| ]+\|$", line):
                rows.append(_cells(line))
        elif started:
            break
    return rows[1:]  # drop the header row


def expected_self_check(manifest: Path, major: int) -> dict[str, dict[str, str]]:
    """benchmark -> problem -> verdict of the reference under Icarus `major` (11 or 12)."""
    text = Path(manifest).read_text(encoding="utf-8")
    out: dict[str, dict[str, str]] = {}

    v1 = _section(text, "verilogeval_v1")
    human, machine = {}, {}
    for row in _table_after(v1, "Full table"):
        for i in range(0, len(row), 3):
            task, h, m = row[i : i + 3]
            human[task] = _verdict(h)
            if m != "–":
                machine[task] = _verdict(m)
    if major >= 12:  # "iverilog 12 passes all 156 Human and 143 Machine"
        human = {t: "pass" for t in human}
        machine = {t: "pass" for t in machine}
    out["verilogeval-v1-human"], out["verilogeval-v1-machine"] = human, machine

    v2 = _section(text, "verilogeval_v2")
    spec, comp = {}, {}
    for row in _table_after(v2, "Full table"):
        for i in range(0, len(row), 3):
            problem, s, c = row[i : i + 3]
            spec[problem], comp[problem] = _verdict(s), _verdict(c)
    if major >= 12:
        spec = {p: "pass" for p in spec}
        comp = {p: "pass" for p in comp}
        for row in _table_after(v2, "Problems whose reference does not pass"):
            spec[row[0]], comp[row[0]] = _verdict(row[4]), _verdict(row[5])
    out["verilogeval-v2-spec-to-rtl"], out["verilogeval-v2-code-complete"] = spec, comp

    for bench, title in (("rtllm-v1.1", "rtllm_v1_1"), ("rtllm-v2", "rtllm_v2")):
        column = 3 if major < 12 else 4
        rows = _table_after(_section(text, title), "| design |")
        out[bench] = {row[0]: _verdict(row[column]) for row in rows}
    return out


def expected_duts(manifest: Path) -> dict[str, dict[str, str]]:
    """RTLLM benchmark -> design -> DUT module name the testbench instantiates."""
    text = Path(manifest).read_text(encoding="utf-8")
    out = {}
    for bench, title in (("rtllm-v1.1", "rtllm_v1_1"), ("rtllm-v2", "rtllm_v2")):
        rows = _table_after(_section(text, title), "| design |")
        out[bench] = {row[0]: row[1].strip("`") for row in rows}
    return out
