"""Where does a model go wrong on alu generator problems? Per case arm of the golden, by its operation: how
often the model's arm is the golden's, and which operation it wrote instead.

    python bench/alu_arm_errors.py --model M --data D/heldout [--samples 2] [--temperature 0.6]

Written for the RL-gain benchmark (bench/rl_gain.py): RL can only sharpen what the SFT model already does
sometimes. If an operation's arms are right at chance among look-alikes (AND / OR / XOR: 1 in 3), the
model never learned to read it from the spec, and no reweighting of its own samples will teach it.
Samples are classed as all right, wrong only by swaps among the bitwise look-alikes, or otherwise wrong.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ARM = re.compile(r"(\d+'d\d+)\s*:\s*r\s*=\s*([^;]*);")
LOOKALIKES = ({"and", "or", "xor"}, {"nand", "nor", "xnor"})


def arms(verilog: str) -> list[tuple[str, str]]:
    """(case label, expression) of each `N'dK: r = EXPR;` arm, in order."""
    return [(label, " ".join(expr.split())) for label, expr in ARM.findall(verilog)]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True, help="a generator output folder (its rl.jsonl) of alu problems")
    p.add_argument("--samples", type=int, default=2)
    p.add_argument("--temperature", type=float, default=0.6)
    p.add_argument("--max-tokens", type=int, default=576)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()

    import torch

    from codev.llm.hf_local import LocalModelBackend, LocalModelConfig
    from codev.llm.openai_client import ChatRequest
    from codev.synth.generator.families.alu import OPS
    from codev.train.reward import extract_answer

    torch.set_num_threads(args.threads)
    path = Path(args.data) / "rl.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    for row in rows:  # rl.jsonl keeps meta as a JSON string (one schema for every family)
        row["meta"] = json.loads(row["meta"]) if isinstance(row.get("meta"), str) else row.get("meta") or {}
    rows = [r for r in rows if r["meta"].get("family") == "alu"]
    if not rows:
        sys.exit(f"alu_arm_errors: {path}: no alu generator problems")
    requests = [ChatRequest((i, k), row["prompt"]) for i, row in enumerate(rows) for k in range(args.samples)]
    texts: dict[tuple[int, int], str] = {}
    LocalModelBackend(LocalModelConfig(args.model, temperature=args.temperature, top_p=1.0,
                                       max_tokens=args.max_tokens, batch_size=128, seed=args.seed,
                                       device="cpu")).complete(requests, lambda q, t: texts.__setitem__(q.key, t))
    by_expr = {" ".join(v[0].split()): name for name, v in OPS.items()}  # bitwise ones carry no width
    per_op: dict[str, Counter] = defaultdict(Counter)
    samples = Counter()
    for (i, _), text in sorted(texts.items()):
        ops = rows[i]["meta"]["params"]["ops"]
        wrote = dict(arms(extract_answer(text) or ""))  # the reward's parser: a malformed answer has no arms
        kinds = []
        for label, expr in arms(rows[i]["golden"]):  # arms with flags (`begin ... end`) are not read
            op = ops[label.split("'d")[1]]
            got = wrote.get(label)
            instead = "right" if got == expr else by_expr.get(got or "", "other")
            per_op[op][instead] += 1
            kinds.append("right" if instead == "right" else
                         "swap" if any(op in g and instead in g for g in LOOKALIKES) else "other")
        samples["all right" if all(k == "right" for k in kinds) else
                "only look-alike swaps" if "other" not in kinds else "other errors"] += 1
    print(f"{args.model} on {len(rows)} problems x {args.samples} samples, T={args.temperature}, seed {args.seed}")
    print("| golden op | arms | right | written instead |\n|---|---|---|---|")
    for op, c in sorted(per_op.items()):
        n = sum(c.values())
        instead = ", ".join(f"{k} {v}" for k, v in c.most_common() if k != "right")
        print(f"| {op} | {n} | {c['right'] / n:.3f} | {instead or '-'} |")
    for group in LOOKALIKES:
        n = sum(sum(per_op[op].values()) for op in group)
        right = sum(per_op[op]["right"] for op in group)
        print(f"look-alikes {'/'.join(sorted(group))}: {right} of {n} arms right ({right / max(1, n):.3f}; "
              f"chance 1/{len(group)})")
    print("samples: " + ", ".join(f"{k} {v}" for k, v in samples.most_common()))


if __name__ == "__main__":
    main()
