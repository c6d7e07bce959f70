"""`codev synth ingest`: split sources into modules (with their submodules) and record provenance."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from codev.errors import UsageError

EXAMPLE = ("example:\n  codev synth ingest --source rtl/ --out runs/ingest\n"
           "  codev synth ingest --source data.jsonl --kind jsonl --code-column text --out runs/ingest")


def register(sub) -> None:
    p = sub.add_parser("ingest", help="split .v/.sv folders, JSONL, parquet or HF datasets into module items",
                       description=__doc__, epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--source", help="folder, JSONL/parquet file or Hugging Face dataset (default: the config's sources)")
    p.add_argument("--kind", choices=("folder", "jsonl", "parquet", "hf", "seed"), default="folder",
                   help="what --source is (seed: the built-in corpus, no --source)")
    p.add_argument("--code-column", default="code", help="column holding the Verilog (jsonl, parquet, hf)")
    p.add_argument("--licence", default="", help="licence to record when the data names none")
    p.add_argument("--config", type=Path, help="synthesis config (YAML) whose sources to ingest")
    p.add_argument("--out", type=Path, required=True, help="output folder: items.jsonl, dropped.jsonl")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def run(args) -> int:
    from codev.synth.config import ConfigError, config_from_mapping, load_config
    from codev.synth.ingest import IngestError
    from codev.synth.ingest_stage import run_ingest
    from codev.synth.outputs import write_jsonl
    from codev.synth.store import KEPT, StageFile

    try:
        if args.kind == "seed":
            config = config_from_mapping({"sources": [{"kind": "seed", "licence": "Apache-2.0"}]}, "--kind seed")
        elif args.source:
            path = args.source if args.kind == "hf" and not Path(args.source).exists() else str(Path(args.source).resolve())
            source = {"kind": args.kind, "path": path, "columns": {"code": args.code_column}, "licence": args.licence}
            config = config_from_mapping({"sources": [source]}, "--source")
        elif args.config:
            config = load_config(args.config)
        else:
            raise UsageError("give --source PATH, --kind seed or --config CFG.yaml")
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    args.out.mkdir(parents=True, exist_ok=True)
    checkpoint = StageFile(args.out / "checkpoint.jsonl")
    try:
        run_ingest(config.sources, checkpoint, not args.no_progress)
    except IngestError as exc:
        raise UsageError(str(exc)) from None
    items = write_jsonl(args.out / "items.jsonl", (r["item"] for r in checkpoint.records() if r["status"] == KEPT))
    dropped = write_jsonl(args.out / "dropped.jsonl", ({"id": r["id"], "reason": r["reason"], "path": r["item"]["path"]}
                                                       for r in checkpoint.records() if r["status"] != KEPT))
    print(json.dumps({"stage": "ingest", "items": items, "dropped": dropped}))
    return 0
