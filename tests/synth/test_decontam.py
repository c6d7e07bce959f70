"""Decontamination: a benchmark reference with renamed signals and new layout is caught by text; the same
function written in another style (no shared text) only by the checker; an unrelated design is kept."""
from __future__ import annotations

import pytest

from codev.synth.decontam import BenchmarkIndex, DecontamConfig
from tests.benchdata import THERMOSTAT_RESTYLED

from .conftest import read_jsonl, write_items

# VerilogEval's always_casez (Prob071) with every name changed, one case arm per line pair, comments added
RENAMED = """// priority encoder, found in some repository
module prio_enc(input [7:0] data_i,
                output reg [2:0] idx_o);
always @(*)
begin
  casez (data_i)
    default : idx_o = 2'h0;
    8'bzzzzzzz1: idx_o = 3'h0;   8'bzzzzzz1z: idx_o = 3'h1;
    8'bzzzzz1zz: idx_o = 3'h2;   8'bzzzz1zzz: idx_o = 3'h3;
    8'bzzz1zzzz: idx_o = 3'h4;   8'bzz1zzzzz: idx_o = 3'h5;
    8'bz1zzzzzz: idx_o = 3'h6;   8'b1zzzzzzz: idx_o = 3'h7;
  endcase
end
endmodule
"""
# the thermostat again, in another style with every port renamed and the outputs declared in another order
RENAMED_PORTS = """module hvac(input m, input cold, input hot, input f,
            output reg ventilate, output reg warm, output reg chill);
  always @* begin
    warm = m ? cold : 1'b0;
    chill = m ? 1'b0 : hot;
    ventilate = f | warm | chill;
  end
endmodule
"""
# the same port shapes, another function (no bijection makes it the thermostat): must be kept
RENAMED_LOOKALIKE = RENAMED_PORTS.replace("ventilate = f | warm | chill;", "ventilate = f & cold;")
# same ports as the thermostat, different function: must be kept
LOOKALIKE = THERMOSTAT_RESTYLED.replace("fan = heater | aircon | fan_on;", "fan = fan_on;")
OWN = """module blinker(input clk, input rst, output reg led);
  reg [3:0] cnt;
  always @(posedge clk) if (rst) begin cnt <= 0; led <= 0; end
  else begin cnt <= cnt + 1; if (cnt == 4'd9) led <= ~led; end
endmodule
"""


@pytest.fixture(scope="module")
def index(bench_root):
    return BenchmarkIndex(bench_root, DecontamConfig())


def test_text_match_survives_renaming_and_reformatting(index):
    ref, score = index.text_match(RENAMED)
    assert ref.problem in ("always_casez", "Prob071_always_casez") and score >= 0.9
    assert index.text_match(THERMOSTAT_RESTYLED) is None  # nothing for the text check to see
    assert index.text_match(OWN) is None


def test_decontam_command_reports_text_and_function(tmp_path, synth_cli, bench_root, iverilog):
    items = write_items(tmp_path / "items.jsonl",
                        {"renamed": RENAMED, "restyled": THERMOSTAT_RESTYLED, "lookalike": LOOKALIKE, "own": OWN,
                         "renamed_ports": RENAMED_PORTS, "renamed_lookalike": RENAMED_LOOKALIKE})
    status, out, err = synth_cli("decontam", "--input", items, "--out", tmp_path / "o", "--bench-root", bench_root,
                                 "--no-progress", "--jobs", "2")
    assert status == 0, err
    dropped = {d["id"]: d for d in read_jsonl(tmp_path / "o" / "dropped.jsonl")}
    assert set(dropped) == {"renamed", "restyled", "renamed_ports"}
    assert dropped["renamed_ports"]["reason"] == "function"
    assert dropped["renamed_ports"]["problem"] in ("thermostat", "Prob072_thermostat")
    assert dropped["renamed"]["reason"] == "text" and dropped["restyled"]["reason"] == "function"
    assert dropped["restyled"]["problem"] in ("thermostat", "Prob072_thermostat")
    assert set(dropped["restyled"]) == {"id", "reason", "benchmark", "problem"}
    assert dropped["restyled"]["benchmark"].startswith("verilogeval")
    assert sorted(r["id"] for r in read_jsonl(tmp_path / "o" / "kept.jsonl")) == ["lookalike", "own", "renamed_lookalike"]
    checkpoint = {r["id"]: r for r in read_jsonl(tmp_path / "o" / "checkpoint.jsonl")}
    assert "ports" in checkpoint["renamed_ports"]["detail"] and "ventilate->fan" in checkpoint["renamed_ports"]["detail"]


def test_missing_bench_root_is_a_usage_error(tmp_path, synth_cli):
    items = write_items(tmp_path / "items.jsonl", {"own": OWN})
    status, _, err = synth_cli("decontam", "--input", items, "--out", tmp_path / "o", "--bench-root", tmp_path / "nope")
    assert status == 2 and "nope" in err and "Traceback" not in err


def test_rouge_l_screens_descriptions_and_near_verbatim_code(index, bench_root):
    """A problem description with a few words changed is a copy by Rouge-L (no code needed); a new spec is not.
    Code: a reference whose statements were padded so no 8-gram of it survives is still a copy by Rouge-L."""
    from codev.eval.benchmarks import load_benchmark
    from codev.synth.decontam import words
    from codev.synth.rouge import rouge_l

    problem = next(p for p in load_benchmark("verilogeval-v2-spec-to-rtl", bench_root) if p.id == "Prob140_fsm_hdlc")
    reworded = problem.prompt.replace("Synchronous", "Sync").replace("HDLC", "H.D.L.C.").replace("Moore", "a Moore")
    ref, score, what = index.rouge_match(OWN, reworded)
    assert what == "spec" and ref.problem == problem.id and score > 0.9
    assert index.rouge_match(OWN, "Design a blinker that toggles an LED every ten clock cycles. " * 8) is None
    assert rouge_l(words("alpha beta gamma delta"), words("alpha x1 gamma delta")) == 0.75
    # every 6th statement followed by a filler declaration: 8-gram Dice falls, the Rouge-L of the code stays high
    parts = problem.reference.split(";")
    padded = ";".join(part + (f"; wire pad{i}" if i % 6 == 5 else "") for i, part in enumerate(parts))
    dice = index.text_match(padded)
    ref, score, what = index.rouge_match(padded)
    assert what == "code" and ref.problem.endswith("fsm_hdlc") and score >= 0.95 and (dice is None or dice[1] < score)
    assert index.rouge_match(OWN) is None


