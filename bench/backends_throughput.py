"""Per-backend throughput, detection rate, latency and cross-backend agreement (issue #3).

Designs: VerilogEval v2 references (`RefModule`) and RTLLM v2 references. Candidates per design: the
reference itself and up to N mutants (operator/constant edits that still compile in Icarus). Every
backend checks the same candidates; the output lists, per backend, checks/s, detection rate
(mutants called `mismatch`), the slowest designs, and every design/candidate where two backends
disagree. `auto` latency is measured separately: one cold check(reference, [reference]) per design.

    python bench/backends_throughput.py --out runs/backends.json [--limit 20] [--backends icarus,verilator]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from codev.eval.userconfig import require_bench_root  # noqa: E402 (after the sys.path line)
from testbench_gen import CheckOptions, InvalidGolden, check
from testbench_gen.run.simulators import BACKENDS, get_backend
from testbench_gen.containment.sandbox import Limits, run_limited, sandbox_dir
from testbench_gen.proof.strategies import check_with_strategy

ALL_BACKENDS = ["icarus", "verilator", "formal", "auto", "hybrid", "cocotb"]
MUTATIONS = [(r"\+", "-"), (r"(?<![&|])&(?![&|])", "|"), (r"==", "!="), (r"(?<![<>=!-])>(?![>=])", "<"),
             (r"\|\|", "&&"), (r"(?<![<>=!])<(?![<=])", ">"), (r"~", ""), (r"\^", "&"),
             (r"\b1'b0\b", "1'b1"), (r"\b1'b1\b", "1'b0"), (r"(\d+)'d(\d+)", None), (r"\belse if\b", "if")]


def designs(limit: int | None) -> list[tuple[str, str]]:
    out = []
    bench = require_bench_root()  # the one lookup ($CODEV_BENCH_ROOT, the fetched copy, ../shared/benchmarks)
    ve = bench / "verilogeval_v2" / "dataset_spec-to-rtl"
    for ref in sorted(ve.glob("Prob*_ref.sv")):
        out.append((ref.name.replace("_ref.sv", ""), ref.read_text()))
    for ref in sorted(bench.glob("rtllm_v2/*/verified_*.v")):
        out.append(("rtllm/" + ref.parent.name, ref.read_text()))
    return out[:limit] if limit else out


def _code_spans(src: str) -> list[tuple[int, int]]:
    """Character ranges outside comments (mutations go there)."""
    spans, pos = [], 0
    for m in re.finditer(r"//[^\n]*|/\*.*?\*/", src, re.S):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(src)))
    return spans


def mutants(src: str, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    sites = []
    body_start = src.find(");")  # skip the port list (mutating widths is an interface change)
    for lo, hi in _code_spans(src):
        for k, (pat, rep) in enumerate(MUTATIONS):
            for m in re.finditer(pat, src[lo:hi]):
                if lo + m.start() > body_start:
                    sites.append((lo + m.start(), lo + m.end(), k, m))
    rng.shuffle(sites)
    out, seen = [], set()
    for start, end, k, m in sites:
        pat, rep = MUTATIONS[k]
        if rep is None:  # constant: +1
            rep = f"{m.group(1)}'d{int(m.group(2)) + 1}"
        text = src[:start] + rep + src[end:]
        if text != src and text not in seen and _compiles(text):
            seen.add(text)
            out.append(text)
        if len(out) >= n:
            break
    return out


def hidden_mutant(src: str, seed: int) -> str | None:
    """The reference behind a wrapper that flips output bit 0 when all data inputs together equal
    one random constant (>= 20 bits): a bug random stimulus practically never triggers."""
    from testbench_gen import InterfaceError, infer_interface

    try:
        iface = infer_interface(src)
    except InterfaceError:
        return None
    data = iface.data_inputs
    width = sum(p.width for p in data)
    outs = [p for p in iface.ports if p.direction == "output"]
    if width < 20 or not outs:
        return None
    key = random.Random(seed).getrandbits(width) | 1 << (width - 1)  # never all zeros
    inner = re.sub(rf"\b{iface.top}\b", "codev_hidden_inner", src)
    decl = ", ".join(f"{p.direction} {'signed ' if p.signed else ''}[{p.width - 1}:0] {p.name}"
                     for p in iface.ports)
    conns = ", ".join(f".{p.name}({p.name if p.direction != 'output' else p.name + '_i'})"
                      for p in iface.ports)
    wires = "".join(f"  wire [{p.width - 1}:0] {p.name}_i;\n" for p in outs)
    cat = "{" + ", ".join(p.name for p in data) + "}"
    assigns = "".join(f"  assign {p.name} = {p.name}_i;\n" for p in outs[1:])
    first = outs[0]
    return (f"{inner}\nmodule {iface.top}({decl});\n{wires}  codev_hidden_inner u({conns});\n"
            f"  assign {first.name} = ({cat} == {width}'d{key}) ? {first.name}_i ^ 1 : {first.name}_i;\n"
            f"{assigns}endmodule\n")


def _compiles(src: str) -> bool:
    with sandbox_dir("codev-mut-") as wd:
        (wd / "m.v").write_text(src)
        return run_limited(["iverilog", "-g2012", "-o", "m.vvp", "m.v"], wd, Limits(wall_seconds=20)).ok


def _clear_caches() -> None:
    """Every measurement starts cold: no backend profits from a golden another one prepared."""
    from testbench_gen.service.cache import clear_all

    clear_all()  # golden traces, backend choices, cocotb goldens


def run_design(args: tuple[str, str, list[str], str, dict]) -> dict:
    name, golden, cands, backend, opts = args
    _clear_caches()
    options = CheckOptions(backend=backend, **opts)
    names = ["reference"] + [f"mutant{i}" for i in range(1, len(cands))]
    start = time.monotonic()
    try:
        if options.route.strategy is not None or options.route.cocotb:
            verdicts = check_with_strategy(golden, cands, options, names=names)
        else:
            verdicts = check(golden, cands, options, names=names)
        rows = [{"verdict": str(v.kind), "backend": v.backend, "reason": v.reason[:300],
                 "seconds": round(v.seconds, 3)} for v in verdicts]
    except InvalidGolden as exc:
        rows = [{"verdict": "invalid_golden", "backend": backend, "reason": str(exc)[:300], "seconds": 0}
                for _ in cands]
    except Exception as exc:  # noqa: BLE001 - a bench keeps going and reports the crash
        rows = [{"verdict": "crash", "backend": backend, "reason": f"{type(exc).__name__}: {exc}"[:300],
                 "seconds": 0} for _ in cands]
    return {"design": name, "backend": backend, "seconds": time.monotonic() - start, "rows": rows}


def cold_latency(args: tuple[str, str, str, dict]) -> dict:
    """One check(reference, [reference]) with empty caches, as a reward would see a new problem."""
    name, golden, backend, opts = args
    _clear_caches()
    start = time.monotonic()
    try:
        v = check_with_strategy(golden, [golden], CheckOptions(backend=backend, **opts))[0]
        verdict, used = str(v.kind), v.backend
    except InvalidGolden as exc:
        verdict, used = "invalid_golden: " + str(exc)[:120], backend
    return {"design": name, "seconds": round(time.monotonic() - start, 3), "verdict": verdict,
            "backend": used}


def paired_overhead(args: tuple[str, str, dict]) -> dict:
    """auto against icarus on one design: cold, alternating, best of two each (load-robust)."""
    name, golden, opts = args
    best = {"icarus": float("inf"), "auto": float("inf")}
    cands = [golden, golden]
    for _rep in range(2):
        for backend in ("icarus", "auto"):
            _clear_caches()
            start = time.perf_counter()
            try:
                check_with_strategy(golden, cands, CheckOptions(backend=backend, **opts))
            except InvalidGolden:
                pass
            best[backend] = min(best[backend], time.perf_counter() - start)
    return {"design": name, **{k: round(v, 4) for k, v in best.items()}}


def summarize(results: list[dict], mutant_counts: dict[str, int]) -> dict:
    by_backend: dict[str, dict] = {}
    for r in results:
        b = by_backend.setdefault(r["backend"], {"seconds": 0.0, "checks": 0, "mutants": 0,
                                                 "detected": 0, "designs": []})
        b["seconds"] += r["seconds"]
        b["checks"] += len(r["rows"])
        b["designs"].append((r["seconds"], r["design"]))
        for i, row in enumerate(r["rows"][1:], 1):
            b["mutants"] += 1
            b["detected"] += row["verdict"] == "mismatch"
    table = {}
    for name, b in by_backend.items():
        slow = sorted(b["designs"], reverse=True)[:5]
        table[name] = {"checks": b["checks"], "seconds": round(b["seconds"], 1),
                       "checks_per_s": round(b["checks"] / b["seconds"], 2) if b["seconds"] else 0,
                       "mutants": b["mutants"], "detected": b["detected"],
                       "detection_rate": round(b["detected"] / b["mutants"], 3) if b["mutants"] else 0,
                       "slowest": [(d, round(s, 2)) for s, d in slow]}
    return table


def disagreements(results: list[dict]) -> list[dict]:
    per: dict[tuple[str, int], dict[str, dict]] = {}
    for r in results:
        for i, row in enumerate(r["rows"]):
            per.setdefault((r["design"], i), {})[r["backend"]] = row
    out = []
    for (design, i), rows in sorted(per.items()):
        kinds = {b: row["verdict"] for b, row in rows.items()}
        decisive = {b: k for b, k in kinds.items() if k in ("equivalent", "mismatch")}
        if len(set(decisive.values())) > 1:
            out.append({"design": design, "candidate": i, "verdicts": kinds,
                        "reasons": {b: rows[b]["reason"][:200] for b in rows}})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="runs/backends_throughput.json")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--mutants", type=int, default=3)
    ap.add_argument("--backends", default=",".join(ALL_BACKENDS))
    ap.add_argument("--cocotb-limit", type=int, default=40, help="designs cocotb checks (slow)")
    ap.add_argument("--cycles", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--latency", action="store_true", help="also measure cold auto latency per reference")
    ap.add_argument("--only", default="", help="comma-separated design names (default: all)")
    ap.add_argument("--hidden", action="store_true",
                    help="candidates are hidden-trigger mutants (see hidden_mutant) instead")
    ap.add_argument("--paired", action="store_true",
                    help="only measure auto's overhead over icarus per design (paired, alternating)")
    a = ap.parse_args()
    opts = {"cycles": a.cycles}
    items = designs(a.limit)
    seeds = {name: i for i, (name, _src) in enumerate(items)}  # same mutants with or without --only
    if a.only:
        wanted = set(a.only.split(","))
        items = [it for it in items if it[0] in wanted]
    if a.paired:
        with ProcessPoolExecutor(1) as ex:
            pairs = list(ex.map(paired_overhead, [(n, s, opts) for n, s in items]))
        small = [p for p in pairs if p["icarus"] < 1.0]
        ti, ta = sum(p["icarus"] for p in small), sum(p["auto"] for p in small)
        worst = sorted(pairs, key=lambda p: p["auto"] / p["icarus"], reverse=True)[:8]
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(json.dumps({"pairs": pairs}, indent=1))
        print(f"designs with icarus < 1 s: {len(small)}; icarus {ti:.2f} s, auto {ta:.2f} s, "
              f"auto/icarus {ta / ti:.3f}")
        print("largest auto/icarus ratios:", worst)
        return 0
    if a.hidden:
        muts = [[m] if (m := hidden_mutant(src, seeds[n])) and _compiles(m) else [] for n, src in items]
        items, muts = zip(*[(it, m) for it, m in zip(items, muts) if m]) if any(muts) else ([], [])
        items, muts = list(items), list(muts)
    else:
        with ProcessPoolExecutor(a.workers) as ex:
            muts = list(ex.map(lambda_mutants, [(src, a.mutants, seeds[n]) for n, src in items]))
    work = []
    for b in a.backends.split(","):
        subset = items[: a.cocotb_limit] if b == "cocotb" else items
        for (name, src), m in zip(subset, muts):
            work.append((name, src, [src, *m], b, opts))
    results = []
    t0 = time.monotonic()
    partial = Path(a.out).with_suffix(".partial.jsonl")
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_text("")
    with ProcessPoolExecutor(a.workers) as ex:
        for r in ex.map(run_design, work):
            results.append(r)
            with partial.open("a") as fh:
                fh.write(json.dumps(r) + "\n")
            print(f"[{time.monotonic() - t0:7.1f}s] {r['backend']:9} {r['design']:38} {r['seconds']:6.2f}s "
                  + " ".join(row["verdict"][:4] for row in r["rows"]), flush=True)
    report = {"designs": len(items), "cycles": a.cycles,
              "versions": {b: get_backend(b).version() for b in BACKENDS},
              "summary": summarize(results, {}), "disagreements": disagreements(results),
              "results": results}
    if a.latency:
        with ProcessPoolExecutor(1) as ex:  # one at a time: latency, not throughput
            report["auto_latency"] = sorted(ex.map(cold_latency, [(n, s, "auto", opts) for n, s in items]),
                                            key=lambda r: -r["seconds"])
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(report, indent=1))
    for name, row in report["summary"].items():
        print(f"{name:10} {row['checks']:5} checks {row['seconds']:8.1f} s {row['checks_per_s']:7.2f}/s  "
              f"detected {row['detected']}/{row['mutants']} ({row['detection_rate']:.1%})  "
              f"slowest {row['slowest'][:3]}")
    print(f"{len(report['disagreements'])} disagreements")
    for d in report["disagreements"]:
        print(" ", d["design"], d["candidate"], d["verdicts"])
    if a.latency:
        print("slowest cold auto checks:", report["auto_latency"][:8])
    return 0


def lambda_mutants(args: tuple[str, int, int]) -> list[str]:
    src, n, seed = args
    return mutants(src, n, seed)


if __name__ == "__main__":
    sys.exit(main())
