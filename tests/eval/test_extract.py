"""Answer extraction: fences and <answer> tags, the last block wins (CodeV-R1's rule)."""
from __future__ import annotations

from codev.eval.extract import extract_code

M1 = "module a(output o); assign o = 0; endmodule"
M2 = "module b(output o); assign o = 1; endmodule"


def test_last_verilog_fence_wins():
    text = f"draft:\n```verilog\n{M1}\n```\nfinal:\n```verilog\n{M2}\n```\n"
    got = extract_code(text)
    assert (got.code, got.source) == (M2 + "\n", "fence")


def test_fence_inside_answer_tag_after_thinking():
    text = f"<think>try ```verilog\n{M1}\n``` hmm</think>\n<answer>\n```verilog\n{M2}\n```\n</answer>"
    assert extract_code(text).code == M2 + "\n"


def test_systemverilog_and_sv_fences_count():
    assert extract_code(f"```systemverilog\n{M1}\n```").code == M1 + "\n"
    assert extract_code(f"```sv\n{M2}\n```").source == "fence"


def test_answer_tag_without_fence():
    got = extract_code(f"<think>reasoning</think><answer>\n{M1}\n</answer><answer>{M2}</answer>")
    assert (got.code, got.source) == (M2 + "\n", "answer")


def test_verilogeval_begin_done_markers():
    got = extract_code(f"[BEGIN]\n{M1}\n[DONE]\n")
    assert (got.code, got.source) == (M1 + "\n", "begin-done")


def test_plain_fence_then_raw_code_then_nothing():
    assert extract_code(f"```\n{M1}\n```").source == "any-fence"
    raw = f"// a file of code\n{M1}\n"
    assert (extract_code(raw).code, extract_code(raw).source) == (raw, "raw")
    assert extract_code("I cannot help with that.").code is None
    assert extract_code("I cannot help with that.").source == "none"


def test_unterminated_fence_is_not_a_block():
    # a response cut off by max_tokens: the open fence is ignored and the earlier closed one wins
    text = f"```verilog\n{M1}\n```\nrevised:\n```verilog\nmodule b(output o);"
    assert extract_code(text).code == M1 + "\n"
