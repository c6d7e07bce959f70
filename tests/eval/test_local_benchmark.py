"""A benchmark in a known format is data only: a folder in that format plus one registry row.

The benchmarks here are written by the test (no upstream copy needed): an RTLLM-format design folder
and a VerilogEval v2-format task, registered by the bench root's own benchmarks.yaml, scored through
`codev eval` exactly as the built-in benchmarks are (references pass, a wrong sample fails). And a new
format is one flavour class (plus its line in flavours/__init__.py): the last test writes one here.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from testbench_gen.sandbox import run_limited

from codev.eval import rules
from codev.eval.benchmarks import REGISTRY_FILE, BenchmarkError, benchmarks_in, load_benchmark
from codev.eval.extract import extract_code
from codev.eval.flavours import FLAVOURS, build_prompt
from codev.eval.flavours.base import Assembled, Flavour
from codev.eval.flow import Scored, compile_step, excerpt, limits
from codev.eval.problem import Problem
from codev.llm.prompts import ChatPrompt

from .conftest import read_jsonl

PARITY = """module parity4(input [3:0] d, output p);
  assign p = ^d;
endmodule
"""
WRONG_PARITY = PARITY.replace("^d", "&d")
RTLLM_TESTBENCH = """`timescale 1ns/1ns
module tb;
  reg [3:0] d; wire p; integer i, errors;
  parity4 uut(.d(d), .p(p));
  initial begin
    errors = 0;
    for (i = 0; i < 16; i = i + 1) begin
      d = i; #1;
      if (p !== ^d) errors = errors + 1;
    end
    if (errors == 0) $display("===========Your Design Passed===========");
    else $display("===========Error: %0d wrong===========", errors);
    $finish;
  end
endmodule
"""
V2_REF = """module RefModule(input a, input b, output y);
  assign y = a ^ b;
endmodule
"""
V2_TEST = """`timescale 1 ps/1 ps
module tb();
  reg a, b; wire y_ref, y_dut; integer i, mismatches;
  RefModule good(.a(a), .b(b), .y(y_ref));
  TopModule top_module1(.a(a), .b(b), .y(y_dut));
  initial begin
    mismatches = 0;
    for (i = 0; i < 4; i = i + 1) begin
      {a, b} = i; #5;
      if (y_ref !== y_dut) mismatches = mismatches + 1;
    end
    $display("Mismatches: %1d in %1d samples", mismatches, 4);
    $finish;
  end
