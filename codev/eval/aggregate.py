"""Turn per-sample records into the numbers of summary.json: pass@k, syntax rate, flags, disagreements."""
from __future__ import annotations

from collections import Counter, defaultdict

from . import rules
from .assemble import FIXED, OFFICIAL, REPAIRED
from .flavours import flavour
from .problem import Problem
from .known_issues import BROKEN, WEAK, issues_for
from .passk import mean_pass_at_k
from .tools import Icarus, iverilog_version, tool_versions

REPAIR_EXAMPLES = 5


def _passk(counts: list[tuple[int, int]], ks: list[int]) -> dict[str, float | None]:
    return {f"pass@{k}": mean_pass_at_k(counts, k) for k in ks}


def summarize_benchmark(
    name: str, problems: list[Problem], records: list[dict], ks: list[int], fixed_ids: set[str], icarus_major: int | None
) -> dict:
    issues = issues_for(name, icarus_major)
    skipped = {p.id: {"category": p.category, "reason": p.skip} for p in problems if p.skip}
    problems = [p for p in problems if not p.skip]
    by_problem: dict[str, dict[str, list[dict]]] = defaultdict(lambda: {OFFICIAL: [], FIXED: [], REPAIRED: []})
    for r in records:
        by_problem[r["task_id"]][r["variant"]].append(r)

    per_problem: dict[str, dict] = {}
    verdicts: Counter = Counter()
    compiled = total = 0
    for p in problems:
        rows = sorted(by_problem[p.id][OFFICIAL], key=lambda r: r["index"])
        if not rows:
            continue
        counts = Counter(r["verdict"] for r in rows)
        verdicts.update(counts)
        total += len(rows)
        compiled += sum(1 for r in rows if r["verdict"] not in (rules.COMPILE_ERROR, rules.NO_CODE))
        entry = {
            "category": p.category,
            "n": len(rows),
            "c": counts[rules.PASS],
            "verdicts": dict(sorted(counts.items())),
            "details": sorted({r["detail"] for r in rows if r["detail"]}),
        }
        repaired = {r["index"]: r for r in by_problem[p.id][REPAIRED]}
        entry["c_repaired"] = sum(
            1 for r in rows if (repaired.get(r["index"]) or r)["verdict"] == rules.PASS
        )
        if p.id in fixed_ids:
            entry["c_fixed"] = sum(1 for r in by_problem[p.id][FIXED] if r["verdict"] == rules.PASS)
        if p.id in issues:
            entry["flag"] = {"kind": issues[p.id].kind, "note": issues[p.id].note, "fixable": issues[p.id].fixable}
        per_problem[p.id] = entry

    counts = [(e["n"], e["c"]) for e in per_problem.values()]
    categories: dict[str, dict] = {}
    for category in sorted({e["category"] for e in per_problem.values()}):
        cat_counts = [(e["n"], e["c"]) for e in per_problem.values() if e["category"] == category]
        categories[category] = {"problems": len(cat_counts), **_passk(cat_counts, ks)}
    unflagged = [(e["n"], e["c"]) for e in per_problem.values() if e.get("flag", {}).get("kind") not in (BROKEN, WEAK)]

    summary = {
        "problems": len(problems),
        "answered": len(per_problem),
        "samples": total,
        **_passk(counts, ks),
        "syntax_rate": compiled / total if total else None,
        "verdicts": dict(sorted(verdicts.items())),
        "categories": categories,
        "flagged": {pid: e["flag"] for pid, e in per_problem.items() if "flag" in e},
        "unflagged": {"problems": len(unflagged), **_passk(unflagged, ks)},
        "per_problem": per_problem,
    }
    if skipped:
        summary["skipped"] = skipped
    if fixed_ids:
        fixed_counts = [(e["n"], e.get("c_fixed", e["c"])) for e in per_problem.values()]
        summary["fixed_testbenches"] = {
            "problems_fixed": sorted(pid for pid in fixed_ids if pid in per_problem),
            **_passk(fixed_counts, ks),
        }
    summary["repaired"] = _repaired(records, per_problem, ks)
    equivalence = _equivalence(records)
    if equivalence is not None:
        summary["equivalence"] = equivalence
    return summary


