"""Which Icarus scores a run: `--iverilog PATH` for one run, named in report.md, summary.json and `codev doctor`."""
from __future__ import annotations

import json
import shutil

import pytest

from codev.eval.icarus_install import RELEASES, InstallError, installed_iverilog, parse_spec
from codev.eval.tools import iverilog_version

from .conftest import read_jsonl

V1 = "verilogeval-v1-human"


def test_iverilog_option_picks_the_binary_and_report_names_it(bench_root, iverilog_major, run_cli, tmp_path):
    tools = tmp_path / "icarus" / "bin"
    tools.mkdir(parents=True)
    for name in ("iverilog", "vvp"):
        (tools / name).symlink_to(shutil.which(name))
    out = tmp_path / "o"
    status, _, err = run_cli("eval", "--references", "--bench", V1, "--problems", "zero", "--bench-root", bench_root,
                             "--out", out, "--iverilog", tools / "iverilog", "--no-progress")
    assert status == 0, err
    summary = json.loads((out / "summary.json").read_text())
    assert summary["settings"]["iverilog"] == str(tools / "iverilog")
    assert summary["tools"]["iverilog path"] == str(tools / "iverilog")
    path_version = iverilog_version(shutil.which("iverilog"))
    assert f"Icarus Verilog version {path_version.major}" in (out / "report.md").read_text()
    row = read_jsonl(out / "results.jsonl")[0]
    assert str(tools / "iverilog") in row["setup"] and row["iverilog"] == path_version.version


def test_doctor_names_the_icarus_version(iverilog_major, run_cli):
    status, out, _ = run_cli("doctor")
    line = next(text for text in out.splitlines() if "icarus for codev eval" in text)
    assert status == 0 and f"{iverilog_major}." in line
    if iverilog_major < 12:
        assert "published VerilogEval v1 runs mostly use 12" in out and "--install iverilog==12" in out


def test_install_refuses_a_corrupted_tarball_before_building(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("CODEV_CACHE_DIR", str(tmp_path / "cache"))
    bad = tmp_path / "iverilog_12.0.orig.tar.gz"
    bad.write_bytes(b"\x1f\x8b not the release" * 1000)
    status, out, err = run_cli("doctor", "--install", "iverilog==12", "--from", bad)
    assert status == 1 and out == ""
    assert f"{bad}: sha256 " in err and RELEASES["12"].sha256 in err and "refusing to build it" in err
    assert installed_iverilog(RELEASES["12"]) is None  # nothing half-installed is ever picked up
    assert not (tmp_path / "cache").exists()  # refused before anything was written


def test_install_spec_is_validated(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("CODEV_CACHE_DIR", str(tmp_path / "cache"))
    assert parse_spec("iverilog==12") is parse_spec("iverilog==12.0") is RELEASES["12"]
    for spec in ("iverilog==13", "verilator==5", "iverilog", "iverilog==12.1"):
        with pytest.raises(InstallError, match="--install"):
            parse_spec(spec)
    status, _, err = run_cli("doctor", "--install", "iverilog==11")
    assert status == 1 and "codev pins iverilog 12.0" in err


def test_a_build_without_its_marker_is_not_used(tmp_path, monkeypatch):
    """A build killed half-way leaves binaries but no marker: codev eval keeps PATH's Icarus."""
    from codev.eval.tools import default_icarus

    monkeypatch.setenv("CODEV_CACHE_DIR", str(tmp_path / "cache"))
    bin_dir = tmp_path / "cache" / "tools" / "iverilog-12.0" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("iverilog", "vvp"):
        (bin_dir / name).symlink_to(shutil.which(name) or "/bin/false")
    assert installed_iverilog(RELEASES["12"]) is None and default_icarus().iverilog == "iverilog"
    (bin_dir.parent / ".codev-installed.json").write_text("{}")
    assert installed_iverilog(RELEASES["12"]) == bin_dir / "iverilog"
    assert default_icarus().iverilog == str(bin_dir / "iverilog")
