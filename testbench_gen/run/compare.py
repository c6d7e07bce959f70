"""From recorded traces to a verdict: per-output rates, the counterexample, its replay testbench.

Every backend records traces and the comparison happens here, in Python: the simulation a candidate
runs in never holds the golden's answer, and a candidate's mismatch rate depends only on its own
trace (never on batch-mates). `score_trace` compares, `verdict_from_result` words the verdict.
"""
from __future__ import annotations

from dataclasses import replace

from ..config import CheckOptions
from .golden import GoldenRun
from ..testbench.harness import bits_differ, compared_ports, render_replay_harness
from .results import CandidateResult, trace_slices
from ..verdict import Counterexample, OutputValue, Verdict, VerdictKind


def score_trace(golden_run: GoldenRun, actual: list[str], options: CheckOptions) -> CandidateResult:
    """Compare a candidate's trace with the golden's, sample by sample (equal lines are skipped)."""
    slices = trace_slices(golden_run.interface)
    counts = [0] * len(slices)
    result = CandidateResult(counts=counts)
    x_free = options.x_matches_anything
    expected = golden_run.expected
    if actual == expected:  # one C-level pass: most candidates of a trained policy are right
        return result
    for k, (e, a) in enumerate(zip(expected, actual)):
        if e == a:
            continue
        known = "x" not in e and "z" not in e  # then a differing slice differs, whatever the X rule
        bad = False
        for i, (hi, lo) in enumerate(slices):
            es, as_ = e[lo:hi], a[lo:hi]
            if es != as_ and (known or bits_differ(es, as_, x_free)):
                counts[i] += 1
                bad = True
        if bad:
            result.fails += 1
            if result.first < 0:
                result.first, result.actual = k, a
    return result


def verdict_from_result(r: CandidateResult, samples: int, golden_run: GoldenRun, options: CheckOptions,
                        backend_name: str) -> Verdict:
    """The verdict of one candidate whose run compared `samples` sample points."""
    outs = compared_ports(golden_run.interface)
    rates = {p.name: (r.counts[i] / samples if samples and i < len(r.counts) else 0.0)
             for i, p in enumerate(outs)}
    if r.fails == 0:
        return Verdict(VerdictKind.EQUIVALENT, equivalent_reason(golden_run, samples, options),
                       backend=backend_name, mismatch_rate=rates, samples_compared=samples,
                       seed=golden_run.seed, untoggled=list(golden_run.untoggled), coverage=golden_run.coverage)
    cex = build_counterexample(golden_run, r.first, r.actual, options)
    if cex is None:
        reason = "differs from the golden"
    elif cex.outputs:
        reason = f"differs from the golden on {', '.join(cex.outputs)} at cycle {cex.cycle}"
    else:
        reason = f"differs from the golden at cycle {cex.cycle} only where the golden is X (2-state simulator)"
    return Verdict(VerdictKind.MISMATCH, reason, backend=backend_name, mismatch_rate=rates,
                   samples_compared=samples, counterexample=cex, seed=golden_run.seed,
                   untoggled=list(golden_run.untoggled), coverage=golden_run.coverage)


def equivalent_reason(golden_run: GoldenRun, samples: int, options: CheckOptions) -> str:
    """Why a pass is a pass, and what it does not cover (outputs constant or X in the golden)."""
    reason = (f"matches the golden at all {samples} sample points ({stimulus_summary(golden_run)}; "
              f"{100 * golden_run.coverage:.0f}% of the golden's output bits toggled)")
    constant = [n for n in golden_run.untoggled if n not in golden_run.never_known]
    if constant:
        reason += "; never toggled in the golden: " + ", ".join(constant)
    if golden_run.never_known:
        reason += "; not compared (golden X throughout): " + ", ".join(golden_run.never_known)
    return reason


