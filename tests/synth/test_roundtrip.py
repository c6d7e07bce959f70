"""Round trip and difficulty stages with real Icarus checks; responses from a replay file written here."""
from __future__ import annotations

import json

import pytest

from codev.llm.backend import BackendConfig, make_backend, prompt_hash
from codev.synth.config import FilterConfig
from codev.synth.difficulty import DifficultyFilter
from codev.synth.items import Item
from codev.synth.llm_cache import ResponseCache
from codev.synth.prompts import code_messages, spec_messages
from codev.synth.roundtrip import NoRecordedResponse, RoundTrip, clean_spec
from codev.synth.static_filters import judge
from codev.synth.store import StageFile, run_stage
from testbench_gen import CheckOptions

from ..llm.chat_server import chat_server, completion, error

MUX = "module mux2(input a, input b, input s, output y);\n  assign y = s ? b : a;\nendmodule\n"
CNT = ("module cnt(input clk, input rst, output reg [2:0] q);\n  always @(posedge clk)\n"
       "    if (rst) q <= 0; else q <= q + 1;\nendmodule\n")
XOR = "module x2(input a, input b, output y);\n  assign y = a ^ b;\nendmodule\n"
OPTIONS = CheckOptions(cycles=200, seeds=1)


def answer(code: str) -> str:
    return f"<think>straightforward</think><answer>```verilog\n{code}```</answer>"


def record(path, table: dict) -> None:
    path.write_text("".join(json.dumps({"prompt_hash": prompt_hash(m), "responses": r}) + "\n" for m, r in table))


@pytest.fixture
def items(iverilog):
    out = []
    for name, code in (("mux2", MUX), ("cnt", CNT), ("x2", XOR)):
        item = Item(name, code, name, "t")
        assert judge(item, FilterConfig(min_lines=1)).kept  # gives it its interface, as the pipeline does
        out.append(item)
    return out


def cache(tmp_path, path, name="rt"):
    config = BackendConfig(kind="replay", path=str(path))
    return ResponseCache(tmp_path / f"{name}.cache.jsonl", make_backend(config), "sig")


def test_round_trip_keeps_equivalent_and_records_every_other_verdict(tmp_path, items, checker):
    wrong_counter = CNT.replace("q + 1", "q + 2")
    record(tmp_path / "r.jsonl", [
        (spec_messages(MUX), ["mux spec"]), (code_messages("mux spec"), [answer(MUX.replace("s ? b : a", "s ? b : a "))]),
        (spec_messages(CNT), ["counter spec"]), (code_messages("counter spec"), [answer(wrong_counter)]),
        (spec_messages(XOR), ["xor spec"]),  # no recording for the code turn: a setup error, not a lost item
    ])
    llm = cache(tmp_path, tmp_path / "r.jsonl")
    got = {o.item.id: (o.kept, o.reason) for o in RoundTrip(llm, OPTIONS, checker).process(items[:2])}
    assert got == {"mux2": (True, ""), "cnt": (False, "mismatch")}
    assert llm.backend.usage.requests == 4
    with pytest.raises(NoRecordedResponse, match="set `llm:` to an endpoint"):
        list(RoundTrip(llm, OPTIONS, checker).process(items[2:]))
    # every response was saved before use: a restarted stage asks the backend nothing
    again = cache(tmp_path, tmp_path / "empty.jsonl")
    (tmp_path / "empty.jsonl").write_text("")
    outcomes = list(RoundTrip(again, OPTIONS, checker).process(items[:2]))
    assert again.backend.usage.requests == 0 and [o.kept for o in outcomes] == [True, False]
    assert outcomes[0].item.data["response"].startswith("<think>")


def test_difficulty_counts_passes_of_k(tmp_path, items, checker):
    mux, cnt = items[0], items[1]
    mux.data["spec"], cnt.data["spec"] = "mux spec", "counter spec"
    record(tmp_path / "base.jsonl", [
        (code_messages("mux spec"), [answer(MUX), "no code at all", answer(MUX.replace("s ? b : a", "a"))]),
        (code_messages("counter spec"), [answer(CNT.replace("q + 1", "q - 1"))]),
    ])
    stage = DifficultyFilter(cache(tmp_path, tmp_path / "base.jsonl", "d"), k=3, max_passes=0, options=OPTIONS,
                             checker=checker)
    got = {o.item.id: (o.kept, o.reason) for o in stage.process([mux, cnt])}
    assert got == {"mux2": (False, "too_easy"), "cnt": (True, "")}
    assert (mux.data["passes"], cnt.data["passes"], cnt.data["k"]) == (1, 0, 3)
    assert mux.data["sample_verdicts"][0] == "equivalent" and mux.data["sample_verdicts"][2] == "mismatch"
    no_spec = Item("n", MUX, "mux2", "t")
    assert [o.reason for o in stage.process([no_spec])] == ["no_spec"]


