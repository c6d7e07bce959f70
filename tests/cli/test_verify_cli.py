"""The `codev verify` / `codev tbgen` contract other tools rely on."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from codev.cli import main

GOLDEN = "module acc(input clk, input rst, input [3:0] d, output reg [5:0] s);\n" \
         "  always @(posedge clk) if (rst) s <= 0; else s <= s + d;\nendmodule\n"
WRONG = GOLDEN.replace("s + d", "s + d + 1")


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, text in {"golden.v": GOLDEN, "good.v": GOLDEN, "bad.v": WRONG, "broken.v": "module acc(input clk"}.items():
        (tmp_path / name).write_text(text)
        paths[name] = str(tmp_path / name)
    return paths


def run_cli(args, capsys):
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lines_in_order_with_required_fields(files, capsys):
    code, out, _ = run_cli(["verify", "--golden", files["golden.v"], "--candidate", files["good.v"],
                            "--candidate", files["bad.v"], "--candidate", files["broken.v"], "--json"], capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["candidate"] for r in rows] == [files["good.v"], files["bad.v"], files["broken.v"]]
    assert [r["verdict"] for r in rows] == ["equivalent", "mismatch", "compile_error"]
    for r in rows:
        assert {"candidate", "verdict", "reason", "seconds", "backend"} <= set(r)
    cex = rows[1]["counterexample"]
    assert {"cycle", "inputs", "outputs"} <= set(cex)
    assert set(cex["inputs"]) == {"clk", "rst", "d"}
    assert all({"expected", "actual"} == set(v) for v in cex["outputs"].values())
    assert "/tmp" not in rows[2].get("detail", "").replace(files["broken.v"], "")  # temp paths cleaned
    assert code == 1


def test_exit_status_zero_when_all_equivalent_and_table_output(files, capsys):
    code, out, _ = run_cli(["verify", "--golden", files["golden.v"], "--candidate", files["good.v"],
                            "--jobs", "2", "--cycles", "100"], capsys)
    assert code == 0 and "equivalent" in out


def test_usage_errors_exit_2_and_name_the_file(files, capsys):
    code, _, err = run_cli(["verify", "--golden", "/nonexistent/g.v", "--candidate", files["good.v"]], capsys)
    assert code == 2 and "/nonexistent/g.v" in err
    code, _, err = run_cli(["verify", "--golden", files["broken.v"], "--candidate", files["good.v"]], capsys)
    assert code == 2 and files["broken.v"] in err and "compile" in err
    code, _, err = run_cli(["verify", "--golden", files["golden.v"]], capsys)
    assert code == 2 and "--candidate" in err


def test_infrastructure_failure_exits_3(files, capsys, monkeypatch):
    monkeypatch.setenv("CODEV_VVP", "/nonexistent/vvp")
    code, out, err = run_cli(["verify", "--golden", files["golden.v"], "--candidate", files["good.v"], "--json"], capsys)
    assert code == 3 and "infrastructure" in err and "/nonexistent/vvp" in err
    assert out == ""  # no verdict at all rather than a wrong one


def test_console_script_and_replay_dir(files, tmp_path):
    exe = Path(sys.executable).with_name("codev")
    replay = tmp_path / "replays"
    proc = subprocess.run([str(exe), "verify", "--golden", files["golden.v"], "--candidate", files["bad.v"],
                           "--json", "--replay-dir", str(replay)], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["verdict"] == "mismatch"
    (tb,) = replay.glob("*.v")
    assert "module codev_replay" in tb.read_text() and "MISMATCH at cycle" in tb.read_text()


def test_tbgen_writes_a_testbench_plain_iverilog_can_run(files, tmp_path, capsys):
    out_dir = tmp_path / "tb"
    code, _, _ = run_cli(["tbgen", "--golden", files["golden.v"], "-o", str(out_dir), "--cycles", "50"], capsys)
    assert code == 0
    iface = json.loads((out_dir / "interface.json").read_text())
    assert iface["top"] == "acc" and iface["clocks"][0]["name"] == "clk"
    assert iface["resets"][0]["name"] == "rst" and iface["resets"][0]["synchronous"]
    for design, expect_fails in ((files["good.v"], "0"), (files["bad.v"], None)):
        subprocess.run(["iverilog", "-g2012", "-o", "c.vvp", "tb_compare.v", design], cwd=out_dir, check=True)
        out = subprocess.run(["vvp", "-n", "c.vvp"], cwd=out_dir, capture_output=True, text=True).stdout
        fails = next(line for line in out.splitlines() if line.startswith("tbgen R 0")).split()[3]
        assert (fails == "0") == (expect_fails == "0")


def test_yaml_recipe_and_flag_override(files, tmp_path, capsys):
    recipe = tmp_path / "r.yaml"
    recipe.write_text("checker:\n  cycles: 30\n  seeds: 1\n  horizon_jitter: 0\n  long_cycles: 0\n")
    code, out, _ = run_cli(["verify", "--golden", files["golden.v"], "--candidate", files["good.v"],
                            "--config", str(recipe), "--json"], capsys)
    assert code == 0 and json.loads(out)["samples_compared"] == 30 * 4
    code, out, _ = run_cli(["verify", "--golden", files["golden.v"], "--candidate", files["good.v"],
                            "--config", str(recipe), "--cycles", "40", "--json"], capsys)
    assert json.loads(out)["samples_compared"] == 40 * 4
    recipe.write_text("checker:\n  cycels: 30\n")
    code, _, err = run_cli(["verify", "--golden", files["golden.v"], "--candidate", files["good.v"],
                            "--config", str(recipe)], capsys)
    assert code == 2 and "cycels" in err and str(recipe) in err


def test_shipped_recipe_matches_the_defaults():
    from codev.config import read_mapping

    from testbench_gen import CheckOptions

    recipe = Path(__file__).resolve().parents[2] / "configs" / "verify.yaml"
    assert CheckOptions.from_mapping(read_mapping(recipe)["checker"]) == CheckOptions()


@pytest.mark.parametrize("backend, decided_by", [("auto", "icarus"), ("hybrid", "icarus+formal")])
def test_backend_policies_name_the_deciding_backend(files, capsys, backend, decided_by):
    code, out, _ = run_cli(["verify", "--golden", files["golden.v"], "--candidate", files["good.v"],
                            "--candidate", files["bad.v"], "--backend", backend, "--cycles", "100", "--json"], capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and [r["verdict"] for r in rows] == ["equivalent", "mismatch"]
    assert rows[0]["backend"] == decided_by
    assert rows[0]["simulator"] == "icarus"  # the simulator whose run decided, apart from the strategy's label


def test_unknown_backend_is_a_usage_error(files, capsys):
    code, _, err = run_cli(["verify", "--golden", files["golden.v"], "--candidate", files["good.v"],
                            "--backend", "vcs"], capsys)
    assert code == 2 and "vcs" in err and "icarus" in err


def test_manifest_checks_many_goldens_in_one_run(files, tmp_path, capsys):
    other = "module m(input a, input b, output y); assign y = a & b; endmodule\n"
    manifest = tmp_path / "jobs.jsonl"
    manifest.write_text("\n".join(json.dumps(line) for line in [
        {"id": "acc", "golden": "golden.v", "candidates": ["good.v", "bad.v"]},
        {"id": 7, "golden": other, "candidates": [other, other.replace("&", "|")], "inline": True},
        {"id": "broken", "golden": "broken.v", "candidates": ["good.v"]},
    ]) + "\n")
    code, out, _ = run_cli(["verify", "--manifest", str(manifest), "--jobs", "2", "--cycles", "60"], capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["job"], r["verdict"]) for r in rows] == [
        ("acc", "equivalent"), ("acc", "mismatch"), (7, "equivalent"), (7, "mismatch"),
        ("broken", "invalid_golden")]
    assert rows[0]["candidate"] == "good.v" and code == 1


@pytest.mark.parametrize("line, problem", [
    ("not json", "not valid JSON"),
    ('{"id": 1, "golden": "golden.v"}', '"candidates"'),
    ('{"id": 1, "golden": "golden.v", "candidates": ["missing.v"]}', "missing.v: no such file"),
])
def test_bad_manifest_line_is_a_usage_error_naming_file_and_line(files, tmp_path, capsys, line, problem):
    manifest = Path(files["golden.v"]).parent / "jobs.jsonl"
    manifest.write_text('{"id": 0, "golden": "golden.v", "candidates": ["good.v"]}\n' + line + "\n")
    code, out, err = run_cli(["verify", "--manifest", str(manifest)], capsys)
    assert code == 2 and out == "" and f"{manifest}, line 2" in err and problem in err


def test_a_golden_that_does_not_compile_is_named_at_its_real_line_on_one_line(tmp_path, capsys):
    golden = tmp_path / "ref.v"
    golden.write_text("module acc(input clk, output y);\n  assign y = clk\n  wire q;\nendmodule\n")
    cand = tmp_path / "c.v"
    cand.write_text("module acc(input clk, output y);\n  assign y = clk;\nendmodule\n")
    code, _, err = run_cli(["verify", "--golden", str(golden), "--candidate", str(cand)], capsys)
    message = err.strip()
    assert code == 2 and "\n" not in message, message
    assert f"{golden}:3: syntax error" in message and "golden.v" not in message, message  # line 3, not 5


def test_a_binary_candidate_in_a_manifest_gets_its_own_verdict(files, tmp_path, capsys):
    (tmp_path / "blob.o").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4)
    manifest = tmp_path / "jobs.jsonl"
    manifest.write_text(json.dumps({"id": "acc", "golden": "golden.v", "candidates": ["good.v", "blob.o", "bad.v"]})
                        + "\n")
    code, out, _ = run_cli(["verify", "--manifest", str(manifest), "--cycles", "60"], capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["verdict"] for r in rows] == ["equivalent", "rejected", "mismatch"] and code == 1
    assert "binary data" in rows[1]["reason"]


def test_the_size_limit_is_fixed_and_stated(files, tmp_path, capsys):
    from testbench_gen.design.policy import MAX_SOURCE_CHARS

    big = tmp_path / "big.v"
    big.write_text(GOLDEN + "// " + "x" * MAX_SOURCE_CHARS + "\n")
    code, out, _ = run_cli(["verify", "--golden", files["golden.v"], "--candidate", str(big), "--json"], capsys)
    row = json.loads(out)
    assert row["verdict"] == "rejected" and f"{MAX_SOURCE_CHARS:,}" in row["reason"] and "machine load" in row["reason"]
    assert row["seconds"] < 1.0  # decided before the front end: no deadline involved


def test_reasons_say_segments_of_one_seed(files, capsys):
    code, out, _ = run_cli(["verify", "--golden", files["golden.v"], "--candidate", files["good.v"], "--json",
                            "--seed", "7", "--cycles", "100", "--seeds", "4"], capsys)
    reason = json.loads(out)["reason"]
    assert "4 reset segments" in reason and "stimulus seed 7" in reason and "4 seeds" not in reason, reason
