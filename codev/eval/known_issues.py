"""Problems whose testbench is broken, weak or simulator-dependent (from benchmarks/MANIFEST.md).

Flagging them keeps official scores official while telling the reader which numbers say nothing
about the model: a "broken" problem fails every design under Icarus, a "weak" one passes wrong designs.
"""
from __future__ import annotations

from dataclasses import dataclass

BROKEN = "broken"  # no design can pass under Icarus (race, unsupported construct, watchdog)
WEAK = "weak"  # the testbench accepts designs that are wrong
SIMULATOR = "simulator"  # the verdict depends on the Icarus version


@dataclass(frozen=True)
class KnownIssue:
    benchmark: str
    problem: str
    kind: str
    note: str
    iverilog: tuple[int, ...] = (11, 12)  # Icarus major versions where it applies
    fixable: bool = False  # fixes/ has a documented patch (opt-in --fixed-testbenches)


_V1 = ("verilogeval-v1-human", "verilogeval-v1-machine")
_V2 = ("verilogeval-v2-spec-to-rtl", "verilogeval-v2-code-complete")
_RTLLM = ("rtllm-v1.1", "rtllm-v2")

_ENUM_CAST = "the testbench's reference uses enum casts Icarus 11 rejects ('sorry: cast not supported'): every answer fails"
_WATCHDOG = "the testbench's own #1000000 TIMEOUT watchdog fires before the stimulus ends: every answer gets 'T'"
_VACUOUS = "the reference output is X from the first clock and X matches anything: any design passes"
_CONST = "weak testbench: a design with constant outputs passes"

ISSUES: tuple[KnownIssue, ...] = (
    KnownIssue(_V1[0], "review2015_fancytimer", BROKEN, _ENUM_CAST, (11,)),
    KnownIssue(_V1[0], "review2015_fsm", BROKEN, _ENUM_CAST, (11,)),
    *(KnownIssue(b, "m2014_q4d", WEAK, _VACUOUS) for b in _V1),
    *(KnownIssue(b, "Prob082_lfsr32", BROKEN, _WATCHDOG) for b in _V2),
    *(KnownIssue(b, "Prob141_count_clock", BROKEN, _WATCHDOG) for b in _V2),
    *(KnownIssue(b, "Prob151_review2015_fsm", BROKEN, "_ref.sv uses enum casts Icarus 11 rejects: every answer fails to compile", (11,)) for b in _V2),
    *(KnownIssue(b, "Prob156_review2015_fancytimer", BROKEN, "_ref.sv enum casts (Icarus 11: compile error); Icarus 12: the watchdog fires ('T')") for b in _V2),
    *(KnownIssue(b, "Prob053_m2014_q4d", WEAK, _VACUOUS) for b in _V2),
    *(KnownIssue(b, "adder_pipe_64bit", SIMULATOR, "the testbench overrides parameters DATA_WIDTH/STG_WIDTH the description never mentions: compile error under Icarus 12 for designs without them", (12,)) for b in _RTLLM),
    *(KnownIssue(b, "asyn_fifo", BROKEN, "the testbench uses `break` inside `repeat`, which Icarus 11 and 12 reject: every answer fails to compile", fixable=True) for b in _RTLLM),
    KnownIssue(_RTLLM[0], "div_16bit", BROKEN, "the testbench declares `expected_result` twice: every answer fails to compile", fixable=True),
    *(KnownIssue(b, "radix2_div", BROKEN, "testbench race: operands change exactly on the clock edge after `wait(res_valid)`; under Icarus even the reference fails", fixable=True) for b in _RTLLM),
    *(KnownIssue(b, "edge_detect", WEAK, _CONST + " (all-0; checks use && where || is meant)") for b in _RTLLM),
    KnownIssue(_RTLLM[0], "pe", SIMULATOR, "the reference redeclares ANSI output `c` as reg: Icarus 12 rejects the reference (answers unaffected)", (12,)),
    KnownIssue(_RTLLM[1], "clkgenerator", BROKEN, "testbench race: it samples clk at the instants the DUT toggles it; under Icarus even the reference fails", fixable=True),
    *(KnownIssue(_RTLLM[1], name, WEAK, _CONST + " (all-1; never checks that the other flags are 0)") for name in ("comparator_3bit", "comparator_4bit")),
    KnownIssue(_RTLLM[1], "ring_counter", BROKEN, "unusable testbench: an unpacked-array initialiser Icarus rejects, and it never counts mismatches (a race decides whether ANY design passes)"),
    KnownIssue(_RTLLM[1], "square_wave", WEAK, _CONST + " (all-0; only checks for <= 8 consecutive ones)"),
)


def issues_for(benchmark: str, iverilog_major: int | None) -> dict[str, KnownIssue]:
    """Problem id -> issue, for the issues that apply to this benchmark and Icarus version."""
    return {
        issue.problem: issue
        for issue in ISSUES
        if issue.benchmark == benchmark and (iverilog_major is None or iverilog_major in issue.iverilog)
    }
