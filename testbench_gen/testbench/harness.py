"""Render the Verilog testbenches: one that records the golden's outputs, one that compares candidates.

Time grid, 1 ns units, step k spans [10k, 10k+10):
  10k+j   clock j takes its value for this step (j = 0..4: clocks never share an instant)
  10k+5   sample A (clocked designs): outputs after the edges, before the inputs change
  10k+6   resets and data inputs take their new values, away from every clock edge
  10k+9   sample B: outputs with the new inputs settled
The checker's simulations only record (render_record_harness): the golden alone, then candidates
together, one line per sample (4-state binary); the checker compares the traces in Python, so no
simulation a candidate runs in holds the golden's answer. Every testbench identifier carries a
per-run secret token, and traces go to a file only the testbench opens (a candidate may print what it
likes on stdout; nobody reads that). render_compare_harness (the golden's trace embedded or read from
`expected.bin`) is for standalone replays and `codev tbgen`, never for checking candidates.
Every design instance reads its inputs through its own copy nets, never the shared registers: a
candidate that drives its own input port changes only what it sees itself.
An `inout` port is a net that the testbench drives from the stimulus (value and `<name>__oe`
columns, else `z`) and samples like an output, so both the receive and the transmit path count.
Comparison is 4-state (`bits_differ`, and the replay harness's `differs` function): golden bits that
are `x` are not compared (unless strict); every other bit, `z` included, must match exactly, so a
candidate that never releases a tristate bus is wrong.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..interface import Interface, Port
from .stimulus import Stimulus, enable_column

STIM_FILE = "stimulus.hex"
ROWS_FILE = "rows.txt"  # the row count, read by a testbench built for any stimulus up to its capacity
EXPECTED_FILE = "expected.bin"
MAX_CLOCK_OFFSET = 4


@dataclass(frozen=True)
class SamplePlan:
    steps: int
    per_step: int  # 2 for clocked designs (A and B), 1 for combinational ones (B only)

    @property
    def samples(self) -> int:
        return self.steps * self.per_step

    def step_of(self, sample: int) -> int:
        return sample // self.per_step

    def time_of(self, sample: int) -> int:
        step, phase = divmod(sample, self.per_step)
        return 10 * step + (9 if phase == self.per_step - 1 else 5)


def sample_plan(iface: Interface, stim: Stimulus) -> SamplePlan:
    return SamplePlan(steps=len(stim.rows), per_step=2 if iface.clocks else 1)


def compared_ports(iface: Interface) -> list[Port]:
    return [p for p in iface.ports if p.direction != "input"]


def bits_differ(expected: str, actual: str, x_matches_anything: bool = True) -> bool:
    """The harness's comparison in Python: golden `x` bits match anything (unless strict), `z` is exact."""
    if not x_matches_anything:
        return expected != actual
    return any(e != "x" and a != e for e, a in zip(expected, actual))


def output_width(iface: Interface) -> int:
    return sum(p.width for p in compared_ports(iface))


def _vec(width: int) -> str:
    return f"[{width - 1}:0] " if width > 1 else ""


def _column_slices(stim: Stimulus) -> dict[str, str]:
    total = stim.total_width
    slices, hi = {}, total - 1
    for name, w in zip(stim.columns, stim.widths):
        lo = hi - w + 1
        slices[name] = f"[{hi}:{lo}]" if w > 1 else f"[{hi}]"
        hi = lo - 1
    return slices


def _output_slices(iface: Interface) -> list[tuple[Port, int, int]]:
    out, hi = [], output_width(iface) - 1
    for p in compared_ports(iface):
        lo = hi - p.width + 1
        out.append((p, hi, lo))
        hi = lo - 1
    return out


