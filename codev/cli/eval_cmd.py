"""`codev eval`: pass@k on VerilogEval v1/v2, RTLLM v1.1/v2 and CVDP with the benchmarks' own testbenches
(CVDP: each datapoint's cocotb harness) under Icarus."""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from codev.cli import UsageError

from codev.eval.userconfig import BENCH_ROOT_ENV, require_bench_root


class _Formatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults in the option help, and the examples kept as written."""


def register(subparsers) -> None:
    from codev.eval.benchmarks import BENCHMARKS
    from codev.eval.formats import FORMATS as SAMPLE_FORMATS
    from codev.eval.flavours.base import STYLES

    p = subparsers.add_parser(
        "eval",
        help="benchmark pass@k with the official testbenches (Icarus, sandboxed)",
        description=__doc__,
        formatter_class=_Formatter,
        epilog="examples:\n"
        "  codev eval --references --bench rtllm-v2\n"
        "  codev doctor --install iverilog==12   # once: Icarus 12, used by codev eval from then on\n"
        "  codev eval --samples samples.jsonl_results.jsonl --bench verilogeval-v1-human\n"
        "  codev eval --samples ../shared/benchmarks/rtllm_samples/chatgpt4 --bench rtllm-v2\n"
        "  codev bench fetch cvdp --from cvdp_example.jsonl && codev eval --references --bench cvdp",
    )
    p.add_argument("--bench", default="all", help=f"comma-separated benchmarks, or 'all' (all but cvdp and cvdp-agentic, which "
                   f"`codev bench fetch cvdp` brings): {', '.join(BENCHMARKS)}")
    p.add_argument(
        "--bench-root",
        type=Path,
        help=f"folder with verilogeval_v1/ ... rtllm_v2/ (default: ${BENCH_ROOT_ENV}, else bench_root in "
        "~/.config/codev/config.yaml, which `codev bench fetch` records, else ../shared/benchmarks)",
    )
    p.add_argument("--out", type=Path, default=Path("runs/eval"), help="output folder (a rerun resumes in it)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument(
        "--samples",
        type=Path,
        help="samples to score: our JSONL (task_id, completion [, index, benchmark]), a VerilogEval v1 "
        "human-eval JSONL, a VerilogEval v2 harness folder or an RTLLM-style folder (see --sample-format)",
    )
    src.add_argument("--references", action="store_true", help="score the benchmarks' own reference solutions")
    src.add_argument("--model", help="local Hugging Face model folder to generate with")
    src.add_argument("--endpoint", help="OpenAI-compatible base URL to generate with (needs --model-name)")
    p.add_argument(
        "--sample-format",
        choices=("auto", *SAMPLE_FORMATS),
        default="auto",
        help="how --samples is laid out (auto: detected from the file names / completions)",
    )
    p.add_argument("--iverilog", help="the iverilog binary for this run (its vvp beside it); default: the Icarus 12 "
                   "that `codev doctor --install iverilog==12` built, else PATH's iverilog")
    p.add_argument("--model-name", help="model name to request from --endpoint")
    p.add_argument("--n", type=int, default=1, help="samples per problem to generate")
    p.add_argument("--temperature", type=float, default=0.8,
                   help="sampling temperature (--model/--endpoint); VerilogEval v2 reports 0.85 with --n 20 and 0 with --n 1")
    p.add_argument("--top-p", type=float, default=0.95, help="nucleus sampling: keep the smallest token set with this much probability")
    p.add_argument("--max-tokens", type=int, default=2048,
                   help="most tokens generated per answer (reasoning models need far more, e.g. 16384)")
    p.add_argument("--prompt-style", choices=STYLES, default="official",
                   help="official: each benchmark's own prompt (VerilogEval v2's sv-generate 0-shot, v1's header to "
                   "complete, RTLLM's description); codev-r1: CodeV-R1's <think>/<answer> system prompt")
    p.add_argument("--batch-size", type=int, default=8, help="prompts per forward pass (--model)")
    p.add_argument("--concurrency", type=int, default=8, help="requests in flight (--endpoint)")
    p.add_argument("--retries", type=int, default=5, help="retries per request on transient errors (--endpoint)")
    p.add_argument("--seed", type=int, default=0, help="sampling seed (--model)")
    p.add_argument("--k", default="1,5,10", help="pass@k values")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="simulations in parallel")
    p.add_argument("--sim-timeout", type=float, help="override the official simulation bounds (seconds; not official)")
    p.add_argument("--problems", help="comma-separated problem ids to restrict to")
    p.add_argument("--fixed-testbenches", action="store_true", help="also score with the documented fixes (reported separately)")
    p.add_argument("--equivalence", action="store_true", help="second opinion: our equivalence checker against the reference")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def _parse_k(text: str) -> list[int]:
    try:
        ks = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise UsageError(f"--k {text!r}: expected comma-separated integers such as 1,5,10") from None
    if not ks or ks[0] < 1:
        raise UsageError(f"--k {text!r}: values must be >= 1")
    return ks


def _parse_benchmarks(text: str, bench_root: Path | None = None) -> list[str]:
    """The --bench names: built-in ones, or ones the bench root's benchmarks.yaml registers."""
    from codev.eval.benchmarks import BENCHMARKS, DEFAULT_BENCHMARKS, BenchmarkError, benchmarks_in

    names = list(DEFAULT_BENCHMARKS) if text.strip() == "all" else [n.strip() for n in text.split(",") if n.strip()]
    known = BENCHMARKS
    if not names:
        raise UsageError(f"--bench {text!r}: no benchmark named (known: {', '.join(known)}, all)")
    if any(n not in known for n in names):
        try:
            root = require_bench_root(bench_root)
        except UsageError:
            root = None  # no bench root: the names are unknown
        try:
            known = benchmarks_in(root)
        except BenchmarkError as exc:  # a bad registry file there
            raise UsageError(str(exc)) from None
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(f"--bench: unknown benchmark {', '.join(unknown)} (known: {', '.join(known)}, all)")
    return names