def stimulus_summary(golden_run: GoldenRun) -> str:
    """What the stimulus was: one seed drives every reset segment and the long run (a reason that
    said "4 seeds" meant 4 segments of one seed)."""
    stim = golden_run.stimulus
    per_cycle = max(1, stim.steps_per_cycle)
    segment_rows = stim.long_start if stim.long_start is not None else len(stim.rows)
    segments = len(stim.segment_starts) - (stim.long_start is not None)
    unit = "cycles" if golden_run.interface.clocks else "input vectors"
    kind = "reset segment" if golden_run.interface.resets else "segment"
    text = f"{segment_rows // per_cycle} {unit} in {segments} {kind}{'s' * (segments != 1)}"
    if golden_run.directed:
        text += f" ({len(golden_run.directed)} of them coverage-directed)"
    if stim.long_start is not None:
        text += f", then {(len(stim.rows) - stim.long_start) // per_cycle} cycles without reset"
    return f"{text}; stimulus seed {golden_run.seed}"


def build_counterexample(golden_run: GoldenRun, sample: int, actual: str,
                         options: CheckOptions) -> Counterexample | None:
    if sample < 0 or sample >= len(golden_run.expected):
        return None
    iface, stim, plan = golden_run.interface, golden_run.stimulus, golden_run.plan
    expected = golden_run.expected[sample]
    pairs = [(port.name, expected[lo:hi], actual[lo:hi])
             for port, (hi, lo) in zip(compared_ports(iface), trace_slices(iface))]
    outputs = {name: OutputValue(expected=e, actual=a) for name, e, a in pairs
               if bits_differ(e, a, options.x_matches_anything)}
    # empty when the simulator compared an X of the golden as 0 (2-state): strategies re-check those
    step = plan.step_of(sample)
    phase_a = plan.per_step == 2 and sample % 2 == 0
    # at sample A the data inputs still hold the previous step's values (they change at +6)
    row = stim.values_at(max(0, step - 1) if phase_a else step)
    clocks_now = stim.values_at(step)
    inputs = {}
    for name, width in zip(stim.columns, stim.widths):
        value = clocks_now[name] if name in iface.clock_names else row[name]
        inputs[name] = format(value, f"0{width}b")
    cex = Counterexample(cycle=step // stim.steps_per_cycle, step=step, time_ns=plan.time_of(sample),
                         inputs=inputs, outputs=outputs)
    if options.replay_testbench:
        cex.testbench = replay_testbench(golden_run, step, options)
    return cex


def replay_testbench(golden_run: GoldenRun, last_step: int, options: CheckOptions,
                     module: str | None = None) -> str:
    """A single-file testbench a person runs by hand: drives `module` (default: the golden's top
    name) with the stimulus up to last_step and compares it with the golden's recorded outputs."""
    iface = golden_run.interface
    stim = replace(golden_run.stimulus, rows=golden_run.stimulus.rows[: last_step + 1])
    samples = (last_step + 1) * golden_run.plan.per_step
    cycle = last_step // golden_run.stimulus.steps_per_cycle
    top = module or iface.top
    header = (f"// codev replay: the checker's stimulus (seed {golden_run.seed}) up to cycle {cycle}, where\n"
              f"// `codev verify` found the first difference, and the golden's outputs recorded on it.\n"
              f"// Run:  iverilog -g2012 -o replay THIS_FILE.v YOUR_DESIGN.v && vvp -n replay\n"
              f"//       (vvp -n replay +vcd also writes replay.vcd; the design's top module: {top})\n"
              f"// Prints \"MISMATCH at cycle N on OUT: expected E, got A\" and exits with status 1 at\n"
              f"// the first difference (cycles numbered as verify numbers them), \"PASS\" if none.\n")
    return render_replay_harness(iface, stim, top, golden_run.expected[:samples],
                                 x_in_golden_matches_anything=options.x_matches_anything, header=header)


def compare_traces(run: GoldenRun, actual: list[str], options: CheckOptions, backend_name: str = "") -> Verdict:
    """The verdict from a candidate's trace recorded outside the core (cocotb: may hold extra user samples)."""
    done = min(len(run.expected), len(actual))
    result = score_trace(run, actual, options)
    if len(actual) < len(run.expected) and result.first < 0:
        return Verdict(VerdictKind.INFRA_ERROR, f"recorded {len(actual)} of {len(run.expected)} samples",
                       backend=backend_name, seed=run.seed)
    return verdict_from_result(result, done, run, options, backend_name)
