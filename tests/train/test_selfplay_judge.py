"""The self-play reward on real checker runs: solver rows of each task type, proposer rows (learnability), and
the buffer and proposal records it writes."""
from __future__ import annotations

import json

import pytest

from codev.synth.checking import Checker
from codev.synth.decontam import BenchmarkIndex, DecontamConfig
from codev.train.checker_client import RewardChecker
from codev.train.reward import RewardSettings
from codev.train.selfplay.buffer import TaskBuffer
from codev.train.selfplay.config import ValidationSettings
from codev.train.selfplay.judge import SelfPlayJudge
from codev.train.selfplay.tasks import Task, record_trace, trace_answer
from codev.train.selfplay.validate import Validator
from testbench_gen import CheckOptions, infer_interface

from .conftest import answer

ACC = "module acc(input clk, input rst, input [3:0] d, output reg [5:0] s);\n" \
      "  always @(posedge clk) if (rst) s <= 0; else s <= s + d;\nendmodule\n"
ACC_WRONG = ACC.replace("s + d", "s + d + 6'd1")
ABSDIFF = "module mx(input [3:0] a, input [3:0] b, output [3:0] y);\n  assign y = (a > b) ? a - b : b - a;\nendmodule\n"
ABSDIFF_ALT = "module mx(input [3:0] a, input [3:0] b, output [3:0] y);\n  assign y = (b >= a) ? b - a : a - b;\nendmodule\n"


def _task(task_type: str, golden: str) -> Task:
    trace = record_trace(golden, 3, seed=5).__dict__ if task_type != "spec" else None
    return Task(f"seed-{task_type}", task_type, "seed", golden, json.dumps(infer_interface(golden).to_json()),
                "An accumulator." if task_type == "spec" else "", trace)


@pytest.fixture()
def judge(tmp_path, bench_root):
    buffer = TaskBuffer(tmp_path / "run")
    with RewardChecker(CheckOptions(cycles=100, timeout=20), workers=2) as checker, Checker(2) as vcheck:
        validator = Validator(ValidationSettings(cycles=100), vcheck, buffer.of_type, 3,
                              BenchmarkIndex(bench_root, DecontamConfig()))
        yield SelfPlayJudge(checker, RewardSettings(), validator, buffer, solver_samples=2)


def test_solver_rows_of_every_type(judge):
    spec, ded, ind = _task("spec", ACC), _task("deduction", ACC), _task("induction", ABSDIFF)
    truth = json.dumps(ded.trace_obj().values)
    off = ded.trace_obj()
    off.values[-1] = ["3f" if off.values[-1][0] != "3f" else "0"]
    wrong_trace = trace_answer(off)
    completions = [answer(ACC), answer(ACC_WRONG), trace_answer(ded.trace_obj()), wrong_trace, "no format",
                   answer(ABSDIFF_ALT)]
    scores = judge.score(completions=completions, role=["solver"] * 6,
                         task_type=["spec", "spec", "deduction", "deduction", "deduction", "induction"],
                         golden=[ACC, ACC, ACC, ACC, ACC, ABSDIFF], truth=["", "", truth, truth, truth, ""],
                         id=[spec.id, spec.id, ded.id, ded.id, ded.id, ind.id])
    assert [s.reward for s in scores] == [1.0, 0.0, 1.0, 0.0, 0.0, 1.0]
    assert [s.status for s in scores] == ["scored"] * 4 + ["bad_format", "scored"]
    metrics = judge.pop_metrics()
    assert metrics["selfplay/solve_rate/spec"] == 0.5 and metrics["selfplay/solve_rate/deduction"] == pytest.approx(1 / 3)
    assert metrics["selfplay/solve_rate/induction"] == 1.0


def test_proposer_rewards_learnability_and_fills_the_buffer(judge):
    # the solver (scripted: one right and one wrong answer per task) solves the valid task half the time
    judge.sampler = lambda prompts, n: [[answer(ABSDIFF_ALT), answer(ABSDIFF.replace("a - b", "a + b"))]
                                        for _ in prompts]
    texts = [answer(ABSDIFF), "gibberish", answer("module m(input [3:0] a, output [3:0] y); assign y = a; endmodule")]
    scores = judge.score(completions=texts, role=["proposer"] * 3, task_type=["induction"] * 3, golden=[""] * 3,
                         truth=[""] * 3)
    assert [s.reward for s in scores] == [0.5, 0.0, 0.0]
    assert [s.status for s in scores] == ["scored", "bad_format", "scored"]
    records = judge.buffer.proposals
    assert [(r.valid, r.reason) for r in records] == [(True, ""), (False, "parse"), (False, "trivial")]
    assert records[0].solve_rate == 0.5 and records[0].reward == 0.5
    (task,) = judge.buffer.tasks
    assert task.origin == "proposed" and task.type == "induction" and task.solve_rate == 0.5
    again = TaskBuffer(judge.buffer.dir)  # persisted as it went
    assert [t.id for t in again.tasks] == [task.id] and len(again.proposals) == 3
    metrics = judge.pop_metrics()
    assert (metrics["selfplay/proposed/induction"], metrics["selfplay/valid/induction"],
            metrics["selfplay/learnable/induction"]) == (3, 1, 1)
    # the same design proposed again is now a duplicate of the buffer task
    judge(prompts=[None], completions=[answer(ABSDIFF_ALT)], role=["proposer"], task_type=["induction"],
          golden=[""], truth=[""])
    assert judge.buffer.proposals[-1].reason == "duplicate"


def test_always_solved_task_earns_nothing(judge):
    judge.sampler = lambda prompts, n: [[answer(ABSDIFF_ALT)] * n for _ in prompts]
    rewards = judge(prompts=[None], completions=[answer(ABSDIFF)], role=["proposer"], task_type=["induction"],
                    golden=[""], truth=[""])
    assert rewards == [0.0] and judge.buffer.proposals[0].solve_rate == 1.0