@pytest.fixture
def endpoint():
    """An OpenAI-compatible server answering from `table` (a substring of the user turn -> reply); 503 while down."""
    state = {"down": False, "table": {}}

    def answer(body: dict, call: int) -> tuple:
        if state["down"]:
            return 503, error("overloaded")
        user = body["messages"][-1]["content"]
        text = next((v for k, v in state["table"].items() if k in user), "I cannot help with that.")
        return 200, completion(body["model"], text, len(user) // 4, len(text) // 4)

    with chat_server(answer) as (url, calls):
        yield url, state, calls


def test_endpoint_outage_leaves_items_pending_and_a_rerun_finishes(tmp_path, items, endpoint, checker):
    url, state, calls = endpoint
    state["table"] = {"assign y = s ? b : a;": "mux spec", "mux spec": answer(MUX)}
    config = BackendConfig(kind="openai", base_url=url, model="m", retries=1, backoff_s=0.01)
    llm = ResponseCache(tmp_path / "cache.jsonl", make_backend(config), "sig")
    stage_file = StageFile(tmp_path / "rt.jsonl")
    state["down"] = True
    timing = run_stage(RoundTrip(llm, OPTIONS, checker), lambda: iter(items[:1]), stage_file, show_progress=False)
    assert timing.pending == 1 and not stage_file.complete and stage_file.done_ids() == set()
    assert sum(calls.values()) == 2  # one try and one retry, then left for later
    state["down"] = False
    timing = run_stage(RoundTrip(llm, OPTIONS, checker), lambda: iter(items[:1]), stage_file, show_progress=False)
    assert timing.pending == 0 and stage_file.complete and [o["status"] for o in stage_file.records()] == ["kept"]
    assert llm.backend.usage.requests == 2 and llm.backend.usage.prompt_tokens > 0


def test_items_that_skipped_the_filter_are_screened_before_becoming_goldens(tmp_path, checker):
    (tmp_path / "none.jsonl").write_text("")
    hostile = Item("h", "module h(input a, output y);\n  initial $system(\"touch /tmp/pwned\");\n  assign y = a;\nendmodule\n",
                   "h", "t", data={"spec": "s"})
    llm = cache(tmp_path, tmp_path / "none.jsonl")
    assert [(o.kept, o.reason) for o in RoundTrip(llm, OPTIONS, checker).process([hostile])] == \
        [(False, "forbidden_construct")]
    stage = DifficultyFilter(llm, k=1, max_passes=0, options=OPTIONS, checker=checker)
    assert [o.reason for o in stage.process([hostile])] == ["forbidden_construct"]
    assert llm.backend.usage.requests == 0


def test_responses_recorded_from_an_endpoint_replay_offline(tmp_path, items, endpoint, checker, synth_cli):
    url, state, calls = endpoint
    state["table"] = {"assign y = s ? b : a;": "mux spec", "mux spec": answer(MUX)}
    live = ResponseCache(tmp_path / "run" / "llm" / "roundtrip.jsonl",
                         make_backend(BackendConfig(kind="openai", base_url=url, model="m")), "live")
    assert [o.kept for o in RoundTrip(live, OPTIONS, checker).process(items[:1])] == [True]
    status, out, err = synth_cli("export-replay", "--run", tmp_path / "run", "--out", tmp_path / "rec.jsonl")
    assert status == 0 and json.loads(out)["prompts"] == 2, err
    offline = cache(tmp_path, tmp_path / "rec.jsonl", "offline")
    replayed = list(RoundTrip(offline, OPTIONS, checker).process([Item("mux2", MUX, "mux2", "t", dict(items[0].data))]))
    assert [o.kept for o in replayed] == [True] and offline.backend.usage.requests == 2 and sum(calls.values()) == 2
    status, _, err = synth_cli("export-replay", "--run", tmp_path / "nothing", "--out", tmp_path / "x.jsonl")
    assert status == 2 and "no recorded LLM responses" in err


def test_specs_are_cleaned_and_answers_must_be_well_formed(tmp_path, items, checker):
    """The writer's <think> is stripped from the spec; a spec holding the module body is dropped; a solver
    answer without <think> is dropped as malformed even when its code is right."""
    assert clean_spec("<think>hmm, a mux</think>\nA 2-to-1 mux.") == ("A 2-to-1 mux.", "")
    assert clean_spec("Spec:\n" + MUX)[1].startswith("the spec contains the code")
    mux, cnt = items[0], items[1]
    record(tmp_path / "r.jsonl", [
        (spec_messages(MUX), ["<think>reading the code</think>mux spec"]),
        (code_messages("mux spec"), [f"```verilog\n{MUX}```"]),  # right code, no reasoning
        (spec_messages(CNT), [f"The counter is:\n{CNT}"]),
    ])
    got = {o.item.id: (o.kept, o.reason) for o in RoundTrip(cache(tmp_path, tmp_path / "r.jsonl"), OPTIONS,
                                                             checker).process([mux, cnt])}
    assert got == {"mux2": (False, "malformed"), "cnt": (False, "spec_has_code")}
    assert mux.data["spec"] == "mux spec"


def test_separate_solver_model(tmp_path, items, checker):
    record(tmp_path / "writer.jsonl", [(spec_messages(MUX), ["mux spec"])])
    record(tmp_path / "solver.jsonl", [(code_messages("mux spec"), [answer(MUX)])])
    writer, solver = cache(tmp_path, tmp_path / "writer.jsonl", "w"), cache(tmp_path, tmp_path / "solver.jsonl", "s")
    got = [(o.kept, o.reason) for o in RoundTrip(writer, OPTIONS, checker, solver).process(items[:1])]
    assert got == [(True, "")] and writer.backend.usage.requests == 1 and solver.backend.usage.requests == 1