def _instance(module: str, inst: str, iface: Interface, prefix: str, token: str) -> str:
    """One design under test. Each instance reads its inputs through its own copies (`i<k>_...`
    nets): a design that drives its input port (Icarus coerces the port to inout) only spoils its
    own copy, never a batch-mate's inputs, and the batch still compiles."""
    copy = "i" + prefix[1:]  # c3 -> i3 (never the shared `in_` registers)
    conns, copies = [], []
    for p in iface.ports:
        if p.direction == "input":
            sig = f"{copy}_{token}_{p.name}"
            copies.append(f"  wire {_vec(p.width)}{sig} = in_{token}_{p.name};\n")
        else:
            sig = f"{prefix}_{token}_{p.name}"
        conns.append(f".{p.name}({sig})")
    drivers = "".join(
        f"  assign {prefix}_{token}_{p.name} = in_{token}_{enable_column(p.name)} ? in_{token}_{p.name}"
        f" : {p.width}'b{'z' * p.width};\n"
        for p in iface.inouts)
    return "".join(copies) + f"  {module} {inst} (\n    " + ",\n    ".join(conns) + "\n  );\n" + drivers


INOUT_WRAPPER = "codev_io_wrap"
NET_SUFFIX = "__net"


def render_inout_wrapper(iface: Interface, module: str) -> tuple[str, dict[str, str]]:
    """A top module for drivers that set ports directly (cocotb): each inout becomes a value input
    and an `<name>__oe` input driving a real tristate net, read back as output `<name>__net`.

    Writing an inout through VPI only deposits a value that the design's own driver overwrites, so
    the receive path needs a driver in Verilog. Returns the source and {inout name: output name}.
    """
    ports, conns, drivers, renamed = [], [], [], {}
    for p in iface.ports:
        if p.direction == "inout":
            net = p.name + NET_SUFFIX
            renamed[p.name] = net
            ports += [f"input {_vec(p.width)}{p.name}", f"input {enable_column(p.name)}",
                      f"output {_vec(p.width)}{net}"]
            drivers.append(f"  assign {net} = {enable_column(p.name)} ? {p.name} : {p.width}'b{'z' * p.width};")
            conns.append(f".{p.name}({net})")
        else:
            ports.append(f"{p.direction} {_vec(p.width)}{p.name}")
            conns.append(f".{p.name}({p.name})")
    text = (f"module {INOUT_WRAPPER}(\n  " + ",\n  ".join(ports) + "\n);\n" + "\n".join(drivers)
            + f"\n  {module} u_dut (" + ", ".join(conns) + ");\nendmodule\n")
    return text, renamed


def _drive_block(iface: Interface, stim: Stimulus, token: str, sample_a: str, sample_b: str) -> str:
    """The per-step body: clocks at +j, sample A at +5, inputs at +6, sample B at +9."""
    slices = _column_slices(stim)
    row = f"row_{token}"
    lines = []
    elapsed = 0
    for j, clock in enumerate(iface.clocks):
        offset = min(j, MAX_CLOCK_OFFSET)
        if offset > elapsed:
            lines.append(f"      #{offset - elapsed};")
            elapsed = offset
        lines.append(f"      in_{token}_{clock.name} = {row}{slices[clock.name]};")
    if iface.clocks:
        lines.append(f"      #{5 - elapsed};")
        lines.append(sample_a)
        lines.append("      #1;")
    else:
        lines.append("      #6;")
    for name in stim.columns:
        if name not in iface.clock_names:
            lines.append(f"      in_{token}_{name} = {row}{slices[name]};")
    lines.append("      #3;")
    lines.append(sample_b)
    lines.append("      #1;")
    return "\n".join(lines)


def _first_edges(iface: Interface, stim: Stimulus, token: str) -> str:
    """Under Verilator only: every data input starts at the complement of its first value.

    Why: Icarus starts inputs at X, so their first value (at 6 ns) is an edge (X->0 a negedge, X->1
    a posedge) that an asynchronous reset takes. A 2-state simulator starts them at a value of its
    own; Verilator's --x-initial-edge, which used to stand in for that edge, fires every edge
    trigger once at time 0 and starts signals that some module uses as an edge at 0 instead of the
    run's X mode, so a batch-mate with `posedge rst` changed what a sync-reset candidate computed
    at time 0 (issue 16). Set inside the initial block before its first delay, so it is not an edge
    itself; the first row's value then makes the same edge Icarus sees, in every model."""
    slices = _column_slices(stim)
    data = [name for name in stim.columns if name not in iface.clock_names]
    if not data or not stim.rows:
        return ""
    lines = [f"    row_{token} = stim_{token}[0];"]
    lines += [f"    in_{token}_{name} = ~row_{token}{slices[name]};" for name in data]
    return "`ifdef VERILATOR\n" + "\n".join(lines) + "\n`endif\n"


