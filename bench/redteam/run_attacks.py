"""Run the red-team suite: each attack alone and between a correct and a wrong batch-mate.

    python bench/redteam/run_attacks.py [NAME_SUBSTRING ...] [--backend B]

HOLE: a wrong candidate judged `equivalent`, a candidate-caused infra_error/timeout, or a batch-mate
whose verdict is not what it is alone. Attacks marked correct=True are functionally right: only infra/timeouts and batch-mates count.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

# REDTEAM_CODE=DIR attacks another checkout (e.g. a `git archive` of a branch) with this suite
sys.path.insert(0, os.environ.get("REDTEAM_CODE") or str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from attacks import ATTACKS, MATES
from testbench_gen import CheckOptions, check
from testbench_gen.config import StrategyOptions
from testbench_gen.verdict import VerdictKind as K


def judge(attack, alone, batch) -> str:
    bad = (K.INFRA_ERROR, K.TIMEOUT)
    if alone.kind in bad or batch[2].kind in bad:
        return "HOLE(infra)"
    if batch[0].kind is not K.EQUIVALENT or batch[1].kind is not K.MISMATCH:
        return "HOLE(batch-mate)"
    if not attack.correct and K.EQUIVALENT in (alone.kind, batch[2].kind):
        return "HOLE"
    return "ok"


def main() -> int:
    ap = argparse.ArgumentParser(epilog="example: run_attacks.py trojan --backend hybrid")
    ap.add_argument("names", nargs="*")
    ap.add_argument("--backend", action="append")
    args = ap.parse_args()
    print(f"{'attack':34} {'backend':9} {'alone':16} {'batch (ok, bad, attacker)':48} result  s")
    for attack in ATTACKS:
        if args.names and not any(n in attack.name for n in args.names):
            continue
        golden, ok, bad = MATES[attack.golden]
        for backend in attack.backends:
            if args.backend and backend not in args.backend:
                continue
            opts = CheckOptions(backend=backend)
            if backend == "auto_v":  # auto as for a slow golden (conwaylife): Verilator decides
                opts = CheckOptions(backend="auto", strategy=StrategyOptions(probe_seconds=0.001))
            start = time.monotonic()
            try:
                alone = check(golden, [attack.candidate], opts)[0]
                batch = check(golden, [ok, bad, attack.candidate], opts)
            except Exception as exc:  # noqa: BLE001  an exception out of check() is a finding too
                print(f"{attack.name:34} {backend:9} EXCEPTION {type(exc).__name__}: {str(exc)[:80]}  HOLE(raise)")
                continue
            result = judge(attack, alone, batch)
            print(f"{attack.name:34} {backend:9} {alone.kind.value:16} "
                  f"{', '.join(v.kind.value for v in batch):48} {result:7} {time.monotonic() - start:.0f}"
                  f"\n{'':45}alone: {alone.reason[:150]!r}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
