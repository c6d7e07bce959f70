"""The coverage mapping names every VerilogEval v2 and RTLLM v2 problem once, and only real families."""
from __future__ import annotations

from codev.eval.benchmarks import load_benchmark
from codev.synth.coverage import check, load_coverage, table
from codev.synth.generator import FAMILIES


def test_every_problem_is_in_exactly_one_category(bench_root):
    problems = {name: [p.id for p in load_benchmark(name, bench_root)]
                for name in ("verilogeval-v2-spec-to-rtl", "rtllm-v2")}
    assert len(problems["verilogeval-v2-spec-to-rtl"]) == 156 and len(problems["rtllm-v2"]) == 50
    categories = load_coverage()
    assert check(categories, problems, set(FAMILIES)) == []
    text = table(categories)
    assert "| verilogeval-v2-spec-to-rtl | 156 |" in text and "| rtllm-v2 | 50 |" in text
