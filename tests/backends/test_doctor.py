"""codev doctor lists the tools with versions and says what each enables."""
from __future__ import annotations

import json
import shutil

from codev.cli import main


def test_doctor_json(capsys):
    status = main(["doctor", "--json"])
    tools = {t["name"].split()[0]: t for t in json.loads(capsys.readouterr().out)}
    assert set(tools) >= {"icarus", "verilator", "cocotb", "ray", "pyslang"}
    assert tools["icarus"]["found"] == bool(shutil.which("iverilog"))
    if tools["icarus"]["found"]:
        assert tools["icarus"]["version"].startswith(("11", "12", "13"))
    assert status == (0 if tools["icarus"]["found"] or tools["verilator"]["found"] else 1)
    assert all(t["enables"] for t in tools.values())


def test_doctor_table(capsys):
    main(["doctor"])
    out = capsys.readouterr().out
    assert "formal" in out and "--backend verilator" in out
