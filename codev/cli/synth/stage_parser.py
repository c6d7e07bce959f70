"""One item stage as a command: parser shape shared by filter, dedup, decontam, roundtrip, difficulty."""
from __future__ import annotations

import argparse

from codev.cli.synth.common import add_common


def stage_parser(sub, name: str, help_text: str, example: str, func) -> argparse.ArgumentParser:
    """DIR/kept.jsonl and DIR/dropped.jsonl from --input; resumes from DIR/checkpoint.jsonl."""
    p = sub.add_parser(name, help=help_text, description=help_text + ". Writes DIR/kept.jsonl and DIR/dropped.jsonl; "
                       "a rerun resumes from DIR/checkpoint.jsonl.", epilog=f"example:\n  {example}",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common(p)
    p.set_defaults(func=func)
    return p
