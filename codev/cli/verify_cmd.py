"""`codev verify`: is each candidate equivalent to the golden? (the checker's CLI contract)

Exit status: 0 every candidate equivalent; 1 at least one is not; 2 usage error or invalid golden
(with --manifest an invalid golden is that job's `invalid_golden` lines, exit 1); 3 infrastructure
failure (a verdict that says nothing about the candidate because the machine failed).
--manifest JOBS.jsonl checks many goldens in one process start: each line is
{"id": ..., "golden": PATH, "candidates": [PATH, ...]} (paths relative to the manifest; with
"inline": true the strings are Verilog text); output is one JSON line per candidate with "job": id.
`seconds` is the checking time attributed to a candidate: its share (time / n) of the batch
simulation of n candidates it ran in (or its own lone run or screening), plus formal's time.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from testbench_gen import (CheckJob, CheckOptions, InvalidGolden, SimulatorUnavailable, Verdict, VerdictKind,
                           check_many, prepare_golden)

from testbench_gen.run.golden import GOLDEN_FILE

from . import UsageError
from .common import read_source


def register(sub) -> None:
    p = sub.add_parser("verify", help="check candidates against a golden design",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="example: codev verify --golden ref.v --candidate a.v --candidate b.v --json\n"
                              "         codev verify --manifest jobs.jsonl --jobs 4")
    p.add_argument("--golden", help="reference design (Verilog/SystemVerilog)")
    p.add_argument("--candidate", action="append", help="candidate file (repeatable)")
    p.add_argument("--manifest", metavar="JOBS.jsonl",
                   help='many jobs, one JSON line each: {"id", "golden", "candidates": [...]}')
    p.add_argument("--config", help="YAML recipe with checker options (see configs/verify.yaml); flags override it")
    p.add_argument("--top", help="golden's top module (default: the one no module instantiates)")
    p.add_argument("--cycles", type=int, help=f"clock cycles over all seeds (default {CheckOptions.cycles})")
    p.add_argument("--seeds", type=int, help=f"stimulus segments, each from reset (default {CheckOptions.seeds})")
    p.add_argument("--seed", type=int, help="stimulus seed (default: a fresh one per run, printed with the verdicts)")
    p.add_argument("--timeout", type=float,
                   help=f"hard cap on simulation seconds per candidate (default {CheckOptions.timeout:.0f}); "
                        "the limit also scales with the golden's own time")
    p.add_argument("--jobs", type=int, default=1, help="parallel worker processes")
    p.add_argument("--ray", metavar="ADDRESS", help="check on a Ray cluster ('local' starts one; needs codev[ray])")
    p.add_argument("--backend", help="icarus (default), verilator, cocotb, formal, auto or hybrid")
    p.add_argument("--strict-x", action="store_true", default=None, help="golden X bits must be matched exactly")
    p.add_argument("--replay-dir", help="write a standalone replay testbench per mismatching candidate here")
    p.add_argument("--json", action="store_true", help="one JSON object per candidate per line")
    p.set_defaults(func=run)


def verdict_record(candidate: str, verdict: Verdict) -> dict:
    record = {
        "candidate": candidate,
        "verdict": verdict.kind.value,
        "reason": verdict.reason,
        "seconds": round(verdict.seconds, 4),
        "backend": verdict.backend,
        "simulator": verdict.simulator,  # the simulator whose run decided (auto/hybrid pick one per batch)
        "mismatch_rate": verdict.mismatch_rate,
        "samples_compared": verdict.samples_compared,
        "seed": verdict.seed,
        "untoggled": verdict.untoggled,
        # formal's part (hybrid/formal): {kind: proven|bounded|not_counted|counterexample|unsupported|skipped,
        # bound, why, confirmed, would_be}; null when formal did not run
        "formal": verdict.formal.to_json() if verdict.formal is not None else None,
    }
    if verdict.detail:
        record["detail"] = verdict.detail
    cex = verdict.counterexample
    if cex is not None:
        record["counterexample"] = {
            "cycle": cex.cycle,
            "time_ns": cex.time_ns,
            "inputs": cex.inputs,
            "outputs": {k: {"expected": v.expected, "actual": v.actual} for k, v in cex.outputs.items()},
        }
    return record


def exit_status(verdicts: list[Verdict]) -> int:
    if any(v.kind is VerdictKind.INFRA_ERROR for v in verdicts):
        return 3
    return 0 if all(v.is_equivalent for v in verdicts) else 1


def options_from(args) -> CheckOptions:
    """Defaults, then the YAML recipe, then the flags given on the command line."""
    values = {}
    if args.config:
        values = load_config(args.config)
    flags = {"top": args.top, "cycles": args.cycles, "seeds": args.seeds, "seed": args.seed,
             "timeout": args.timeout, "backend": args.backend,
             "x_matches_anything": None if args.strict_x is None else not args.strict_x,
             "replay_testbench": True if args.replay_dir else None}
    values.update({k: v for k, v in flags.items() if v is not None})
    try:
        options = CheckOptions.from_mapping(values, source=args.config or "options")
    except (TypeError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    if options.cycles < 1 or options.seeds < 1 or options.timeout <= 0 or args.jobs < 1:
        raise UsageError("cycles, seeds and --jobs must be positive, timeout > 0")
    return options.with_seed()  # one seed per run: the golden is simulated once, verdicts record it


def load_config(path: str) -> dict:
    """The checker options of a YAML recipe: the mapping itself or its `checker:` section."""
    from codev.config import read_mapping

    return read_mapping(path, section="checker")


def run(args) -> int:
    options = options_from(args)
    try:
        route = options.route
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.manifest:
        if args.golden or args.candidate:
            raise UsageError("--manifest replaces --golden and --candidate: give one or the other")
        return run_manifest(args, options)
    if not args.golden or not args.candidate:
        raise UsageError("give --golden and at least one --candidate (or --manifest JOBS.jsonl)")
    golden = read_source(args.golden, "golden")
    candidates = [read_source(c, "candidate", binary_ok=True) for c in args.candidate]
    if route.simulator:  # one harness simulator: its golden is what the check records
        try:
            prepare_golden(golden, options)  # fail fast, with the golden's own problem
        except InvalidGolden as exc:
            raise UsageError(f"golden file {args.golden}: {user_paths(str(exc), args.golden)}") from None
        except SimulatorUnavailable as exc:
            print(f"codev verify: infrastructure failure: {exc}", file=sys.stderr)
            return 3
    job = CheckJob(golden, candidates, options, names=list(args.candidate))
    verdicts = _check_jobs(args, [job])[0]
    invalid = [v for v in verdicts if v.kind is VerdictKind.INVALID_GOLDEN]
    if verdicts and len(invalid) == len(verdicts):
        raise UsageError(f"golden file {args.golden}: {user_paths(invalid[0].reason, args.golden)}")
    if args.replay_dir:
        _write_replays(Path(args.replay_dir), args.candidate, verdicts)
    if args.json:
        for name, v in zip(args.candidate, verdicts):
            print(json.dumps(verdict_record(name, v)))
    else:
        _print_table(args.candidate, verdicts)
    return exit_status(verdicts)


def user_paths(message: str, golden_path: str) -> str:
    """A checker message with the golden's own path where the checker names its copy."""
    return message.replace(f"{GOLDEN_FILE}:", f"{golden_path}:")