def _load(array: str, fmt: str, filename: str, lines: list[str] | None) -> str:
    """Fill a memory from a file, or (standalone testbenches) from literals in the source."""
    if lines is None:
        return f'    $readmem{fmt}("{filename}", {array});'
    base = "h" if fmt == "h" else "b"
    return "\n".join(f"    {array}[{i}] = '{base}{v};" for i, v in enumerate(lines))


def _common_decls(iface: Interface, stim: Stimulus, token: str, capacity: int | None = None) -> str:
    lines = [f"  reg [{stim.total_width - 1}:0] stim_{token} [0:{(capacity or len(stim.rows)) - 1}];",
             f"  reg [{stim.total_width - 1}:0] row_{token};",
             f"  integer step_{token}, sample_{token}, fd_{token};"]
    for name, width in zip(stim.columns, stim.widths):
        lines.append(f"  reg {_vec(width)}in_{token}_{name};")
    return "\n".join(lines) + "\n"


def render_golden_harness(iface: Interface, stim: Stimulus, golden_module: str, token: str,
                          trace_file: str = EXPECTED_FILE) -> str:
    """Testbench that drives the golden and writes its outputs at every sample point."""
    return render_record_harness(iface, stim, [golden_module], token, trace_file, end_marker=False)


def render_record_harness(iface: Interface, stim: Stimulus, modules: list[str], token: str,
                          trace_file: str = EXPECTED_FILE, end_marker: bool = True,
                          capacity: int | None = None) -> str:
    """Testbench that drives every module in `modules` and records their outputs, nothing else.

    One line per sample point: the compared outputs of module 0, then module 1, ... (4-state binary),
    then `END:<samples>` (end_marker). The testbench holds no expected values: the checker compares
    in Python, so nothing a candidate can reach in the simulation holds the answer. With `capacity`
    the testbench reads the row count from ROWS_FILE and runs any stimulus of the same columns up
    to that many rows (the golden's build is then reused across seeds)."""
    outs = compared_ports(iface)
    cat = "{" + ", ".join(f"c{c}_{token}_{p.name}" for c in range(len(modules)) for p in outs) + "}"
    # flushed at every sample: a run killed later (hang, crash) leaves every line it recorded
    sample = (f"      $fdisplay(fd_{token}, \"%b\", {cat}); $fflush(fd_{token}); "
              f"sample_{token} = sample_{token} + 1;")
    body = ["`timescale 1ns/1ps", f"module codev_tb_{token};", _common_decls(iface, stim, token, capacity)]
    for c in range(len(modules)):
        for p in outs:
            body.append(f"  wire {_vec(p.width)}c{c}_{token}_{p.name};")
    for c, module in enumerate(modules):
        body.append(_instance(module, f"u_{token}_d{c}", iface, f"c{c}", token))
    end = f'    $fdisplay(fd_{token}, "END:%0d", sample_{token});\n' if end_marker else ""
    rows = str(len(stim.rows))
    if capacity is not None:
        body.append(f"  integer rows_{token}, rfd_{token}, got_{token};")
        rows = f"rows_{token}"
    read_rows = (f'    rfd_{token} = $fopen("{ROWS_FILE}", "r"); got_{token} = $fscanf(rfd_{token}, "%d", rows_{token});\n'
                 f"    $fclose(rfd_{token});\n") if capacity is not None else ""
    body.append(f"""  initial begin
{read_rows}    $readmemh("{STIM_FILE}", stim_{token});
    fd_{token} = $fopen("{trace_file}", "w");
    sample_{token} = 0;
{_first_edges(iface, stim, token)}    for (step_{token} = 0; step_{token} < {rows}; step_{token} = step_{token} + 1) begin
      row_{token} = stim_{token}[step_{token}];
{_drive_block(iface, stim, token, sample if iface.clocks else "", sample)}
    end
{end}    $fclose(fd_{token});
    $finish;
  end
endmodule
""")
    return "\n".join(body)


