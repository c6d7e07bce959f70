"""Write summary.json, report.md and the chart for a finished run."""
from __future__ import annotations

import json
from pathlib import Path

from .aggregate import summarize, summarize_inputs
from .chart import write_chart
from .tools import Icarus

SUMMARY_FILE, REPORT_FILE, CHART_FILE = "summary.json", "report.md", "pass_at_k.png"


def write_outputs(settings: dict, out: Path, problems, records, fixed, icarus: Icarus = Icarus(), sample_set=None) -> dict:
    """`settings` is the run's configuration as JSON (runner.config_to_json); `sample_set` how --samples was read."""
    inputs = summarize_inputs(
        records, sample_set.format if sample_set else None, bool(sample_set and sample_set.detected)
    )
    summary = summarize(settings, problems, records, settings["k"], set(fixed), icarus, inputs)
    out = Path(out)
    (out / SUMMARY_FILE).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    chart = write_chart(summary, out / CHART_FILE)
    if chart is None:
        (out / CHART_FILE).unlink(missing_ok=True)  # never leave a previous run's chart behind
    (out / REPORT_FILE).write_text(render_markdown(summary, chart.name if chart else None), encoding="utf-8")
    return summary


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.2f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _inputs_lines(inputs: dict) -> list[str]:
    lines = []
    if inputs.get("format"):
        how = "detected" if inputs["format_detected"] else "forced with --sample-format"
        lines.append(f"Sample format: **{inputs['format']}** ({how}); {inputs['samples']} samples.")
    if inputs["no_code"]:
        examples = ", ".join(
            f"{e['task_id']}#{e['index']}" + (f" (`{e['origin']}`)" if e["origin"] else "") for e in inputs["no_code_examples"]
        )
        lines.append(f"{inputs['no_code']} samples had no code (scored `no-code`), e.g. {examples}.")
    elif inputs.get("format"):
        lines.append("Every sample had code.")
    if inputs["duplicates"]:
        lines.append(
            f"{inputs['duplicates']} samples repeated an earlier answer to the same problem (same extracted code) "
            "and reuse its verdict instead of being simulated again."
        )
    return lines + [""] if lines else []


def _repaired_lines(summary: dict, ks: list[str]) -> list[str]:
    """The `repaired` variant beside the official table: never an official score."""
    benches = {name: b["repaired"] for name, b in summary["benchmarks"].items() if "repaired" in b}
    if not benches:
        return []
    lines = ["## Variant `repaired` (not official)", "",
             "codev's salvage of answers the official flow rejects for their form (fenced code, a repeated module "
             "header, prose after `endmodule`); every other sample keeps its official verdict.", ""]
    rows = [[name, r["changed"], *(_pct(r[k]) for k in ks),
             ", ".join(f"{c} {n}" for c, n in r["verdict_changes"].items()) or "–"] for name, r in benches.items()]
    lines += _table(["benchmark", "samples changed", *ks, "verdicts (official -> repaired)"], rows)
    examples = [(name, e) for name, r in benches.items() for e in r["examples"]][:5]
    if examples:
        lines += ["Examples:", ""]
        rows = [[name, f"{e['task_id']}#{e['index']}", "; ".join(e["repairs"]), e["official"], e["repaired"],
                 f"`{e['origin']}`" if e["origin"] else ""] for name, e in examples]
        lines += _table(["benchmark", "sample", "repairs", "official", "repaired", "where"], rows)
    return lines