def build_config(args):
    from codev.eval.generate import GenerationConfig
    from codev.eval.flow import Bounds
    from codev.eval.runner import EvalConfig
    from codev.eval.tools import Icarus, default_icarus

    generation = None
    if args.model or args.endpoint:
        if args.endpoint and not args.model_name:
            raise UsageError("--endpoint needs --model-name")
        if args.model and not Path(args.model).is_dir():
            raise UsageError(f"--model {args.model}: not a model folder")
        if args.n < 1 or args.max_tokens < 1 or args.batch_size < 1 or args.concurrency < 1 or args.retries < 0:
            raise UsageError("--n, --max-tokens, --batch-size and --concurrency must be >= 1, --retries >= 0")
        generation = GenerationConfig(
            backend="openai" if args.endpoint else "hf",
            model=args.model_name if args.endpoint else str(Path(args.model).resolve()),
            endpoint=args.endpoint,
            n=args.n,
            temperature=args.temperature,
            top_p=args.top_p,
            max_tokens=args.max_tokens,
            prompt_style=args.prompt_style,
            batch_size=args.batch_size,
            concurrency=args.concurrency,
            retries=args.retries,
            seed=args.seed,
        )
    if args.samples is not None and not args.samples.exists():
        raise UsageError(f"--samples {args.samples}: file not found")
    if args.sample_format != "auto" and args.samples is None:
        raise UsageError("--sample-format needs --samples")
    icarus = default_icarus()
    if args.iverilog:
        try:
            icarus = Icarus.at(args.iverilog)
        except FileNotFoundError as exc:
            raise UsageError(f"--iverilog {exc}") from None
    if args.jobs < 1:
        raise UsageError("--jobs must be >= 1")
    bounds = Bounds()
    if args.sim_timeout is not None:
        if args.sim_timeout <= 0:
            raise UsageError("--sim-timeout must be > 0")
        bounds = bounds.scaled_to(args.sim_timeout)
    return EvalConfig(
        benchmarks=_parse_benchmarks(args.bench, args.bench_root),
        bench_root=require_bench_root(args.bench_root),
        out=args.out,
        samples=args.samples,
        sample_format=args.sample_format,
        icarus=icarus,
        references=args.references,
        generation=generation,
        ks=_parse_k(args.k),
        jobs=args.jobs,
        bounds=bounds,
        fixed_testbenches=args.fixed_testbenches,
        equivalence=args.equivalence,
        problems={p.strip() for p in args.problems.split(",") if p.strip()} if args.problems else None,
        progress=not args.no_progress,
    )


