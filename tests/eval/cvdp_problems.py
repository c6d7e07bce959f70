"""Small datapoints written for codev's tests in CVDP's JSONL format (none copied from CVDP).

`sat_add`: a cid003 spec-to-RTL problem judged by its own cocotb harness (compose file, src/.env,
test_runner.py with cocotb_tools.runner, a cocotb test), as CVDP's open-source-tool datapoints are laid out.
`mux_pair`: a cid004 modification whose answer is two files (CVDP's JSON answer schema); its harness
dumps FST waves.
`agentic_sat_add`: the same adder as an agentic datapoint (its solution a patch), for `--bench cvdp-agentic`.
The rest are datapoints codev must list and skip: a comprehension question, a commercial-tools harness,
an agentic datapoint without harness files.
"""
from __future__ import annotations

import json
from pathlib import Path

SAT_ADD_REF = """module sat_add #(parameter W = 8) (
    input  logic [W-1:0] a,
    input  logic [W-1:0] b,
    output logic [W-1:0] y
);
    logic [W:0] sum;
    assign sum = a + b;
    assign y = sum[W] ? {W{1'b1}} : sum[W-1:0];
endmodule
"""

SAT_ADD_WRONG = SAT_ADD_REF.replace("sum[W] ? {W{1'b1}} : sum[W-1:0]", "sum[W-1:0]")  # wraps instead of saturating
SAT_ADD_SYNTAX = SAT_ADD_REF.replace("endmodule", "")
# wrong, and overwrites the results file cocotb's runner reads once the tests have failed
SAT_ADD_FORGED = SAT_ADD_WRONG.replace("endmodule", """    integer f;
    final begin
        f = $fopen("test_runner.result.xml", "w");
        $fwrite(f, "<testsuites><testsuite name=\\"x\\" tests=\\"1\\" failures=\\"0\\" errors=\\"0\\"/></testsuites>");
        $fclose(f);
    end
endmodule""")

COMPOSE = """services:

  direct:
    image: __OSS_SIM_IMAGE__
    volumes:
      - ./src/:/src/:ro
    env_file    : ./src/.env
    command     : pytest -s --log-cli-level=INFO -o cache_dir=/rundir/harness/.cache /src/test_runner.py -v
"""

RUNNER = """import os
from cocotb_tools.runner import get_runner


def test_runner():
    sources = os.getenv("VERILOG_SOURCES").split()
    toplevel = os.getenv("TOPLEVEL")
    runner = get_runner(os.getenv("SIM", "icarus"))
    runner.build(sources=sources, hdl_toplevel=toplevel, always=True, clean=True,
                 timescale=("1ns", "1ns"), log_file="build.log")
    runner.test(hdl_toplevel=toplevel, test_module=os.getenv("MODULE"))
"""

# waves as CVDP v1.0.x harnesses ask for them: cocotb builds an FST dump module into the design
RUNNER_WAVES = RUNNER.replace("always=True,", "always=True, waves=True,").replace(
    'test_module=os.getenv("MODULE"))', 'test_module=os.getenv("MODULE"), waves=True)')
RUNNER_COCOTB1 = RUNNER.replace("from cocotb_tools.runner import get_runner", "from cocotb.runner import get_runner")

SAT_ADD_TEST = """import random

import cocotb
from cocotb.triggers import Timer


@cocotb.test()
async def saturates(dut):
    rng = random.Random(7)
    cases = [(0, 0), (255, 1), (128, 128), (200, 55), (254, 1)] + [(rng.randrange(256), rng.randrange(256)) for _ in range(200)]
    for a, b in cases:
        dut.a.value = a
        dut.b.value = b
        await Timer(1, unit="ns")
        assert int(dut.y.value) == min(a + b, 255), f"{a} + {b} gave {int(dut.y.value)}"
"""


def sat_add(task_id: str = "cvdp_copilot_sat_add_0001", with_solution: bool = True) -> dict:
    return {
        "id": task_id,
        "categories": ["cid003", "easy"],
        "input": {
            "prompt": "Design `sat_add`: an unsigned 8-bit adder (parameter W = 8) whose output y = a + b "
                      "saturates at 255 instead of wrapping. Ports: a, b (W bits, inputs), y (W bits, output).",
            "context": {},
        },
        "output": {"response": "", "context": {"rtl/sat_add.sv": SAT_ADD_REF if with_solution else ""}},
        "harness": {"files": {
            "docker-compose.yml": COMPOSE,
            "src/.env": "SIM             = icarus\nTOPLEVEL_LANG   = verilog\n"
                        "VERILOG_SOURCES = /code/rtl/sat_add.sv\nTOPLEVEL        = sat_add\n"
                        "MODULE          = test_sat_add\nPYTHONPATH      = /src\n",
            "src/test_runner.py": RUNNER,
            "src/test_sat_add.py": SAT_ADD_TEST,
        }},
    }


