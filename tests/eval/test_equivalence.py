"""--equivalence: our checker as a second opinion, and where it disagrees with the benchmark's testbench."""
from __future__ import annotations

import json

import pytest

from .conftest import write_jsonl

CONSTANT_COMPARATOR = """```verilog
module comparator_3bit(input [2:0] A, input [2:0] B, output A_greater, output A_equal, output A_less);
  assign A_greater = 1'b1;
  assign A_equal = 1'b1;
  assign A_less = 1'b1;
endmodule
```"""
RIGHT_COMPARATOR = CONSTANT_COMPARATOR.replace("= 1'b1;\n  assign A_equal = 1'b1;\n  assign A_less = 1'b1;",
                                               "= A > B;\n  assign A_equal = A == B;\n  assign A_less = A < B;")


@pytest.mark.slow  # a sweep: `make test-slow`
def test_references_disagree_exactly_on_broken_testbenches(bench_root, iverilog_major, run_cli, tmp_path):
    out = tmp_path / "eq"
    status, _, stderr = run_cli(
        "eval", "--references", "--bench", "rtllm-v2", "--bench-root", bench_root, "--out", out,
        "--jobs", "2", "--equivalence", "--no-progress",
    )
    assert status == 0, stderr
    eq = json.loads((out / "summary.json").read_text())["benchmarks"]["rtllm-v2"]["equivalence"]
    # the reference is equivalent to itself everywhere (but clkgenerator, a `#`-delay clock that the
    # candidate policy rejects); the testbench fails it where it is broken
    assert eq["checker_verdicts"] == {"equivalent": 49, "rejected": 1}
    assert sorted(d["task_id"] for d in eq["disagreements"]) == ["asyn_fifo", "radix2_div", "ring_counter"]
    assert "Second opinion" in (out / "report.md").read_text()


def test_weak_testbench_passing_a_wrong_design_is_caught(bench_root, iverilog_major, run_cli, tmp_path):
    samples = write_jsonl(
        tmp_path / "s.jsonl",
        [{"task_id": "comparator_3bit", "completion": CONSTANT_COMPARATOR},
         {"task_id": "comparator_3bit", "completion": RIGHT_COMPARATOR}],
    )
    out = tmp_path / "weak"
    status, _, stderr = run_cli(
        "eval", "--samples", samples, "--bench", "rtllm-v2", "--problems", "comparator_3bit", "--bench-root", bench_root,
        "--out", out, "--equivalence", "--jobs", "2", "--no-progress",
    )
    assert status == 0, stderr
    bench = json.loads((out / "summary.json").read_text())["benchmarks"]["rtllm-v2"]
    assert bench["per_problem"]["comparator_3bit"]["c"] == 2  # the official testbench passes both
    assert bench["flagged"]["comparator_3bit"]["kind"] == "weak"
    eq = bench["equivalence"]
    assert (eq["compared"], eq["agree"]) == (2, 1)
    [d] = eq["disagreements"]
    assert (d["index"], d["testbench"], d["checker"]) == (0, "pass", "mismatch")


def test_the_second_opinion_runs_the_icarus_the_run_scores_with(monkeypatch, tmp_path):
    """`--iverilog` picks the Icarus of the official flow; the checker's second opinion must run that one too."""
    import shutil

    from codev.eval.equivalence import make_checker
    from codev.eval.problem import Problem
    from codev.eval.tools import Icarus

    if not shutil.which("iverilog"):
        pytest.skip("iverilog not installed")
    monkeypatch.delenv("CODEV_IVERILOG", raising=False)
    monkeypatch.delenv("CODEV_VVP", raising=False)
    right = RIGHT_COMPARATOR.removeprefix("```verilog\n").removesuffix("```")
    problem = Problem(id="cmp", benchmark="local", prompt="", header="", reference=right, testbench="",
                      rule="rtllm", category="", top="comparator_3bit")
    code = problem.reference
    assert make_checker(Icarus.at(shutil.which("iverilog")))(problem, code)["verdict"] == "equivalent"
    # an Icarus that does not exist: the checker must fail to run it rather than quietly use PATH's
    missing = str(tmp_path / "no-icarus" / "iverilog")
    verdict = make_checker(Icarus(missing, str(tmp_path / "no-icarus" / "vvp")))(problem, code)
    assert verdict["verdict"] != "equivalent" and not verdict["checked"], verdict
