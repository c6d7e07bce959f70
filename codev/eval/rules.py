"""The official pass rules, as pure functions of tool output (unit-testable without a simulator).

Each returns an `Outcome`: the verdict plus the benchmark's own code for it where it has one
(VerilogEval v2's sv-iv-analyze letters), so reports can be compared with upstream tables.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

PASS = "pass"
FAIL = "fail"
COMPILE_ERROR = "compile-error"
TIMEOUT = "timeout"
NO_CODE = "no-code"  # the response held no answer to score


@dataclass(frozen=True)
class Outcome:
    verdict: str
    code: str = ""  # benchmark-specific detail (v2 letter, v1 result string)

    @property
    def compiled(self) -> bool:
        return self.verdict not in (COMPILE_ERROR, NO_CODE)


_V1_MISMATCH = re.compile(r"Mismatches: ([0-9]*) in ([0-9]*) samples")


def verilogeval_v1(compile_ok: bool, stdout: str, stderr: str, timed_out: bool) -> Outcome:
    """verilog_eval/execution.py: any stderr is a failure; pass iff `Mismatches: 0 in N samples`."""
    if timed_out:
        return Outcome(TIMEOUT, "timed out")
    if "syntax error" in stderr:
        return Outcome(COMPILE_ERROR, "failed: syntax error.")
    if stderr:
        # the official harness cannot tell compile from runtime stderr; we can, for the syntax rate
        return Outcome(FAIL if compile_ok else COMPILE_ERROR, "failed: compile error.")
    match = _V1_MISMATCH.search(stdout)
    if not match:
        return Outcome(FAIL, "failed: info string not matched.")
    errors, total = int(match.group(1)), int(match.group(2))
    if errors == 0:
        return Outcome(PASS, "passed")
    return Outcome(FAIL, f"failed: {errors} out of {total} samples.")


_V2_MISMATCH = re.compile(r"^Mismatches: (\d+) in \d+ samples$")
_V2_LINE_CODES = (  # checked in this order on every line, first hit ends the scan
    ("error: This assignment requires an explicit cast", "e"),
    ("error: Sized numeric constant must have a size greater than zero", "0"),
    ("warning: always_comb process has no sensitivities", "n"),
    ("found no sensitivities so it will never trigger", "n"),
    ("is declared here as wire", "w"),
    ("Unknown module type", "m"),
)


def verilogeval_v2_letter(log: str, sample_source: str) -> str:
    """scripts/sv-iv-analyze, line for line: '.' is a pass, every other letter a failure."""
    error_c = error_p = no_mismatch = False
    for line in log.splitlines():
        if "syntax error" in line:
            return "S"
        if "error" in line:
            error_c = True
        hit = next((code for needle, code in _V2_LINE_CODES if needle in line), None)
        if hit:
            return hit
        if "Unable to bind wire/reg" in line:
            error_p = True
        if "Unable to bind wire/reg/memory `clk'" in line:
            return "c"
        if "TIMEOUT" in line:
            return "T"
        match = _V2_MISMATCH.match(line)
        if match and int(match.group(1)) == 0:
            no_mismatch = True
    if error_p:
        return "p"
    if error_c:
        return "C"
    if no_mismatch:
        return "."
    for line in sample_source.splitlines():
        if "posedge reset" in line or "negedge reset" in line or "posedge r)" in line:
            return "r"
    return "R"


def verilogeval_v2(compile_ok: bool, log: str, sample_source: str, timed_out: bool) -> Outcome:
    """Verdict from the sv-iv-analyze letter; compile failures and timeouts keep their own verdicts."""
    letter = verilogeval_v2_letter(log, sample_source)
    if letter == ".":
        return Outcome(PASS, letter)
    if not compile_ok:
        return Outcome(COMPILE_ERROR, letter)
    if timed_out:
        return Outcome(TIMEOUT, letter)
    return Outcome(FAIL, letter)


def rtllm(compile_ok: bool, output: str, timed_out: bool) -> Outcome:
    """RTLLM: pass iff the simulation output contains 'Pass' or 'pass'."""
    if not compile_ok:
        return Outcome(COMPILE_ERROR)
    if timed_out:
        return Outcome(TIMEOUT)
    return Outcome(PASS if ("Pass" in output or "pass" in output) else FAIL)


# a harness build that iverilog refused: cocotb's runner logs each tool it starts, then the failure
_RUNNER_COMMAND = re.compile(r"Running command (\S+)|Command failed with return code")
_COCOTB_FAILED = re.compile(r"\*\* TESTS=\d+ PASS=\d+ FAIL=(\d+)")  # cocotb's regression summary
_IVERILOG_BUILD_ERRORS = re.compile(r": syntax error|I give up\.|Unknown module type")


def cvdp(returncodes: list[int | None], log: str, timed_out: bool) -> Outcome:
    """CVDP: a datapoint passes iff every harness service exits 0 (pytest: all its tests passed).

    A failing run whose build step (iverilog, as cocotb's runner logs it) failed is a compile error, for
    the syntax rate; CVDP itself reports only pass/fail. One guard CVDP lacks: an exit 0 while cocotb's
    printed summary counts failing tests is a fail (a wrong design can overwrite the results file that
    cocotb's runner reads, from a `final` block)."""
    if returncodes and all(code == 0 for code in returncodes):
        failing = sum(int(n) for n in _COCOTB_FAILED.findall(log))
        if failing:  # the design can write cocotb's results file (a `final` block), not erase what cocotb printed
            return Outcome(FAIL, f"exit 0, but cocotb reported {failing} failing tests (results file overwritten?)")
        return Outcome(PASS, "exit 0")
    if timed_out:
        return Outcome(TIMEOUT, "timed out")
    detail = "exit " + ",".join(str(code) for code in returncodes)
    last_tool = ""
    for match in _RUNNER_COMMAND.finditer(log):
        if match.group(1) is not None:
            last_tool = match.group(1).rsplit("/", 1)[-1]
        elif last_tool == "iverilog":
            return Outcome(COMPILE_ERROR, detail)
    if _IVERILOG_BUILD_ERRORS.search(log):
        return Outcome(COMPILE_ERROR, detail)
    return Outcome(FAIL, detail)