def _check_jobs(args, jobs: list[CheckJob], on_result=None) -> list[list[Verdict]]:
    if args.ray:
        try:
            from testbench_gen.service.ray_pool import check_many_ray
        except ImportError:
            raise UsageError("--ray needs the optional dependency: pip install 'codev[ray]'") from None
        return check_many_ray(jobs, address=args.ray, on_result=on_result)
    return check_many(jobs, workers=args.jobs, on_result=on_result)


def read_manifest(path: str, options: CheckOptions) -> tuple[list[str], list[CheckJob], list[str]]:
    """Job ids, jobs and golden paths of a JSONL manifest; a UsageError names the file, the line and
    the problem."""
    base = Path(path).resolve().parent
    ids, jobs, golden_names = [], [], []
    for number, line in enumerate(read_source(path, "manifest").splitlines(), 1):
        if not line.strip():
            continue
        where = f"manifest {path}, line {number}"
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{where}: not valid JSON ({exc.msg})") from None
        if not isinstance(entry, dict) or not {"id", "golden", "candidates"} <= set(entry):
            raise UsageError(f'{where}: expected an object with "id", "golden" and "candidates"')
        cands = entry["candidates"]
        if not isinstance(entry["golden"], str) or not isinstance(cands, list) or \
                not all(isinstance(c, str) for c in cands):
            raise UsageError(f'{where}: "golden" must be a string and "candidates" a list of strings')
        if entry.get("inline"):
            golden, sources, names = entry["golden"], list(cands), [f"candidate_{i}.v" for i in range(len(cands))]
        else:
            golden = read_source(str(base / entry["golden"]), f"{where}: golden")
            sources = [read_source(str(base / c), f"{where}: candidate", binary_ok=True) for c in cands]
            names = list(cands)
        ids.append(entry["id"])
        jobs.append(CheckJob(golden, sources, options, names=names))
        golden_names.append("golden" if entry.get("inline") else entry["golden"])
    return ids, jobs, golden_names


