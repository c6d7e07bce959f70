"""`codev bench fetch`: download VerilogEval v1/v2 and RTLLM v1.1/v2 at their pinned commits, verify every
file's sha256, lay them out as codev expects and record the folder in ~/.config/codev/config.yaml.
`codev bench fetch cvdp`: NVIDIA's CVDP from the Hugging Face hub (gated: HF_TOKEN) or --from a local copy,
into <dest>/cvdp/, every datapoint parsed and the sha256 of every accepted file recorded."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from codev.cli import UsageError

DEFAULT_DEST = Path("~/.local/share/codev/benchmarks")


def register(subparsers) -> None:
    from codev.eval.fetch import DEFAULT_BASE_URL, SOURCES

    p = subparsers.add_parser("bench", help="benchmark data: fetch the pinned upstream copies",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                              epilog="example:\n  codev bench fetch --dest ~/benchmarks")
    sub = p.add_subparsers(dest="bench_command", metavar="ACTION", required=True)
    f = sub.add_parser(
        "fetch",
        help="download, verify and lay out the benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example:\n  codev bench fetch --dest ~/benchmarks\n  codev eval --references --bench rtllm-v2   "
        "# finds ~/benchmarks through ~/.config/codev/config.yaml\n"
        "  codev bench fetch cvdp --dest ~/benchmarks   # or: --from cvdp_v1.0.4_nonagentic_code_generation_no_commercial.jsonl\n"
        "  codev eval --bench cvdp --samples answers.jsonl",
    )
    f.add_argument("name", nargs="?", choices=("cvdp",), help="fetch this benchmark instead of the pinned MIT ones")
    f.add_argument("--from", dest="source", type=Path,
                   help="cvdp: a local CVDP JSONL/Parquet file, a folder of them, or a datasets save_to_disk folder "
                   "(instead of the hub)")
    f.add_argument("--revision", default="main", help="cvdp: hub revision (branch, tag or commit) to download")
    f.add_argument("--dest", type=Path, default=DEFAULT_DEST, help=f"folder to fill (default: {DEFAULT_DEST})")
    f.add_argument("--only", help=f"comma-separated folders (default: all of {', '.join(s.folder for s in SOURCES)})")
    f.add_argument("--base-url", default=DEFAULT_BASE_URL,
                   help="where the archives are: {base}/{owner}/{name}/archive/{commit}.tar.gz (a mirror)")
    f.add_argument("--sha256-file", type=Path, help="pinned sums to check against (default: the ones shipped with codev)")
    f.add_argument("--timeout", type=float, default=120.0, help="seconds per download")
    f.add_argument("--no-record", action="store_true", help="do not write bench_root to ~/.config/codev/config.yaml")
    f.set_defaults(func=run)


def run(args) -> int:
    from codev.eval.fetch import PINNED_SUMS, SOURCES, FetchConfig, FetchError, fetch

    if args.name == "cvdp":
        return run_cvdp(args)
    if args.source is not None:
        raise UsageError("--from is for `codev bench fetch cvdp`")

    known = [s.folder for s in SOURCES]
    folders = known if not args.only else [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in folders if name not in known]
    if unknown or not folders:
        raise UsageError(f"--only: unknown folder {', '.join(unknown) or repr(args.only)} (known: {', '.join(known)})")
    if args.sha256_file is not None and not args.sha256_file.is_file():
        raise UsageError(f"--sha256-file {args.sha256_file}: file not found")
    dest = args.dest.expanduser()
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"--dest {dest}: not a folder")
    config = FetchConfig(dest=dest, base_url=args.base_url, sums_file=args.sha256_file or PINNED_SUMS,
                         timeout_s=args.timeout, folders=folders)
    try:
        fetched = fetch(config, on_status=lambda msg: print(msg, file=sys.stderr))
    except FetchError as exc:
        print(f"codev bench fetch: error: {exc}", file=sys.stderr)
        return 1
    for item in fetched:
        print(f"{item.folder:16} {item.files:5} files  {'downloaded and verified' if item.downloaded else 'already there'}")
    return _record(dest, args.no_record)


def run_cvdp(args) -> int:
    from codev.eval.cvdp_fetch import CvdpFetchError, fetch_cvdp

    if args.only:
        raise UsageError("--only is for the pinned benchmarks, not cvdp")
    dest = args.dest.expanduser()
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"--dest {dest}: not a folder")
    try:
        fetched = fetch_cvdp(dest, args.source, args.revision, on_status=lambda msg: print(msg, file=sys.stderr))
    except CvdpFetchError as exc:
        print(f"codev bench fetch cvdp: error: {exc}", file=sys.stderr)
        return 1
    print(f"cvdp: {fetched.datapoints} datapoints from {fetched.source}: {fetched.supported} non-agentic ones run "
          f"on free tools (--bench cvdp), {fetched.agentic} agentic ones in one shot (--bench cvdp-agentic)")
    for rel, digest in fetched.files.items():
        print(f"  {digest}  {rel}")
    return _record(dest, args.no_record)


def _record(dest: Path, skip: bool) -> int:
    """Remember `dest` as the benchmark folder (unless --no-record), as both fetches end."""
    from codev.eval.userconfig import ConfigError, record_bench_root

    if not skip:
        try:
            path = record_bench_root(dest)
        except ConfigError as exc:
            raise UsageError(str(exc)) from None
        print(f"recorded bench_root: {dest.resolve()} in {path}")
    return 0
