"""Datasets from synthesis rows, per-source mixtures, and the resumable mixture search."""
from __future__ import annotations

import json
from collections import Counter

import pytest
from datasets import Dataset

from codev.train.config import ConfigError
from codev.train.data import apply_mixture, fill_batch, load_rl, load_sft, source_key
from codev.train.mixture import candidate_mixtures, search_mixtures

from .conftest import rl_rows, sft_rows, write_jsonl


def test_sft_rows_become_prompt_completion(tmp_path):
    ds = load_sft(str(write_jsonl(tmp_path / "sft.jsonl", sft_rows())))
    row = ds[0]
    assert row["prompt"][-1]["role"] == "user" and row["completion"][0]["role"] == "assistant"
    assert row["completion"][0]["content"].startswith("<think>")


def test_rl_rows_keep_reward_columns(data_dir):
    ds = load_rl(str(data_dir))
    assert {"prompt", "golden", "interface", "difficulty", "source", "meta", "id"} <= set(ds.column_names)


@pytest.mark.parametrize("content, message", [
    ("{not json\n", "line 1 is not JSON"),
    ('{"id": "x"}\n', "row 1 is not an RL row"),
    ("", "no rows"),
])
def test_bad_data_names_file_and_problem(tmp_path, content, message):
    path = tmp_path / "rl.jsonl"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message) as err:
        load_rl(str(path))
    assert str(path) in str(err.value)


def test_mixture_resamples_by_source(data_dir):
    ds = load_rl(str(data_dir))  # 5 "test/comb" rows, 1 "test/seq" row
    assert source_key("test/comb", {"test/": 1, "test/comb": 2}) == "test/comb"
    assert source_key("other", {"test/": 1}) is None and source_key("other", {"*": 1}) == "*"
    only_seq = apply_mixture(ds, {"test/seq": 1.0})
    assert len(only_seq) == len(ds) and set(only_seq["source"]) == {"test/seq"}
    even = Counter(apply_mixture(ds, {"test/seq": 1.0, "test/comb": 1.0}, seed=3)["source"])
    assert even["test/seq"] >= 2  # the rare source is drawn far above its 1-in-6 share
    assert apply_mixture(ds, {}) is ds
    with pytest.raises(ConfigError, match="match no row"):
        apply_mixture(ds, {"nothing/": 1.0})


def test_candidate_mixtures():
    cands = candidate_mixtures(["b", "a"], 4, seed=1)
    assert cands[0] == {"a": 0.5, "b": 0.5}
    assert len(cands) == 4 and all(abs(sum(c.values()) - 1) < 1e-3 for c in cands)
    assert cands == candidate_mixtures(["a", "b"], 4, seed=1)


def test_search_is_resumable(tmp_path):
    calls = []

    def evaluate(i, mixture):
        calls.append(i)
        return {"pass_at_1": mixture["a"]}

    cands = candidate_mixtures(["a", "b"], 3, seed=0)
    path = tmp_path / "mixtures.jsonl"
    best, records = search_mixtures(cands[:2], evaluate, path)
    assert calls == [0, 1]
    best, records = search_mixtures(cands, evaluate, path)
    assert calls == [0, 1, 2]  # only the new candidate ran
    assert best == max(cands, key=lambda m: m["a"]) and len(path.read_text().splitlines()) == 3
    assert json.loads(path.read_text().splitlines()[0])["index"] == 0


def test_fill_batch_repeats_a_one_problem_set_to_a_whole_rollout():
    # 1-shot RLVR: one row, two prompts per step; TRL drops a short prompt batch, so unfilled it trained 0 steps
    one = Dataset.from_list(rl_rows()[:1])
    filled = fill_batch(one, 2)
    assert len(filled) == 2 and set(filled["id"]) == {one["id"][0]}
    assert len(fill_batch(Dataset.from_list(rl_rows()), 2)) == len(rl_rows())  # big enough: unchanged
