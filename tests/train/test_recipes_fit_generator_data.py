"""The shipped CPU recipes fit the generator data they are documented with: no SFT row cut at max_length, no
reference answer longer than the RL completion cap. Both were silent no-ops once (tiny_cpu.yaml cut all 40 rows
of the README's `codev synth generate --n 40` and clipped every RL completion at 64 tokens; small_cpu.yaml's
320-token cap cut the alu level-2 answers of bench/rl_gain.py; `make demo`'s 384-token cap clipped 60-75% of
its RL completions once the counter answers grew to 461 tokens, and every reward was 0).

The designs are the generator's own candidates (the ones `codev synth generate` verifies first), rendered as
the rows it writes; the tokenizer is the tiny model's, fitted on those rows as `path: tiny` does.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from codev.cli.demo_cmd import load_demo_config, write_stage_config
from codev.synth.config import load_config
from codev.synth.generator import GeneratorConfig, candidate, rows
from codev.train.config import load_recipe
from codev.train.data import load_sft
from codev.train.model import load_tokenizer, resolve_model_path
from codev.train.sft import truncation_stats

from .conftest import write_jsonl

ROOT = Path(__file__).resolve().parents[2]


def _sft_rows(config: GeneratorConfig, count: int) -> list[dict]:
    return [rows(candidate(config, i), {})[1].to_row() for i in range(count)]


def _shipped(recipe: str, generator: GeneratorConfig):
    return lambda tmp_path: (load_recipe(ROOT / "configs" / recipe), generator)


def _demo(tmp_path: Path):
    """`make demo`'s training recipe (tiny_cpu.yaml + demo.yaml's override) and generator settings, written and
    loaded as `codev demo` writes them for its stages."""
    path = ROOT / "configs" / "demo.yaml"
    demo = load_demo_config(path)
    synth = load_config(write_stage_config(demo.synth, path, tmp_path / "synth.yaml", "synth"))
    return load_recipe(write_stage_config(demo.train, path, tmp_path / "train.yaml", "train")), synth.generator


@pytest.mark.parametrize("load", [
    _shipped("tiny_cpu.yaml", GeneratorConfig(n=40)),                   # the README's training example
    _shipped("small_cpu.yaml", GeneratorConfig(n=60, families=("alu",), min_level=2, max_level=2)),  # rl_gain.py
    _demo,  # make demo: its counters ran to 461 tokens under a 384 cap, RL saw no reward signal
], ids=["tiny_cpu", "small_cpu", "demo"])
def test_recipe_lengths_fit_generator_rows(load, tmp_path):
    r, generator = load(tmp_path)
    write_jsonl(tmp_path / "sft.jsonl", _sft_rows(generator, generator.n))
    dataset = load_sft(str(tmp_path))
    texts = [m["content"] for row in dataset for m in row["prompt"] + row["completion"]]
    tokenizer = load_tokenizer(resolve_model_path(r.model, str(tmp_path / "model"), texts))
    stats = truncation_stats(dataset, tokenizer, r.sft.max_length)
    assert stats.truncated == 0, stats.message()
    answers = [len(tokenizer(row["completion"][0]["content"], add_special_tokens=False)["input_ids"])
               for row in dataset]
    assert max(answers) < r.rl.max_completion_length, max(answers)
