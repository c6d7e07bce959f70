"""Rouge-L decontamination: what it catches, what it wrongly drops, what it costs (prints figures; not run by CI).

  copies     every benchmark reference renamed and reordered (`reordered`): how many the 8-gram Dice screen
             misses, and of those how many the Rouge-L code screen catches (its score distribution)
  families   each benchmark family's references screened against the other's (VerilogEval vs RTLLM): the
             highest Rouge-L of unrelated real designs, the false positives a threshold would make
  items      --items JSONL (a generator's rl.jsonl, or synth items): the items Rouge-L drops, with the
             reference and score of each, so one can read whether they are genuine benchmark look-alikes
  speed      items/s of the Rouge-L screen alone (code and spec) on those items, or on --speed N
             synthetic distinct modules (bench/synth_throughput.py's random logic)

    python bench/decontam_rouge.py [--bench-root DIR] [--items gen/rl.jsonl] [--speed 2000]
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from pathlib import Path

from codev.eval.benchmarks import load_benchmark
from codev.synth.decontam import BenchmarkIndex, DecontamConfig, spec_of, words
from codev.synth.items import Item
from codev.synth.tokens import KEYWORDS, canonical, ngrams, skeleton, tokens

_IDENT = re.compile(r"(?<![\w$'`.])([A-Za-z_][A-Za-z0-9_$]*)\b")
FAMILIES = (("verilogeval-v2-spec-to-rtl",), ("rtllm-v2", "rtllm-v1.1"))


def reordered(code: str) -> str:
    """A renamed, reformatted copy: every name changed, comments gone, a parameter declared first in the body
    (every name now first appears one place later, so every canonical name differs), `else` branches wrapped
    in begin/end, one statement a line."""
    names = {t: f"n{i}_x" for i, t in enumerate(sorted({t for t in tokens(code) if t[0].isalpha() or t[0] == "_"}
                                                        - KEYWORDS))}
    text = _IDENT.sub(lambda m: names.get(m.group(1), m.group(1)), re.sub(r"//[^\n]*|/\*.*?\*/", " ", code, flags=re.S))
    text = re.sub(r"\)\s*;", ");\nlocalparam ONE = 1;", text, count=1)
    text = re.sub(r"\belse\s+(?!if|begin)([^;]*;)", r"else begin \1 end", text)
    return re.sub(r"\s*;\s*", ";\n", " ".join(text.split()))


def dice(a: str, b: str, n: int = 8) -> float:
    mine, theirs = ngrams(canonical(a), n), ngrams(canonical(b), n)
    return 2 * len(mine & theirs) / (len(mine) + len(theirs)) if mine and theirs else 0.0


def spread(values: list[float]) -> str:
    return f"min {min(values):.2f} median {statistics.median(values):.2f} max {max(values):.2f}" if values else "none"


def copies(index: BenchmarkIndex) -> None:
    config = index.config
    scored = []
    for ref in index.refs:
        copy = reordered(ref.code)
        if len(canonical(copy)) < config.rouge_min_tokens:
            continue
        code_only = index.by_code.best(skeleton(copy), 1e-9)
        scored.append((ref, dice(copy, ref.code), index.text_match(copy), code_only))
    missed = [s for s in scored if s[2] is None]
    caught = [s for s in missed if s[3] and s[3][1] >= config.rouge_l_code]
    print(f"\n== copies: {len(scored)} references renamed and reordered (at least {config.rouge_min_tokens} tokens)")
    print(f"8-gram Dice: {spread([s[1] for s in scored])}; {len(missed)} below {config.threshold} (missed by the text screen)")
    print(f"Rouge-L of the code (skeleton) on those {len(missed)}: {spread([s[3][1] for s in missed if s[3]])}; "
          f"{len(caught)} at or above {config.rouge_l_code}")
    for ref, d, _, best in sorted(missed, key=lambda s: s[3][1] if s[3] else 0)[:5]:
        print(f"  lowest: {ref.benchmark}/{ref.problem} Dice {d:.2f} Rouge-L {best[1] if best else 0:.2f}")


def families(root: Path) -> None:
    print("\n== families: one benchmark family's references against the other's (unrelated real designs)")
    for indexed, screened in (FAMILIES, FAMILIES[::-1]):
        other = BenchmarkIndex(root, DecontamConfig(benchmarks=indexed))
        found = []
        for name in screened:
            for problem in load_benchmark(name, root):
                best = other.by_code.best(skeleton(problem.reference), 1e-9)
                if best:
                    found.append((best[1], f"{name}/{problem.id}", other.refs[best[0]].problem))
        found.sort(reverse=True)
        print(f"{'+'.join(screened)} vs {'+'.join(indexed)}: {len(found)} scored, {spread([f[0] for f in found])}; "
              f"top: " + "; ".join(f"{a} ~ {b} {s:.2f}" for s, a, b in found[:3]))


def read_items(path: Path) -> list[Item]:
    items = []
    for n, line in enumerate(open(path)):
        row = json.loads(line)
        code = row.get("golden") or row.get("code")
        data = dict(row.get("data") or {})
        if "prompt" in row:  # a generator RL row: the user turn is its spec
            turns = row["prompt"] if isinstance(row["prompt"], list) else [{"role": "user", "content": row["prompt"]}]
            data["prompt"] = next((t["content"] for t in turns if t.get("role") == "user"), "")
        items.append(Item(str(row.get("id", n)), code, row.get("top", ""), "bench", data=data))
    return items


def screen(index: BenchmarkIndex, items: list[Item], label: str) -> None:
    start = time.perf_counter()
    hits = [(item, index.rouge_match(item.code, spec_of(item))) for item in items]
    seconds = time.perf_counter() - start
    dropped = [(item, hit) for item, hit in hits if hit]
    print(f"\n== {label}: {len(items)} items, Rouge-L screen (code at {index.config.rouge_l_code}, spec at "
          f"{index.config.rouge_l}) in {seconds:.2f} s = {len(items) / seconds:.0f} items/s; {len(dropped)} dropped")
    for item, (ref, score, what) in dropped:
        print(f"  {item.id}: {what} {score:.2f} ~ {ref.benchmark}/{ref.problem}")
    for what, scores in (("code", [(index.by_code.best(skeleton(i.code), 1e-9), i) for i in items]),
                         ("spec", [(index.by_spec.best(words(spec_of(i)), 1e-9), i) for i in items if spec_of(i)])):
        found = sorted(((b[1], i.id, b[0]) for b, i in scores if b), reverse=True)
        refs = index.refs if what == "code" else index.described
        print(f"best Rouge-L of the {what} per item ({len(found)} scored): {spread([f[0] for f in found])}; top: "
              + "; ".join(f"{i} ~ {refs[k].problem} {s:.2f}" for s, i, k in found[:4]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench-root", type=Path, default=None)
    parser.add_argument("--items", type=Path, help="JSONL of items to screen (generator rl.jsonl or synth items)")
    parser.add_argument("--speed", type=int, default=0, help="also time the screen on N synthetic distinct modules")
    args = parser.parse_args()
    from codev.eval.userconfig import require_bench_root

    args.bench_root = require_bench_root(args.bench_root)  # the one lookup (flag, $CODEV_BENCH_ROOT, fetched copy)
    start = time.perf_counter()
    index = BenchmarkIndex(args.bench_root, DecontamConfig())
    print(f"indexed {len(index.refs)} references, {len(index.by_code)} skeletons and {len(index.by_spec)} "
          f"descriptions in {time.perf_counter() - start:.1f} s")
    copies(index)
    families(args.bench_root)
    if args.items:
        screen(index, read_items(args.items), str(args.items))
    if args.speed:
        from synth_throughput import distinct  # bench/ is this script's folder

        with tempfile.TemporaryDirectory() as tmp:
            rows = [json.loads(line) for line in open(distinct(Path(tmp) / "d.jsonl", args.speed))]
        screen(index, [Item(str(n), r["code"], "", "bench") for n, r in enumerate(rows)], f"{args.speed} distinct modules")


if __name__ == "__main__":
    main()
