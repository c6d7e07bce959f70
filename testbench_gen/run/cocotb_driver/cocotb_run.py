"""Child process of the cocotb backend: build one design with cocotb's runner, run the replay test.

Standalone on purpose (no testbench_gen import: it would load pyslang for nothing). cocotb's runner
calls sys.exit or raises when the simulator fails; both become an exit status here.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def main(spec_path: str) -> int:
    from cocotb_tools.runner import get_runner

    spec = json.loads(Path(spec_path).read_text())
    runner = get_runner(spec["simulator"])
    try:
        runner.build(sources=spec["sources"], hdl_toplevel=spec["toplevel"], build_dir=spec["build_dir"],
                     always=True, timescale=("1ns", "1ps"))
    except (SystemExit, RuntimeError) as exc:
        print(f"BUILD FAILED ({exc})", file=sys.stderr)
        return 3
    try:
        runner.test(test_module="cocotb_replay", hdl_toplevel=spec["toplevel"],
                    build_dir=spec["build_dir"], test_dir=spec["test_dir"])
    except (SystemExit, RuntimeError) as exc:
        print(f"TEST FAILED ({exc})", file=sys.stderr)
        return 4
    return 0 if Path(spec["trace"]).exists() else 5


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
