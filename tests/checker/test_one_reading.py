"""One text, one reading (issue 16, item 1.2).

Every consumer (policy, pyslang, each simulator, yosys) must read the same lines: characters on
which tools disagree are rejected, and the text handed to yosys holds exactly the code tokens of
the simulator's preprocessed text, for every accepted candidate of the red-team and test corpora.
"""
from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from testbench_gen import CheckOptions, VerdictKind, check
from testbench_gen.proof.formal_input import compiled_text
from testbench_gen.design.policy import lex, preprocess, prepare, scan

ROOT = Path(__file__).resolve().parents[2]
needs_iverilog = pytest.mark.skipif(shutil.which("iverilog") is None, reason="needs iverilog")
needs_yosys = pytest.mark.skipif(shutil.which("yosys") is None or shutil.which("iverilog") is None,
                                 reason="needs yosys and iverilog")

ADDER = "module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);\n  assign s = a + b;\nendmodule\n"
ADDER_WRONG = ADDER.replace("a + b", "a - b")
TROJAN = "(a == 16'hBEEF && b == 16'h1234) ? 17'd0 : a + b"


def split_comment_attack(separator: str) -> str:
    """Simulators read a `//` comment, then the trojan; a reader that ends lines at `separator`
    sees `/*` open a block comment that hides the trojan and closes before a correct adder."""
    return (f"module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);\n"
            f"  // note{separator}/*\n  assign s = {TROJAN};\n  // */ assign s = a + b;\nendmodule\n")


@pytest.mark.parametrize("char, what", [
    ("\u2028", "line separator U+2028"), ("\u2029", "line separator U+2029"), ("\x85", "line separator U+0085"),
    ("\x0c", "control character 0x0c"), ("\x0b", "control character 0x0b"), ("\x00", "control character 0x00"),
    ("\x1c", "control character 0x1c"), ("\ud800", "non-ASCII lone surrogate"),
])
def test_characters_on_which_readers_disagree_are_rejected_anywhere(char, what):
    violations = [str(v) for v in scan(split_comment_attack(char))]
    assert any(v.startswith(what) for v in violations), violations


def test_non_ascii_outside_comments_and_strings_is_rejected_but_not_inside():
    ident = ADDER.replace("assign s = a + b;", "wire \u00e9t\u00e9 = 1'b0;\n  assign s = a + b;")
    escaped = ADDER.replace("assign s = a + b;", "wire \\caf\u00e9 = 1'b0;\n  assign s = a + b;")
    for source in (ident, escaped):
        assert any(str(v).startswith("non-ASCII character U+00E9") for v in scan(source)), source
    commented = ADDER.replace("assign s = a + b;", "assign s = a + b; // r\u00e9sum\u00e9 \u2014 ok")
    in_string = ADDER.replace("assign s = a + b;", "assign s = a + b;\n  initial $display(\"\u00e9t\u00e9\");")
    assert scan(commented) == [] and scan(in_string) == []


@needs_yosys
@pytest.mark.parametrize("backend", ["hybrid", "formal", "icarus", "auto", pytest.param("verilator", marks=pytest.mark.slow),
                                     pytest.param("cocotb", marks=pytest.mark.slow)])
def test_the_split_comment_trojan_is_rejected_alone_and_in_a_batch(backend):
    from testbench_gen.run.simulators import get_backend
    from testbench_gen.run.cocotb_driver import CocotbBackend

    if (backend == "verilator" and not get_backend("verilator").available()) or \
            (backend == "cocotb" and not CocotbBackend().available()):
        pytest.skip(f"{backend} not installed")
    attack = split_comment_attack("\u2028")
    options = CheckOptions(backend=backend, cycles=200)
    alone = check(ADDER, [attack], options)[0]
    assert alone.kind is VerdictKind.REJECTED and "U+2028" in alone.reason, alone
    batch = check(ADDER, [ADDER, ADDER_WRONG, attack], options)
    assert [v.kind for v in batch] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH, VerdictKind.REJECTED], batch


def code_tokens(text: str) -> list[str]:
    """Code tokens as the simulators lex them (lines end at \\n), `line directives left out."""
    items = lex(text)
    line_marks = {line for kind, tok, line in items if kind == "directive" and tok == "`line"}
    return [tok for kind, tok, line in items if kind not in ("comment", "string") and line not in line_marks]


def same_tokens_for_yosys(source: str) -> tuple[list[str], list[str]]:
    prepared = prepare(source, "", "tok", "candidate.v")
    text = prepared.text + prepared.trailer
    return code_tokens(preprocess(text)), code_tokens(compiled_text(text).text)


@needs_iverilog
def test_a_golden_comment_holding_a_line_separator_stays_one_comment_for_yosys():
    """Goldens are not scanned: yosys' text must still end lines where Icarus does."""
    simulator, yosys = same_tokens_for_yosys(split_comment_attack("\u2028"))
    assert simulator == yosys
    assert "BEEF" in " ".join(yosys) or "16'hBEEF" in yosys


def _corpus() -> dict[str, str]:
    """Candidates (and goldens) of the red-team suite and the test corpora."""
    spec = importlib.util.spec_from_file_location("redteam_attacks", ROOT / "bench" / "redteam" / "attacks.py")
    redteam = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = redteam  # dataclasses look their module up there
    spec.loader.exec_module(redteam)
    from tests.backends import attacks as backend_attacks
    from tests.checker import test_untrusted

    corpus = {f"redteam:{a.name}": a.candidate for a in redteam.ATTACKS}
    for key, designs in redteam.MATES.items():
        corpus.update({f"redteam-mate:{key}:{i}": d for i, d in enumerate(designs)})
    corpus.update({f"backend-attacks:{k}": v for k, v in vars(backend_attacks).items()
                   if isinstance(v, str) and "module" in v})
    corpus.update({f"untrusted-allowed:{k}": v for k, v in test_untrusted.ALLOWED.items()})
    corpus.update({f"untrusted-attack:{k}": v[0] for k, v in test_untrusted.ATTACKS.items()})
    return corpus


@needs_iverilog
def test_yosys_reads_the_tokens_the_simulator_read_for_every_accepted_corpus_candidate():
    checked, differ = 0, []
    for name, source in sorted(_corpus().items()):
        if scan(source):
            continue  # rejected: never handed to any tool after the policy
        simulator, yosys = same_tokens_for_yosys(source)
        checked += 1
        if simulator != yosys:
            differ.append(name)
    assert checked >= 40, checked
    assert differ == []