def stop_now(out: Path) -> None:
    """Ctrl-C: say so and leave at once. Every finished verdict and generation is already on disk;
    waiting for the simulations in flight (up to their 30-60 s bounds) would only delay the user, and
    the sandbox's launchers die with this process (PR_SET_PDEATHSIG)."""
    print(f"\ncodev eval: interrupted; rerun to resume (finished work is kept in {out})", file=sys.stderr, flush=True)
    sys.stdout.flush()
    os._exit(130)


def run(args) -> int:
    from codev.eval.benchmarks import BenchmarkError
    from codev.eval.fixes import FixError
    from codev.eval.generate import GenerationMismatch
    from codev.eval.records import SamplesError
    from codev.eval.report import CHART_FILE, REPORT_FILE, SUMMARY_FILE
    from codev.eval.runner import RESULTS_FILE, run_eval
    from codev.eval.tools import iverilog_version
    from codev.llm.hf_local import LocalModelError
    from codev.llm.openai_client import EndpointError

    config = build_config(args)
    if iverilog_version(config.icarus.iverilog).major is None:
        raise UsageError(f"{config.icarus.iverilog}: iverilog not found or not runnable (install Icarus Verilog 11 or 12)")
    status = (lambda msg: None) if args.no_progress else (lambda msg: print(msg, file=sys.stderr))
    if threading.current_thread() is threading.main_thread():
        # a shell starting us in the background sets SIGINT to "ignore"; `kill -INT` must still stop the run
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        output = run_eval(config, on_status=status)
    except KeyboardInterrupt:
        stop_now(config.out)
    except (BenchmarkError, SamplesError, FixError, GenerationMismatch) as exc:
        raise UsageError(str(exc)) from None
    except (EndpointError, LocalModelError) as exc:
        print(f"codev eval: error: {exc} (generations so far are saved in {config.out}; rerun to resume)", file=sys.stderr)
        return 1
    except ImportError as exc:
        if exc.name and exc.name.startswith("testbench_gen"):
            raise UsageError(f"--equivalence needs the equivalence checker ({exc})") from None
        raise

    ks = [f"pass@{k}" for k in config.ks]
    first = ks[0]
    print("benchmark (official)".ljust(30) + "".join(k.rjust(10) for k in ks) + "syntax".rjust(10)
          + f"  | repaired {first} (samples changed)")
    for name, b in output.summary["benchmarks"].items():
        cells = ["–" if b[k] is None else f"{100 * b[k]:.2f}" for k in ks]
        syntax = "–" if b["syntax_rate"] is None else f"{100 * b['syntax_rate']:.2f}"
        r = b["repaired"]
        repaired = f"{'–' if r[first] is None else f'{100 * r[first]:.2f}'} ({r['changed']})"
        print(name.ljust(30) + "".join(c.rjust(10) for c in cells) + syntax.rjust(10) + f"  | {repaired}")
    files = ", ".join(str(config.out / f) for f in (RESULTS_FILE, SUMMARY_FILE, REPORT_FILE, CHART_FILE) if (config.out / f).exists())
    print(f"wrote {files}")
    return 0