def render_markdown(summary: dict, chart_name: str | None) -> str:
    settings = summary["settings"]
    ks = [f"pass@{k}" for k in settings["k"]]
    lines = ["# codev eval report", ""]
    lines += [f"Answers: **{settings['answers']}**" + (f" (`{settings['samples']}`)" if settings["samples"] else "") + ".", ""]
    lines += _inputs_lines(summary["inputs"])
    lines += [f"Simulator: **{summary['tools'].get('iverilog', 'iverilog')}** (`{settings.get('iverilog', 'iverilog')}`)."
              + (" Published VerilogEval numbers come from Icarus 12 or later (v1: a 2023 snapshot after 12.0) and some verdicts "
                 "differ under 11 (codev/eval/data/MANIFEST.md); `codev doctor --install iverilog==12` builds 12."
                 if summary.get("icarus_major") == 11 else ""), ""]
    if not settings["official_bounds"]:
        lines += ["**Non-official time bounds** (see settings): verdicts may differ from the official flow.", ""]

    lines += ["## Results: `official` (each benchmark's own harness, answers compiled verbatim)", ""]
    rows = []
    for name, b in summary["benchmarks"].items():
        answered = f"{b['answered']}/{b['problems']}"
        per = f"{b['samples'] / b['answered']:.1f}" if b["answered"] else "0"
        rows.append([name, answered, per, *(_pct(b[k]) for k in ks), _pct(b["syntax_rate"])])
    lines += _table(["benchmark", "problems answered", "samples/problem", *ks, "syntax %"], rows)
    if any(b["answered"] < b["problems"] for b in summary["benchmarks"].values()):
        lines += ["pass@k is averaged over the answered problems only.", ""]
    if chart_name:
        lines += [f"![pass@k]({chart_name})", ""]
    lines += _repaired_lines(summary, ks)

    for name, b in summary["benchmarks"].items():
        lines += [f"## {name}", ""]
        lines += ["Verdicts: " + ", ".join(f"{v} {n}" for v, n in b["verdicts"].items()), ""]
        rows = [[cat, c["problems"], *(_pct(c[k]) for k in ks)] for cat, c in b["categories"].items()]
        lines += _table(["category", "problems", *ks], rows)
        if b.get("skipped"):
            lines += [f"Listed but not scored ({len(b['skipped'])}; not counted in `problems`):", ""]
            rows = [[pid, e["category"], e["reason"].replace("|", "/")] for pid, e in b["skipped"].items()]
            lines += _table(["problem", "category", "why skipped"], rows)
        if b["flagged"]:
            lines += ["Known testbench problems (MANIFEST.md) among the answered problems:", ""]
            rows = []
            for pid, flag in b["flagged"].items():
                e = b["per_problem"][pid]
                rows.append([pid, flag["kind"], f"{e['c']}/{e['n']}", "yes" if flag["fixable"] else "", flag["note"]])
            lines += _table(["problem", "issue", "passed", "fix available", "note"], rows)
            u = b["unflagged"]
            lines += [
                f"Without the {b['answered'] - u['problems']} broken/weak problems (not an official score): "
                + ", ".join(f"{k} {_pct(u[k])}" for k in ks),
                "",
            ]
        if "fixed_testbenches" in b:
            f = b["fixed_testbenches"]
            lines += [
                f"With the documented testbench fixes for {', '.join(f['problems_fixed'])} "
                "(not comparable to official scores): " + ", ".join(f"{k} {_pct(f[k])}" for k in ks),
                "",
            ]
        if "equivalence" in b:
            eq = b["equivalence"]
            lines += [
                f"Second opinion (equivalence checker vs. reference): {eq['agree']}/{eq['compared']} comparable samples agree "
                f"with the testbench; checker verdicts: " + ", ".join(f"{k} {v}" for k, v in eq["checker_verdicts"].items()) + ".",
                "",
            ]
            if eq["disagreements"]:
                rows = [[d["task_id"], d["index"], d["testbench"], d["checker"], d["reason"][:120].replace("|", "/")] for d in eq["disagreements"]]
                lines += _table(["problem", "sample", "testbench", "checker", "checker's reason"], rows)
        failing = [(pid, e) for pid, e in b["per_problem"].items() if e["c"] < e["n"]]
        if failing:
            lines += ["<details><summary>Problems with failing samples</summary>", ""]
            rows = [
                [pid, f"{e['c']}/{e['n']}", ", ".join(f"{v} {n}" for v, n in e["verdicts"].items()), " ".join(e["details"])[:60]]
                for pid, e in failing
            ]
            lines += _table(["problem", "passed", "verdicts", "detail"], rows)
            lines += ["</details>", ""]

    lines += ["## Settings", ""]
    rows = [[key, f"`{json.dumps(value)}`"] for key, value in settings.items()]
    lines += _table(["setting", "value"], rows)
    lines += ["## Tools", ""]
    lines += _table(["tool", "version"], [[name, version] for name, version in summary["tools"].items()])
    return "\n".join(lines)
