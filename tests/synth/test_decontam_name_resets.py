"""The 9 benchmark references whose reset the checker recognises by its name only (8 VerilogEval v2, 1
RTLLM v2): a renamed and reformatted copy is dropped by function whether the copy's reset shows by use (a
reset branch written first) or not at all (renamed to a non-reset name); a different design with the same
port shapes is kept. The text screen is switched off so the functional path alone is tested."""
from __future__ import annotations

import re

import pytest

from codev.eval.benchmarks import load_benchmark
from codev.synth.checking import Checker
from codev.synth.decontam import BenchmarkIndex, DecontamConfig, Decontaminator
from codev.synth.items import Item
from codev.synth.port_match import shapes
from testbench_gen import CheckOptions, infer_interface

NAME_ONLY = {"verilogeval-v2-spec-to-rtl": ["Prob035_count1to10", "Prob037_review2015_count1k", "Prob040_count10",
                                            "Prob066_edgecapture", "Prob068_countbcd", "Prob140_fsm_hdlc",
                                            "Prob151_review2015_fsm", "Prob156_review2015_fancytimer"],
             "rtllm-v2": ["LIFObuffer"]}
# written afresh, reset branch first (so the checker finds the reset by its use), every name changed
COUNT10 = """module decade(input ck, input clear, output reg [3:0] n);
  always @(posedge ck) begin
    if (clear) n <= 4'd0;
    else if (n == 4'd9) n <= 4'd0;
    else n <= n + 4'd1;
  end
endmodule
"""
HDLC = """module framer(input ck, input clear, input bit_in, output drop, output mark, output bad);
  reg [3:0] ones;  // consecutive 1s seen, saturating at 7
  reg [1:0] ev;    // 1: discard, 2: flag, 3: error, registered
  always @(posedge ck) begin
    if (clear) begin ones <= 4'd0; ev <= 2'd0; end
    else begin
      ev <= 2'd0;
      if (bit_in) begin
        if (ones >= 4'd6) begin ones <= 4'd7; ev <= 2'd3; end
        else ones <= ones + 4'd1;
      end else begin
        if (ones == 4'd5) ev <= 2'd1;
        else if (ones == 4'd6) ev <= 2'd2;
        ones <= 4'd0;
      end
    end
  end
  assign drop = ev == 2'd1;
  assign mark = ev == 2'd2;
  assign bad = ev == 2'd3;
endmodule
"""
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)


def renamed(code: str, top: str, ports: list[str], reset: str) -> str:
    """The module and every port renamed (the reset to a name that says nothing), comments gone, one
    statement a line."""
    names = {top: "copied", reset: "sclr", **{p: f"p{i}" for i, p in enumerate(ports) if p != reset}}
    text = re.sub(r"(?<![\w$'`.])(" + "|".join(map(re.escape, names)) + r")\b",
                  lambda m: names[m.group(1)], _COMMENT.sub(" ", code))
    return re.sub(r"\s*;\s*", ";\n", " ".join(text.split()))


def inverted(copy: str, iface) -> str:
    """The same ports, another function: the copy under a wrapper that inverts its first output."""
    inner = copy.replace(f"module {iface.top}", "module inner_copy", 1) if f"module {iface.top}" in copy else copy
    inner_top = re.search(r"module\s+(\w+)", inner).group(1)
    decls = ", ".join(f"{p.direction} {'[%d:0] ' % (p.width - 1) if p.width > 1 else ''}{p.name}" for p in iface.ports)
    out = iface.outputs[0]
    conns = ", ".join(f".{p.name}({p.name}_w)" if p is out else f".{p.name}({p.name})" for p in iface.ports)
    width = f"[{out.width - 1}:0] " if out.width > 1 else ""
    return (f"{inner}\nmodule lookalike({decls});\n  wire {width}{out.name}_w;\n  {inner_top} u({conns});\n"
            f"  assign {out.name} = ~{out.name}_w;\nendmodule\n")


@pytest.fixture(scope="module")
def references(bench_root):
    found = {}
    for benchmark, ids in NAME_ONLY.items():
        for problem in load_benchmark(benchmark, bench_root):
            if problem.id in ids:
                found[problem.id] = problem
    return found


def test_the_nine_references_have_a_reset_known_by_name_only(references):
    assert len(references) == 9
    for problem in references.values():
        iface = infer_interface(problem.reference, top=problem.top)
        assert [r.inferred_from for r in iface.resets] == ["name"], problem.id
        assert shapes(iface)[iface.resets[0].name][2] == "reset"
        assert shapes(iface, "name_is_data")[iface.resets[0].name][2] == "data"


@pytest.mark.slow  # two of the references need Verilator (Icarus cannot compile their casts)
def test_renamed_copies_are_dropped_and_lookalikes_kept(references, bench_root, iverilog):
    items = []
    for pid, problem in references.items():
        iface = infer_interface(problem.reference, top=problem.top)
        copy = renamed(problem.reference, problem.top, [p.name for p in iface.ports], iface.resets[0].name)
        copy_iface = infer_interface(copy)
        items.append(Item(f"copy/{pid}", copy, copy_iface.top, "test"))
        items.append(Item(f"lookalike/{pid}", inverted(copy, copy_iface), "lookalike", "test"))
    for name, code in (("Prob040_count10", COUNT10), ("Prob140_fsm_hdlc", HDLC)):
        iface = infer_interface(code)
        assert [r.inferred_from for r in iface.resets] == ["usage"]  # the case the old shapes missed
        items.append(Item(f"rewritten/{name}", code, iface.top, "test"))
    config = DecontamConfig(threshold=2.0, benchmarks=tuple(NAME_ONLY))  # text screen off: function only
    with Checker(2) as checker:
        decontaminator = Decontaminator(BenchmarkIndex(bench_root, config), CheckOptions(cycles=400, seeds=2), checker)
        outcomes = {o.item.id: o for o in decontaminator.process(items)}
    dropped = {i for i, o in outcomes.items() if not o.kept}
    expected = {i.id for i in items if not i.id.startswith("lookalike/")}
    assert dropped == expected, {i: outcomes[i].detail for i in dropped ^ expected}
    for item_id in expected:
        assert outcomes[item_id].reason == "function"
        assert outcomes[item_id].detail.split(":")[0].endswith(item_id.split("/")[1])
