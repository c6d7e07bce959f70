"""`codev synth export-replay`: a run's recorded LLM responses as a replay file (rerun offline)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from codev.errors import UsageError

EXAMPLE = ("example:\n  codev synth export-replay --run runs/synth --out recorded.jsonl\n"
           "  # then in the config: llm: {kind: replay, path: recorded.jsonl}")


def register(sub) -> None:
    p = sub.add_parser("export-replay", help="a run's LLM responses as a replay file for offline reruns",
                       description=__doc__, epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", type=Path, required=True, help="output folder of `codev synth run` (or of a stage)")
    p.add_argument("--out", type=Path, required=True, help="replay file to write (JSONL)")
    p.set_defaults(func=run)


def run(args) -> int:
    from codev.synth.llm_cache import export_replay

    caches = sorted((args.run / "llm").glob("*.jsonl")) if (args.run / "llm").is_dir() else []
    if not caches:
        raise UsageError(f"--run {args.run}: no recorded LLM responses (expected {args.run / 'llm'}/*.jsonl)")
    header = f"Recorded by codev synth from the responses in {args.run} ({', '.join(c.stem for c in caches)})."
    n = export_replay(caches, args.out, header)
    print(json.dumps({"prompts": n, "out": str(args.out)}))
    return 0