def test_decontam_funnel_has_a_rouge_l_row(tmp_path, synth_cli, bench_root):
    from codev.eval.benchmarks import load_benchmark

    problem = next(p for p in load_benchmark("verilogeval-v2-spec-to-rtl", bench_root) if p.id == "Prob140_fsm_hdlc")
    import json
    rows = [{"id": "copied_spec", "code": OWN, "data": {"spec": problem.prompt.replace("HDLC", "framing")}},
            {"id": "own", "code": OWN, "data": {"spec": "A blinker: toggle `led` every tenth clock. " * 6}}]
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    status, out, err = synth_cli("decontam", "--input", path, "--out", tmp_path / "o", "--bench-root", bench_root,
                                 "--no-progress", "--jobs", "1")
    assert status == 0, err
    dropped = {d["id"]: d for d in read_jsonl(tmp_path / "o" / "dropped.jsonl")}
    assert set(dropped) == {"copied_spec"} and dropped["copied_spec"]["reason"] == "rouge_l"


from bench.decontam_rouge import reordered  # noqa: E402 - the renamed, reordered copy the bench measures

# an unrelated sequential design of about the size of the references below (a debounced toggle with a timer)
UNRELATED = """module debounce(input clk, input rst, input btn, output reg level, output reg [7:0] presses);
  reg [2:0] sync;
  reg [5:0] timer;
  always @(posedge clk) begin
    sync <= {sync[1:0], btn};
    if (rst) begin timer <= 6'd0; level <= 1'b0; presses <= 8'd0; end
    else if (sync[2] != level) begin
      if (timer == 6'd63) begin
        level <= sync[2]; timer <= 6'd0;
        if (sync[2]) presses <= presses + 8'd1;
      end else timer <= timer + 6'd1;
    end else timer <= 6'd0;
  end
endmodule
"""


@pytest.mark.parametrize("problem_id", ["Prob140_fsm_hdlc", "Prob040_count10", "LIFObuffer"])
def test_rouge_l_catches_a_reordered_copy_that_8gram_dice_misses(index, bench_root, problem_id):
    from codev.eval.benchmarks import load_benchmark

    problem = next(p for b in ("verilogeval-v2-spec-to-rtl", "rtllm-v2") for p in load_benchmark(b, bench_root)
                   if p.id == problem_id)
    copy = reordered(problem.reference)
    assert index.text_match(copy) is None  # Dice below 0.8: the 8-gram screen lets it through
    from codev.synth.tokens import canonical, ngrams

    mine, theirs = ngrams(canonical(copy), 8), ngrams(canonical(problem.reference), 8)
    assert 0.05 < 2 * len(mine & theirs) / (len(mine) + len(theirs)) < 0.61
    ref, score, what = index.rouge_match(copy)
    same = ref.problem == problem_id or f"_{ref.problem}" == problem_id[len("Prob000"):]  # VerilogEval v1's name
    assert what == "code" and same and score >= 0.9
    assert len(canonical(UNRELATED)) >= 100 and index.rouge_match(UNRELATED) is None


def test_no_reference_of_one_benchmark_family_is_a_rouge_l_copy_of_the_other(bench_root):
    """Unrelated real designs are kept: RTLLM's references screened against VerilogEval's (and back), where
    the closest pairs (RTLLM's pe and VerilogEval's edgecapture) score 0.81."""
    from codev.eval.benchmarks import load_benchmark

    families = (("verilogeval-v2-spec-to-rtl",), ("rtllm-v2", "rtllm-v1.1"))
    for indexed, screened in (families, families[::-1]):
        other = BenchmarkIndex(bench_root, DecontamConfig(benchmarks=indexed))
        for name in screened:
            for problem in load_benchmark(name, bench_root):
                assert other.rouge_match(problem.reference) is None, problem.id


def test_rouge_index_finds_what_exhaustive_search_finds():
    """The multiset-overlap bound skips pairs, never the best one."""
    import random

    from codev.synth.rouge import RougeIndex, rouge_l

    rng = random.Random(3)
    alphabet = [f"t{i}" for i in range(12)]
    docs = [[rng.choice(alphabet) for _ in range(rng.randint(5, 60))] for _ in range(80)]
    rouge = RougeIndex(min_tokens=10)
    for n, doc in enumerate(docs):
        rouge.add(n, doc)
    for _ in range(60):
        query = [rng.choice(alphabet + ["unseen"]) for _ in range(rng.randint(10, 60))]
        if rng.random() < 0.5:  # a near copy of an indexed sequence
            query = [t for t in rng.choice(docs) if rng.random() < 0.9] + query[:3]
        scores = [(rouge_l(query, d), n) for n, d in enumerate(docs) if len(d) >= 10]
        top = max(s for s, _ in scores)
        for limit in (0.3, 0.6, 0.9):
            found = rouge.best(query, limit)
            if len(query) < 10 or top < limit:
                assert found is None
            else:
                assert found is not None and abs(found[1] - top) < 1e-12 and (found[1], found[0]) in scores