MUX_LEAF = "module mux_leaf (input logic s, input logic [3:0] a, b, output logic [3:0] y);\n    assign y = s ? b : a;\nendmodule\n"
MUX_TOP = ("module mux_pair (input logic s, input logic [3:0] a, b, c, d, output logic [3:0] y, z);\n"
           "    mux_leaf u0 (.s(s), .a(a), .b(b), .y(y));\n    mux_leaf u1 (.s(s), .a(c), .b(d), .y(z));\nendmodule\n")


def mux_pair() -> dict:
    """Two output files: the answer is CVDP's JSON schema {"code": [{path: text}, ...]}."""
    return {
        "id": "cvdp_copilot_mux_pair_0004",
        "categories": ["cid004", "medium"],
        "input": {"prompt": "Split the muxes into `mux_leaf` (rtl/mux_leaf.sv) used twice by `mux_pair`.",
                  "context": {"rtl/mux_pair.sv": "module mux_pair(); endmodule\n"}},
        "output": {"response": "", "context": {"rtl/mux_leaf.sv": MUX_LEAF, "rtl/mux_pair.sv": MUX_TOP}},
        "harness": {"files": {
            "docker-compose.yml": COMPOSE,
            "src/.env": "SIM = icarus\nVERILOG_SOURCES = /code/rtl/mux_leaf.sv /code/rtl/mux_pair.sv\n"
                        "TOPLEVEL = mux_pair\nMODULE = test_mux_pair\nPYTHONPATH = /src\n",
            "src/test_runner.py": RUNNER_WAVES,
            "src/test_mux_pair.py": "import cocotb\nfrom cocotb.triggers import Timer\n\n\n@cocotb.test()\n"
                                    "async def selects(dut):\n    for s in (0, 1):\n"
                                    "        dut.s.value, dut.a.value, dut.b.value, dut.c.value, dut.d.value = s, 1, 2, 3, 4\n"
                                    "        await Timer(1, unit='ns')\n"
                                    "        assert (int(dut.y.value), int(dut.z.value)) == ((2, 4) if s else (1, 3))\n",
        }},
    }


def new_file_patch(text: str) -> str:
    """A unified diff creating `text`, the way CVDP's agentic datapoints ship their solutions."""
    lines = text.splitlines()
    return f"@@ -0,0 +1,{len(lines)} @@\n" + "".join(f"+{line}\n" for line in lines)


def agentic_sat_add() -> dict:
    """An agentic datapoint (prompt, context, patch and harness files at the top level)."""
    harness = sat_add()["harness"]["files"]
    return {"id": "cvdp_agentic_sat_add_0005", "categories": ["cid003", "easy"], "system_message": "You are an agent.",
            "prompt": "Implement the adder of docs/spec.md in rtl/sat_add.sv.",
            "context": {"docs/spec.md": "sat_add: y = min(a + b, 255) for 8-bit unsigned a, b.\n"},
            "patch": {"rtl/sat_add.sv": new_file_patch(SAT_ADD_REF)}, "harness": dict(harness)}


def unsupported() -> list[dict]:
    """One datapoint per reason to skip."""
    return [
        {"id": "cvdp_copilot_sat_add_0010", "categories": ["cid010", "easy"],
         "input": {"prompt": "Why does the test use seed 7?", "context": {}},
         "output": {"response": "So that failures repeat.", "context": {}}, "harness": {}},
        {"id": "cvdp_copilot_sat_add_0012", "categories": ["cid012", "medium"],
         "input": {"prompt": "Write stimulus for sat_add reaching full coverage.", "context": {}},
         "output": {"response": "", "context": {"verif/sat_add_tb.sv": "module tb; endmodule\n"}},
         "harness": {"files": {"docker-compose.yml": "services:\n  xrun:\n    image: __VERIF_EDA_IMAGE__\n"
                                                     "    command: pytest /src/test_runner.py\n",
                               "src/.env": "SIM = xcelium\nTOPLEVEL = sat_add\n"}}},
        {"id": "cvdp_agentic_sat_add_0003", "categories": ["cid003", "easy"], "system_message": "You are an agent.",
         "prompt": "Design sat_add in rtl/sat_add.sv.", "context": {}, "patch": {"rtl/sat_add.sv": ""}, "harness": {}},
    ]


def write_dataset(folder: Path, rows: list[dict], name: str = "cvdp_test.jsonl") -> Path:
    """<folder>/cvdp/<name> holding `rows` (a bench root for `--bench cvdp`)."""
    path = Path(folder) / "cvdp" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path