def _differs_function(t: int, ow: int, x_in_golden_matches_anything: bool) -> str:
    """`differs_T(e, a)`: 1 when the candidate's outputs `a` differ from the golden's `e`; with x-matching, an x bit
    of the golden matches anything (the bit loop runs only when `e` holds an x, the rare case)."""
    if x_in_golden_matches_anything:
        body = f"""    differs_{t} = 0;
    if (a !== e) begin
      if (^e !== 1'bx) differs_{t} = 1;
      else for (i = 0; i < {ow}; i = i + 1)
        if (e[i] !== 1'bx && a[i] !== e[i]) differs_{t} = 1;
    end"""
    else:
        body = f"    differs_{t} = (a !== e);"
    return f"""  function automatic differs_{t};
    input [{ow - 1}:0] e;
    input [{ow - 1}:0] a;
    integer i;
  begin
{body}
  end
  endfunction
"""


def render_compare_harness(iface: Interface, stim: Stimulus, candidates: list[str], token: str,
                           results_file: str | None, stop_when_all_fail: bool = True,
                           x_in_golden_matches_anything: bool = True,
                           embedded_expected: list[str] | None = None) -> str:
    """Testbench that drives every candidate module and compares each with the golden's trace.

    results_file=None writes the result lines to stdout; embedded_expected (the golden's trace)
    makes the testbench a single self-contained file (replays, `codev tbgen`).
    """
    embed = embedded_expected is not None
    plan = sample_plan(iface, stim)
    outs = compared_ports(iface)
    ow = output_width(iface)
    slices = _output_slices(iface)
    n = len(candidates)
    t = token
    lines = ["`timescale 1ns/1ps", f"module codev_tb_{t};", _common_decls(iface, stim, t)]
    lines.append(f"  reg [{ow - 1}:0] exp_{t} [0:{plan.samples - 1}];")
    lines.append(f"  reg [{ow - 1}:0] e_{t};")
    lines.append(f"  integer nfailed_{t}, m_{t};")
    for c in range(n):
        for p in outs:
            lines.append(f"  wire {_vec(p.width)}c{c}_{t}_{p.name};")
        lines.append(f"  integer fails_{t}_{c}, first_{t}_{c};")
        lines.append("  integer " + ", ".join(f"cnt_{t}_{c}_{k}" for k in range(len(outs))) + ";")
    for c, module in enumerate(candidates):
        lines.append(_instance(module, f"u_{t}_cand{c}", iface, f"c{c}", t))
    lines.append(_differs_function(t, ow, x_in_golden_matches_anything))
    checks = [f"      e_{t} = exp_{t}[sample_{t}];"]
    for c in range(n):
        cat = "{" + ", ".join(f"c{c}_{t}_{p.name}" for p in outs) + "}"
        # fast path: one 4-state compare of all outputs; per-output work only when it differs
        checks.append(f"      m_{t} = 0;\n      if ({cat} !== e_{t}) begin")
        for k, (p, hi, lo) in enumerate(slices):
            checks.append(
                f"        if (differs_{t}(e_{t}[{hi}:{lo}], c{c}_{t}_{p.name})) "
                f"begin m_{t} = 1; cnt_{t}_{c}_{k} = cnt_{t}_{c}_{k} + 1; end"
            )
        checks.append("      end")
        checks.append(f"""      if (m_{t}) begin
        fails_{t}_{c} = fails_{t}_{c} + 1;
        if (first_{t}_{c} < 0) begin
          first_{t}_{c} = sample_{t}; nfailed_{t} = nfailed_{t} + 1;
          $fdisplay(fd_{t}, "{t} M {c} %0d %b", sample_{t}, {cat});
        end
      end""")
    checks.append(f"      sample_{t} = sample_{t} + 1;")
    if stop_when_all_fail:
        checks.append(f"      if (nfailed_{t} == {n}) disable run_{t};")
    check = "\n".join(checks)
    init = [f"    nfailed_{t} = 0;"]
    for c in range(n):
        init.append(f"    fails_{t}_{c} = 0; first_{t}_{c} = -1;")
        init.extend(f"    cnt_{t}_{c}_{k} = 0;" for k in range(len(outs)))
    report = []
    for c in range(n):
        report.append(f"    $fdisplay(fd_{t}, \"{t} R {c} %0d %0d\", fails_{t}_{c}, first_{t}_{c});")
        report.append(
            f"    $fdisplay(fd_{t}, \"{t} O {c}"
            + " %0d" * len(outs) + "\", " + ", ".join(f"cnt_{t}_{c}_{k}" for k in range(len(outs))) + ");"
        )
    stim_lines = stim.hex_lines() if embed else None
    lines.append(f"""  initial begin
{_load(f"stim_{t}", "h", STIM_FILE, stim_lines)}
{_load(f"exp_{t}", "b", EXPECTED_FILE, embedded_expected)}
    fd_{t} = {f'$fopen("{results_file}", "w")' if results_file else "32'h8000_0001"};
    sample_{t} = 0;
{chr(10).join(init)}
    begin : run_{t}
    for (step_{t} = 0; step_{t} < {len(stim.rows)}; step_{t} = step_{t} + 1) begin
      row_{t} = stim_{t}[step_{t}];
{_drive_block(iface, stim, t, check if iface.clocks else "", check)}
    end
    end
{chr(10).join(report)}
    $fdisplay(fd_{t}, "{t} END %0d", sample_{t});
    if (fd_{t} != 32'h8000_0001) $fclose(fd_{t});
    $finish;
  end
endmodule
""")
    return "\n".join(lines)


