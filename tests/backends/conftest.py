"""Fixtures for the backend tests: skip cleanly when a tool is missing; small designs used throughout."""
from __future__ import annotations

import shutil

import pytest

from tests.benchdata import as_top, rtllm_reference, ve2_reference  # noqa: F401  (re-exported)


@pytest.fixture(scope="session")
def verilator():
    from testbench_gen.run.simulators import get_backend

    backend = get_backend("verilator")
    if not backend.available():
        pytest.skip("verilator not installed")
    return backend


@pytest.fixture(scope="session")
def yosys():
    from testbench_gen.proof.formal import yosys_command

    if yosys_command() is None:
        pytest.skip("yosys not installed")


@pytest.fixture(scope="session")
def icarus():
    if not shutil.which("iverilog"):
        pytest.skip("iverilog not installed")


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Verilator runtime objects go to one cache shared by this session's tests, not ~/.cache."""
    monkeypatch.setenv("CODEV_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "codev-cache"))


# An FSM (Moore, async reset) and the same FSM with other state codes and a 3-bit register.
FSM_GOLDEN = """module TopModule(input clk, input areset, input x, output z);
  reg [1:0] s;
  always @(posedge clk or posedge areset)
    if (areset) s <= 0;
    else case (s) 0: s <= x ? 1 : 0; 1: s <= x ? 2 : 0; 2: s <= x ? 2 : 0; default: s <= 0; endcase
  assign z = (s == 2);
endmodule
"""
FSM_RECODED = """module TopModule(input clk, input areset, input x, output z);
  reg [2:0] s;
  always @(posedge clk or posedge areset)
    if (areset) s <= 3'd5;
    else case (s) 5: s <= x ? 3 : 5; 3: s <= x ? 6 : 5; 6: s <= x ? 6 : 5; default: s <= 5; endcase
  assign z = (s == 6);
endmodule
"""
FSM_BUG = FSM_RECODED.replace("6: s <= x ? 6 : 5;", "6: s <= x ? 6 : 3;")

# A 32-bit function, and a candidate that differs for one value of `a` in 2^32: random stimulus
# (which uses the golden's constants, not the candidate's) practically never finds it.
XOR_GOLDEN = "module TopModule(input [31:0] a, input [31:0] b, output [31:0] y); assign y = a ^ b; endmodule\n"
XOR_EQUIV = ("module TopModule(input [31:0] a, input [31:0] b, output [31:0] y);"
             " assign y = (a | b) & ~(a & b); endmodule\n")
XOR_HIDDEN_BUG = ("module TopModule(input [31:0] a, input [31:0] b, output [31:0] y);"
                  " assign y = (a == 32'h1234abcd) ? 32'd0 : a ^ b; endmodule\n")

COUNTER = """module TopModule(input clk, input reset, input en, output reg [3:0] q);
  always @(posedge clk) if (reset) q <= 0; else if (en) q <= q + 1;
endmodule
"""
COUNTER_BUG = COUNTER.replace("q + 1", "q + 2")