endmodule
"""
REGISTRY = """# two local benchmarks in formats codev knows
team-rtllm: {folder: team_designs, rule: rtllm}
team-v2: {folder: team_v2, rule: verilogeval-v2, variant: spec-to-rtl}
"""


@pytest.fixture
def local_root(tmp_path) -> Path:
    root = tmp_path / "bench"
    design = root / "team_designs" / "parity4"
    design.mkdir(parents=True)
    (design / "design_description.txt").write_text("Implement module parity4: p is the XOR of the 4 bits of d.\n")
    (design / "testbench.v").write_text(RTLLM_TESTBENCH)
    (design / "verified_parity4.v").write_text(PARITY)
    dataset = root / "team_v2" / "dataset_spec-to-rtl"
    dataset.mkdir(parents=True)
    (dataset / "problems.txt").write_text("Prob001_xor2\n")
    (dataset / "Prob001_xor2_prompt.txt").write_text("I would like you to implement a module named TopModule with inputs a, b and output y = a xor b.\n")
    (dataset / "Prob001_xor2_ref.sv").write_text(V2_REF)
    (dataset / "Prob001_xor2_test.sv").write_text(V2_TEST)
    (root / REGISTRY_FILE).write_text(REGISTRY)
    return root


def test_registered_benchmarks_load_through_their_flavour(local_root):
    registry = benchmarks_in(local_root)
    assert registry["team-rtllm"].rule == "rtllm" and "verilogeval-v1-human" in registry  # built-ins stay
    [design] = load_benchmark("team-rtllm", local_root)
    assert (design.id, design.top, design.rule) == ("parity4", "parity4", "rtllm")
    assert build_prompt(design, "official").messages() == [{"role": "user", "content": design.prompt}]
    [task] = load_benchmark("team-v2", local_root)
    assert task.reference == V2_REF.replace("RefModule", "TopModule")
    assert build_prompt(task, "official").user.endswith("Answer:\n")  # sv-generate's spec-to-rtl template


def test_a_local_benchmark_is_scored_like_a_built_in_one(local_root, tmp_path, run_cli, iverilog_major):
    out = tmp_path / "refs"
    status, stdout, err = run_cli("eval", "--references", "--bench", "team-rtllm,team-v2", "--bench-root", local_root,
                                  "--out", out, "--k", "1", "--jobs", "2", "--no-progress")
    assert status == 0, err
    verdicts = {(r["benchmark"], r["task_id"]): r["verdict"] for r in read_jsonl(out / "results.jsonl")}
    assert verdicts == {("team-rtllm", "parity4"): "pass", ("team-v2", "Prob001_xor2"): "pass"}
    assert "team-rtllm" in stdout and "100.00" in stdout

    samples = tmp_path / "samples" / "parity4"
    samples.mkdir(parents=True)
    (samples / "t1.v").write_text(PARITY)
    (samples / "t2.v").write_text(WRONG_PARITY)
    out = tmp_path / "samples_run"
    status, stdout, err = run_cli("eval", "--samples", samples.parent, "--bench", "team-rtllm", "--bench-root", local_root,
                                  "--out", out, "--k", "1", "--jobs", "2", "--no-progress")
    assert status == 0, err
    official = {r["index"]: r["verdict"] for r in read_jsonl(out / "results.jsonl") if r["variant"] == "official"}
    assert official == {0: "pass", 1: "fail"}


@pytest.mark.parametrize("row, message", [
    ("x: {folder: f, rule: vhdl-eval}", "'rule' must be one of verilogeval-v1, verilogeval-v2, rtllm, cvdp"),
    ("x: {folder: ../elsewhere, rule: rtllm}", "'folder' must name a folder under the bench root"),
    ("x: {folder: f, rule: rtllm, flavor: 1}", "unknown key 'flavor'"),
    ("rtllm-v2: {folder: f, rule: rtllm}", "'rtllm-v2' is a built-in benchmark"),
    ("[not, a, mapping]", "mapping"),
])
def test_a_bad_registry_row_is_one_line_naming_the_file(tmp_path, run_cli, row, message):
    (tmp_path / REGISTRY_FILE).write_text(row + "\n")
    with pytest.raises(BenchmarkError) as caught:
        benchmarks_in(tmp_path)
    assert str(tmp_path / REGISTRY_FILE) in str(caught.value) and message in str(caught.value)
    status, _, err = run_cli("eval", "--references", "--bench", "x", "--bench-root", tmp_path, "--out", tmp_path / "o")
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1


def test_the_command_line_names_local_benchmarks(local_root, tmp_path, run_cli):
    status, _, err = run_cli("eval", "--references", "--bench", "team-rtlm", "--bench-root", local_root, "--out", tmp_path / "o")
    assert status == 2 and "unknown benchmark team-rtlm" in err and "team-rtllm" in err and "Traceback" not in err


class PlainFlavour(Flavour):
    """A format codev does not know, written as a new flavour module would be: `<id>/{spec.txt,ref.v,tb.v}`,
    pass iff the testbench prints PASS."""

    name = "plain"

    def load(self, spec, folder):
        return [Problem(id=d.name, benchmark=spec.name, prompt=(d / "spec.txt").read_text(), header="",
                        reference=(d / "ref.v").read_text(), testbench=(d / "tb.v").read_text(), rule=spec.rule,
                        category="plain", top="parity4") for d in sorted(folder.iterdir()) if d.is_dir()]

    def official_prompt(self, problem):
        return ChatPrompt(None, problem.prompt)

    def extract(self, problem, response):
        found = extract_code(response)
        return Assembled(found.code, found.source)

    def run(self, problem, source, work, bounds, icarus):
        (work / "answer.v").write_text(source)
        (work / "tb.v").write_text(problem.testbench)
        comp = compile_step([icarus.iverilog, "-o", "sim", "answer.v", "tb.v"], work, bounds)
        if not comp.ok:
            return Scored(rules.COMPILE_ERROR, "", excerpt(comp.stderr), comp.seconds)
        sim = run_limited([icarus.vvp, "-n", "sim"], work, limits(bounds.rtllm_s))
        return Scored(rules.PASS if "PASS" in sim.stdout else rules.FAIL, "", excerpt(sim.stdout), comp.seconds + sim.seconds)


def test_a_new_format_is_one_flavour_module(tmp_path, run_cli, monkeypatch, iverilog_major):
    monkeypatch.setitem(FLAVOURS, "plain", PlainFlavour())  # what one line in flavours/__init__.py does
    root = tmp_path / "bench"
    design = root / "plain_designs" / "parity4"
    design.mkdir(parents=True)
    (design / "spec.txt").write_text("parity4: p is the XOR of d[3:0]\n")
    (design / "ref.v").write_text(PARITY)
    (design / "tb.v").write_text(RTLLM_TESTBENCH.replace("Your Design Passed", "PASS"))
    (root / REGISTRY_FILE).write_text("team-plain: {folder: plain_designs, rule: plain}\n")
    samples = tmp_path / "samples.jsonl"
    samples.write_text("".join(json.dumps({"task_id": "parity4", "completion": f"```verilog\n{code}```\n", "index": i}) + "\n"
                               for i, code in enumerate((PARITY, WRONG_PARITY, "module parity4(;"))))
    for source in (("--references",), ("--samples", samples)):
        out = tmp_path / source[0].strip("-")
        status, _, err = run_cli("eval", *source, "--bench", "team-plain", "--bench-root", root, "--out", out,
                                 "--k", "1", "--jobs", "2", "--no-progress")
        assert status == 0, err
        verdicts = [r["verdict"] for r in sorted(read_jsonl(out / "results.jsonl"), key=lambda r: r["index"]) if r["variant"] == "official"]
        assert verdicts == (["pass"] if source[0] == "--references" else ["pass", "fail", "compile-error"])