def _repaired(records: list[dict], per_problem: dict[str, dict], ks: list[int]) -> dict:
    """The repaired variant beside the official score: how many samples it changed, and examples."""
    official = {(r["task_id"], r["index"]): r for r in records if r["variant"] == OFFICIAL}
    changed = sorted((r for r in records if r["variant"] == REPAIRED), key=lambda r: (r["task_id"], r["index"]))
    changes: Counter = Counter()
    repairs: Counter = Counter()
    examples = []
    for r in changed:
        before = official.get((r["task_id"], r["index"]), {}).get("verdict", "?")
        changes[f"{before} -> {r['verdict']}"] += 1
        repairs.update(r.get("repairs", []))
        if len(examples) < REPAIR_EXAMPLES:
            examples.append({"task_id": r["task_id"], "index": r["index"], "origin": r.get("origin", ""),
                             "repairs": r.get("repairs", []), "official": before, "repaired": r["verdict"]})
    return {
        "changed": len(changed),
        **_passk([(e["n"], e["c_repaired"]) for e in per_problem.values()], ks),
        "verdict_changes": dict(sorted(changes.items())),
        "repairs": dict(sorted(repairs.items())),
        "examples": examples,
    }


def _equivalence(records: list[dict]) -> dict | None:
    """Where our checker and the benchmark's testbench disagree on a sample."""
    rows = [r for r in records if r["variant"] == OFFICIAL and "equivalence" in r]
    if not rows:
        return None
    kinds: Counter = Counter()
    disagreements = []
    compared = 0
    for r in rows:
        eq = r["equivalence"]
        kinds[eq["verdict"]] += 1
        if not eq.get("checked") or r["verdict"] in (rules.NO_CODE, rules.TIMEOUT):
            continue
        compared += 1
        tb_pass = r["verdict"] == rules.PASS
        if tb_pass != (eq["verdict"] == "equivalent"):
            disagreements.append(
                {
                    "task_id": r["task_id"],
                    "index": r["index"],
                    "testbench": r["verdict"],
                    "checker": eq["verdict"],
                    "reason": eq.get("reason", ""),
                }
            )
    return {
        "checker_verdicts": dict(sorted(kinds.items())),
        "compared": compared,
        "agree": compared - len(disagreements),
        "disagreements": disagreements,
    }


NO_CODE_EXAMPLES = 5


def summarize_inputs(records: list[dict], sample_format: str | None, detected: bool) -> dict:
    """How the answers were read: format, samples without code (with examples), duplicates not re-simulated."""
    official = [r for r in records if r["variant"] == OFFICIAL]
    no_code = [r for r in official if r["verdict"] == rules.NO_CODE]
    return {
        "format": sample_format,
        "format_detected": detected,
        "samples": len(official),
        "no_code": len(no_code),
        "no_code_examples": [
            {"benchmark": r["benchmark"], "task_id": r["task_id"], "index": r["index"], "origin": r.get("origin", "")}
            for r in no_code[:NO_CODE_EXAMPLES]
        ],
        "duplicates": sum(1 for r in official if "duplicate_of" in r),
    }


def summarize(
    settings: dict,
    problems: list[Problem],
    records: list[dict],
    ks: list[int],
    fixed_keys: set,
    icarus: Icarus = Icarus(),
    inputs: dict | None = None,
) -> dict:
    major = iverilog_version(icarus.iverilog).major
    benchmarks = {}
    for name in settings["benchmarks"]:
        mine = [p for p in problems if p.benchmark == name]
        fixed_ids = {pid for (bench, pid) in fixed_keys if bench == name}
        benchmarks[name] = summarize_benchmark(name, mine, [r for r in records if r["benchmark"] == name], ks, fixed_ids, major)
    tools = {t.name: t.version for t in tool_versions(icarus)}
    for rule in dict.fromkeys(p.rule for p in problems):
        tools.update(flavour(rule).tool_versions())
    return {
        "settings": settings,
        "tools": tools,
        "icarus_major": major,
        "inputs": inputs if inputs is not None else summarize_inputs(records, None, False),
        "benchmarks": benchmarks,
    }
