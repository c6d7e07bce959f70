"""Build the built-in replay files from seed/authored.yaml (responses written by the developers).

The replay backend looks responses up by the hash of the exact prompt, and the prompts embed the
ingested module text and the spec, so the files are derived here from the same ingest and prompt code
the pipeline runs: `python -m codev.synth.seed_build` after editing a seed module, a prompt or the YAML.
"""
from __future__ import annotations

import json
import sys

from codev.config import read_mapping

from codev.llm.backend import prompt_hash

from .config import BUILTIN_DIR, SourceConfig
from .ingest import ModuleIndex, documents, items_of
from .prompts import code_messages, spec_messages

AUTHORED = BUILTIN_DIR / "authored.yaml"
ROUNDTRIP_FILE = BUILTIN_DIR / "replay_roundtrip.jsonl"
BASE_FILE = BUILTIN_DIR / "replay_base.jsonl"
HEADER = ("Written by the codev developers, not recorded from a model (see authored.yaml): responses a capable "
          "model would give, some deliberately wrong, for the built-in seed corpus.")


def seed_items() -> dict[str, str]:
    """Top module name -> ingested code, exactly as the pipeline sees it (the first file wins, as in dedup)."""
    source = SourceConfig(kind="seed", name="seed")
    index = ModuleIndex(source)
    codes: dict[str, str] = {}
    for doc in documents(source):
        for item in items_of(doc, source, index):
            codes.setdefault(item.top, item.code)
    return codes


def build_rows() -> tuple[list[dict], list[dict]]:
    authored = read_mapping(AUTHORED, what="seed file")["items"]
    codes = seed_items()
    missing = sorted(set(authored) - set(codes))
    if missing:
        raise SystemExit(f"{AUTHORED}: no seed module named {', '.join(missing)}")
    roundtrip, base = [{"header": HEADER}], [{"header": HEADER}]
    for top, entry in sorted(authored.items()):
        spec = spec_messages(codes[top])
        ask = code_messages(entry["spec"])
        roundtrip.append({"top": top, "turn": "spec", "prompt_hash": prompt_hash(spec), "responses": [entry["spec"]]})
        roundtrip.append({"top": top, "turn": "code", "prompt_hash": prompt_hash(ask), "responses": entry["answers"]})
        if entry.get("base"):
            base.append({"top": top, "turn": "base", "prompt_hash": prompt_hash(ask), "responses": entry["base"]})
    return roundtrip, base


def render(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main() -> int:
    roundtrip, base = build_rows()
    ROUNDTRIP_FILE.write_text(render(roundtrip), encoding="utf-8")
    BASE_FILE.write_text(render(base), encoding="utf-8")
    print(f"wrote {ROUNDTRIP_FILE} ({len(roundtrip) - 1} prompts) and {BASE_FILE} ({len(base) - 1} prompts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