def run_manifest(args, options: CheckOptions) -> int:
    """Every job of the manifest in one pool; each job's lines are printed as soon as it is done."""
    ids, jobs, golden_names = read_manifest(args.manifest, options)
    left = [len(job.candidates) for job in jobs]
    done: dict[int, list[Verdict | None]] = {j: [None] * n for j, n in enumerate(left)}
    printed = 0

    def on_result(j: int, c: int, verdict: Verdict) -> None:
        nonlocal printed
        done[j][c] = verdict
        left[j] -= 1
        while printed < len(jobs) and left[printed] == 0:  # in job order, as soon as possible
            for name, v in zip(jobs[printed].names, done[printed]):
                if v.kind is VerdictKind.INVALID_GOLDEN:
                    v.reason = user_paths(v.reason, golden_names[printed])
                print(json.dumps({"job": ids[printed], **verdict_record(name, v)}), flush=True)
            printed += 1

    verdicts = _check_jobs(args, jobs, on_result)
    for j in range(printed, len(jobs)):  # jobs without candidates
        for name, v in zip(jobs[j].names, verdicts[j]):
            print(json.dumps({"job": ids[j], **verdict_record(name, v)}))
    return exit_status([v for per_job in verdicts for v in per_job])


def _write_replays(directory: Path, names: list[str], verdicts: list[Verdict]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for i, (name, v) in enumerate(zip(names, verdicts)):
        if v.counterexample and v.counterexample.testbench:
            (directory / f"replay_{i}_{Path(name).stem}.v").write_text(v.counterexample.testbench)


def _print_table(names: list[str], verdicts: list[Verdict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for col in ("candidate", "verdict", "seconds", "reason"):
        table.add_column(col)
    colours = {VerdictKind.EQUIVALENT: "green", VerdictKind.MISMATCH: "red"}
    for name, v in zip(names, verdicts):
        colour = colours.get(v.kind, "yellow")
        reason = v.reason + (f"\n{v.detail.strip()[:400]}" if v.detail else "")
        table.add_row(name, f"[{colour}]{v.kind.value}[/]", f"{v.seconds:.3f}", reason)
    seeds = sorted({v.seed for v in verdicts if v.seed is not None})
    caption = ["seconds: each candidate's share of the batch simulation it ran in (time / batch size)"]
    if seeds:
        caption.insert(0, "stimulus seed " + ", ".join(map(str, seeds)) + " (--seed reproduces it)")
    table.caption = "; ".join(caption)
    Console(file=sys.stdout, width=160).print(table)