def render_replay_harness(iface: Interface, stim: Stimulus, module: str, expected: list[str],
                          x_in_golden_matches_anything: bool = True, header: str = "") -> str:
    """A self-contained testbench a person runs by hand: drives `module` with `stim` and compares it
    with the golden's recorded trace `expected`, sample by sample.

    The first difference prints `MISMATCH at cycle N on OUT: expected E, got A` (cycles numbered as
    verdicts number them: step / steps_per_cycle) and ends with $fatal (exit status 1); a full match
    prints `PASS`. `+vcd` on the vvp command line dumps `replay.vcd`. `header` (comment lines) goes
    first: how to run it."""
    t = "replay"
    plan = sample_plan(iface, stim)
    ow = output_width(iface)
    slices = _output_slices(iface)
    lines = [header.rstrip("\n"), "`timescale 1ns/1ps", f"module codev_{t};", _common_decls(iface, stim, t)]
    lines.append(f"  reg [{ow - 1}:0] exp_{t} [0:{plan.samples - 1}];")
    lines.append(f"  reg [{ow - 1}:0] e_{t};")
    for p in compared_ports(iface):
        lines.append(f"  wire {_vec(p.width)}c0_{t}_{p.name};")
    lines.append(_instance(module, "dut", iface, "c0", t))
    lines.append(_differs_function(t, ow, x_in_golden_matches_anything))
    checks = [f"      e_{t} = exp_{t}[sample_{t}];"]
    for p, hi, lo in slices:
        got = f"c0_{t}_{p.name}"
        checks.append(f"""      if (differs_{t}(e_{t}[{hi}:{lo}], {got})) begin
        $display("MISMATCH at cycle %0d on {p.name}: expected %b, got %b", step_{t} / {stim.steps_per_cycle},
                 e_{t}[{hi}:{lo}], {got});
        $fatal(1, "the design differs from the golden");
      end""")
    checks.append(f"      sample_{t} = sample_{t} + 1;")
    check = "\n".join(checks)
    lines.append(f"""  initial begin
    if ($test$plusargs("vcd")) begin
      $dumpfile("replay.vcd");
      $dumpvars(0, codev_{t});
    end
{_load(f"stim_{t}", "h", STIM_FILE, stim.hex_lines())}
{_load(f"exp_{t}", "b", EXPECTED_FILE, expected)}
    sample_{t} = 0;
    for (step_{t} = 0; step_{t} < {len(stim.rows)}; step_{t} = step_{t} + 1) begin
      row_{t} = stim_{t}[step_{t}];
{_drive_block(iface, stim, t, check if iface.clocks else "", check)}
    end
    $display("PASS: all %0d samples match the golden", sample_{t});
    $finish;
  end
endmodule
""")
    return "\n".join(lines)
