"""Self-play tasks, buffer and recipe: parsing, traces from simulation, prompts, persistence and resume."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from codev.synth.records import RLItem
from codev.train.config import ConfigError
from codev.train.selfplay.buffer import TaskBuffer, seed_tasks
from codev.train.selfplay.buffer import ProposalRecord
from codev.train.selfplay.config import load_selfplay_recipe
from codev.train.selfplay.tasks import (parse_proposal, parse_trace_answer, record_trace, solver_prompt,
                                        trace_answer, trace_matches)

from .conftest import answer, rl_rows

ROOT = Path(__file__).resolve().parents[2]
CNT = "module cnt4(input clk, input rst, output reg [3:0] q);\n" \
      "  always @(posedge clk) if (rst) q <= 4'd0; else q <= q + 4'd1;\nendmodule\n"


def test_parse_proposals():
    spec = "<think>a parity task</think><spec>Output p is the parity of d.</spec><answer>```verilog\nmodule p(input [7:0] d, output q); assign q = ^d; endmodule\n```</answer>"
    p = parse_proposal("spec", spec)
    assert p.golden.startswith("module p(") and p.spec == "Output p is the parity of d."
    assert parse_proposal("spec", answer(CNT)).golden is None  # no <spec>
    assert parse_proposal("deduction", answer(CNT)).golden == CNT
    assert parse_proposal("induction", "module x; endmodule").problem


def test_trace_is_simulated_and_answers_are_read_exactly():
    trace = record_trace(CNT, cycles=4, seed=1)
    assert trace.inputs == ["clk", "rst"] and trace.outputs == ["q"] and len(trace.rows) == 8
    assert all(v[0] in "0123456789abcdefx" for v in trace.values)
    assert record_trace(CNT, cycles=4, seed=1) == trace  # deterministic for a seed
    text = trace_answer(trace)
    predicted = parse_trace_answer(text, len(trace.values), 1)
    assert trace_matches(predicted, trace.values)
    assert parse_trace_answer(text, len(trace.values) + 1, 1) is None  # a step missing
    assert parse_trace_answer("<answer>0: 1</answer>", 1, 1) is None      # no <think>
    assert trace_matches([["0a", "x"]], [["a", "x"]]) and not trace_matches([["b", "x"]], [["a", "x"]])
    assert parse_trace_answer("<think>.</think><answer>0: 0x0A\n</answer>", 1, 1) == [["a"]]


def test_solver_prompts_hide_what_they_must():
    items = [RLItem.from_row(r) for r in rl_rows()]
    tasks = seed_tasks(items[-1:], ["spec", "deduction", "induction"], trace_cycles=3)
    spec, ded, ind = tasks
    assert solver_prompt(spec)[1]["content"] == items[-1].prompt[0]["content"]  # the item's own prompt
    spec.user_prompt = ""
    assert "cnt4" in solver_prompt(spec)[1]["content"] and "always" not in solver_prompt(spec)[1]["content"]
    assert "module cnt4(" in solver_prompt(spec)[1]["content"]  # the module head is given
    assert CNT.strip() in solver_prompt(ded)[1]["content"]
    assert "| q" not in solver_prompt(ded)[1]["content"]           # outputs are what the solver predicts
    assert "always" not in solver_prompt(ind)[1]["content"] and "| q" in solver_prompt(ind)[1]["content"]


def test_buffer_persists_and_survives_a_torn_line(tmp_path):
    items = [RLItem.from_row(r) for r in rl_rows()]
    buffer = TaskBuffer(tmp_path)
    tasks = seed_tasks(items, ["spec", "induction"], trace_cycles=3)
    assert len(tasks) == 2 * len(items)
    for t in tasks:
        assert buffer.add(t)
    assert not buffer.add(tasks[0])
    buffer.record(ProposalRecord(0, "spec", False, "parse", "no answer", text="x"))
    with (tmp_path / "tasks.jsonl").open("a") as fh:
        fh.write('{"id": "torn", "ty')  # killed mid-write
    again = TaskBuffer(tmp_path)
    assert [t.id for t in again.tasks] == [t.id for t in tasks]
    assert again.add(tasks[0].__class__(**{**tasks[0].to_row(), "id": "new"}))
    rows = [json.loads(line) for line in (tmp_path / "tasks.jsonl").read_text().splitlines()]
    assert rows[-1]["id"] == "new" and len(rows) == len(tasks) + 1
    assert again.proposals[0].reason == "parse"


@pytest.mark.parametrize("name", ["selfplay_tiny_cpu.yaml", "selfplay_gpu_small.yaml", "selfplay_codev_r1_7b.yaml"])
def test_recipes_load(name):
    recipe = load_selfplay_recipe(ROOT / "configs" / name)
    assert recipe.selfplay.rounds >= 1 and recipe.selfplay.rl.prompts_per_step >= 1


@pytest.mark.parametrize("body,message", [
    ("selfplay:\n  task_types: [spec, abduction]\n", "task_types"),
    ("selfplay:\n  baseline: ppo\n", "baseline"),
    ("selfplay:\n  rounds: 0\n", "rounds"),
    ("selfplay:\n  validation:\n    seeds: [3]\n", "two distinct seeds"),
    ("selfplay:\n  roundz: 3\n", "unknown key"),
    ("selfplay:\n  rl:\n    prompts_per_step: 64\n", "prompts_per_step"),
])
def test_recipe_errors_name_the_key(tmp_path, body, message):
    path = tmp_path / "bad.yaml"
    path.write_text(body)
    with pytest.raises(ConfigError, match=message):
        load_selfplay_recipe(path)
