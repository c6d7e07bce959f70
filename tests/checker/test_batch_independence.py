"""Property: a verdict never depends on batch-mates (issue 16, section 2).

For random batches drawn from a fixed corpus of real model outputs (the RTLLM GPT-3.5/GPT-4 samples
in the shared benchmarks) and single-site mutants of the references (testbench_gen.design.mutants), every
candidate's verdict alone equals its verdict in the batch, with the same seed, under every backend:
the same kind, and for a mismatch the same first differing step. A batch-mate that changed another's
verdict (Verilator's time-0 edges made a sync-reset design fail beside an async-reset one) is a
false alarm for one and possibly a free pass for another.

The fast test draws one small batch per backend; the slow one draws several, larger ones.
"""
from __future__ import annotations

import random

import pytest

from testbench_gen import CheckOptions, check
from testbench_gen.run.simulators import get_backend
from testbench_gen.design.mutants import mutants

from tests.benchdata import bench_root



def corpus(design: str, n_mutants: int, seed: int = 0) -> tuple[str, list[str]]:
    """The RTLLM v1.1 reference of `design`, and its candidates: the ten model samples (pass, fail,
    compile error alike) and `n_mutants` mutants of the reference."""
    folder = bench_root() / "rtllm_v1_1" / design
    golden = next(folder.glob("verified_*.v")).read_text()
    samples = [p.read_text(errors="replace") for p in sorted((bench_root() / "rtllm_samples").glob(f"*/t*/{design}.v"))]
    # the reference's module is verified_<x>; a mutant keeps it, so rename to the samples' name
    name = design
    mutated = [m.source.replace(f"verified_{name}", name) for m in mutants(golden, limit=n_mutants, seed=seed)]
    return golden, samples + mutated


def key(verdict) -> tuple:
    cex = verdict.counterexample
    return verdict.kind, cex.step if cex is not None else None


def assert_batch_independent(golden: str, pool: list[str], backend: str, batches: int, size: int,
                             seed: int) -> int:
    """Draw `batches` random batches of `size` from `pool`; returns the number of verdicts compared."""
    rng = random.Random(seed)
    options = CheckOptions(cycles=120, seeds=2, seed=seed, backend=backend)
    alone: dict[int, tuple] = {}
    compared = 0
    for _ in range(batches):
        picks = rng.sample(range(len(pool)), min(size, len(pool)))
        for i in picks:
            if i not in alone:
                alone[i] = key(check(golden, [pool[i]], options)[0])
        together = check(golden, [pool[i] for i in picks], options)
        for i, verdict in zip(picks, together):
            assert key(verdict) == alone[i], (backend, i, alone[i], verdict.kind, verdict.reason)
            compared += 1
    return compared


def need(backend: str) -> None:
    if not (bench_root() / "rtllm_samples").exists():
        pytest.skip("RTLLM samples not present (only ../shared/benchmarks has them, not a fetched copy)")
    if backend in ("verilator",) and not get_backend("verilator").available():
        pytest.skip("verilator not installed")
    if backend == "hybrid":
        from testbench_gen.proof.formal import yosys_command

        if yosys_command() is None:
            pytest.skip("yosys not installed")


@pytest.mark.parametrize("backend, size", [("icarus", 5), ("verilator", 3)])  # Verilator: a build per check
def test_verdicts_do_not_depend_on_batch_mates(backend, size):
    need(backend)
    golden, pool = corpus("accu", n_mutants=3)
    assert assert_batch_independent(golden, pool, backend, batches=1, size=size, seed=11) == size


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["icarus", "verilator", "auto", "hybrid"])
@pytest.mark.parametrize("design", ["accu", "edge_detect", "counter_12", "pulse_detect", "JC_counter"])
def test_verdicts_do_not_depend_on_batch_mates_slow(backend, design):
    need(backend)
    golden, pool = corpus(design, n_mutants=6)
    assert assert_batch_independent(golden, pool, backend, batches=3, size=6, seed=5) > 0
