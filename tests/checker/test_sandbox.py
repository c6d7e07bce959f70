"""The sandbox: a run reads and writes only its own directory, and nothing outlives its caller.

Real attempts, from a shell and from Verilog compiled and simulated by the real tools with the
policy bypassed (what a construct the policy missed could do), checked on the file system after.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testbench_gen.containment import sandbox
from testbench_gen.run.simulators import get_backend
from testbench_gen.containment.sandbox import Limits, confinement, run_limited, sandbox_dir

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["compiled", "python"])
def confined(request, monkeypatch):
    """Each escape is tried through the compiled launcher and through its Python fallback."""
    if request.param == "python":
        monkeypatch.setattr(sandbox, "_LAUNCHER", [[sys.executable, "-I", "-S", str(sandbox.LAUNCHER)]])
    elif sandbox.launcher()[0] == sys.executable:
        pytest.skip("no C compiler: only the Python launcher exists here")
    found = confinement()
    if not found.filesystem:  # the fallback must say why, and the rest cannot be shown here
        assert found.reason
        request.node.add_marker(pytest.mark.may_skip)  # the kernel's choice, not a missing install
        pytest.skip(f"no file-system confinement here: {found.reason}")
    return found


@pytest.fixture
def outside(tmp_path):
    """A secret beside the sandboxes and the paths an escape would create."""
    secret = tmp_path / "secret.txt"
    secret.write_text("golden trace\n")
    return tmp_path


def test_probe_reports_landlock_and_pid_namespace_on_this_kernel():
    found = confinement()
    assert "file-system confinement" in found.describe()
    if not found.filesystem or not found.pid_namespace:
        assert found.reason  # a fallback is never silent


def test_a_process_cannot_read_or_write_outside_its_directory(confined, outside):
    root = outside / "runs"
    with sandbox_dir() as wd:
        script = f"""
            cat {outside}/secret.txt && echo READ-ABS
            cat ../../$(basename {outside})/secret.txt 2>/dev/null && echo READ-REL
            cat /etc/passwd && echo READ-ETC
            echo x > {outside}/abs.txt && echo WROTE-ABS
            echo x > ../escape-{wd.name}.txt && echo WROTE-REL
            mkdir {outside}/dir && echo MKDIR
            ln -s {outside}/secret.txt link && cat link && echo SYMLINK
            ln {outside}/secret.txt hard && echo HARDLINK
            (echo > /dev/tcp/127.0.0.1/22) 2>/dev/null && echo TCP
            kill -0 {os.getpid()} && echo SIGNAL
            echo ok > inside.txt && cat inside.txt
        """
        result = run_limited(["bash", "-c", script], wd, Limits(wall_seconds=20))
        assert result.stdout.split() == ["ok"], result.stdout + result.stderr
        assert not (wd.parent / f"escape-{wd.name}.txt").exists()
    assert not root.exists()
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]


ATTACK_V = """
module attack;
  integer fd, n; reg [7:0] mem [0:3];
  initial begin
    fd = $fopen("{outside}/secret.txt", "r"); $display("READ-ABS %0d", fd);
    fd = $fopen("../escape.txt", "w"); if (fd) $fdisplay(fd, "x"); $display("WROTE-REL %0d", fd);
    fd = $fopen("{outside}/abs.txt", "w"); if (fd) $fdisplay(fd, "x"); $display("WROTE-ABS %0d", fd);
    $readmemh("/etc/hostname", mem); $display("READMEM %h", mem[0]);
    fd = $fopen("inside.txt", "w"); $fdisplay(fd, "ok"); $fclose(fd);
    $display("DONE");
    $dumpfile("{outside}/dump.vcd"); $dumpvars(0, attack);  // vvp gives up here
  end
endmodule
"""


def test_verilog_file_access_outside_is_denied_under_icarus(confined, outside):
    icarus = get_backend("icarus")
    with sandbox_dir() as wd:
        (wd / "attack.v").write_text(ATTACK_V.format(outside=outside))
        assert icarus.compile(wd, [wd / "attack.v"], "attack", Limits(wall_seconds=30)).ok
        sim = icarus.simulate(wd, Limits(wall_seconds=30))
        out = sim.stdout
        assert "DONE" in out and "READ-ABS 0" in out and "WROTE-REL 0" in out and "WROTE-ABS 0" in out, out
        assert (wd / "inside.txt").read_text() == "ok\n"
        assert not (wd.parent / "escape.txt").exists()
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]


def test_include_of_a_file_outside_fails_at_compile_time(confined, outside):
    icarus = get_backend("icarus")
    with sandbox_dir() as wd:
        (wd / "inc.v").write_text(f'`include "{outside}/secret.txt"\nmodule m; endmodule\n')
        result = icarus.compile(wd, [wd / "inc.v"], None, Limits(wall_seconds=30))
        assert not result.ok and "golden trace" not in result.stdout + result.stderr


def test_native_code_from_verilator_cannot_write_outside(confined, outside):
    verilator = get_backend("verilator")
    if not verilator.available():
        pytest.skip("verilator not installed")
    code = (f'module attack; initial begin $c("FILE* f = fopen(\\"{outside}/pwned.txt\\", \\"w\\");'
            ' if (f) fputs(\\"x\\", f);"); $c("system(\\"touch ../pwned2.txt\\");"); $finish; end endmodule\n')
    with sandbox_dir() as wd:
        (wd / "attack.v").write_text(code)
        (wd / ".verilator_top").write_text("attack")
        build = verilator.compile(wd, [wd / "attack.v"], "attack", Limits(wall_seconds=300))
        assert build.ok, build.stderr[-2000:]
        run_limited(["./obj_dir/Vattack"], wd, Limits(wall_seconds=30))
        assert not (wd.parent / "pwned2.txt").exists()
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]


def _processes_under(root: Path) -> list[str]:
    """Live processes whose working directory lies under root (host view; runs have their own PIDs)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cwd = os.readlink(f"/proc/{entry}/cwd")
            state = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[0]
            cmd = open(f"/proc/{entry}/cmdline", "rb").read().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if cwd.startswith(str(root)) and state != "Z":
            found.append(f"{entry} {cmd}")
    return found


SLOW_GOLDEN = """
module top(input clk, input rst, input [7:0] a, output reg [7:0] y);
  integer i;  // slow per cycle, and no wide counter (that would lengthen the stimulus, built in Python)
  always @(posedge clk) if (rst) y <= 0; else for (i = 0; i < 100000; i = i + 1) y <= a ^ i[7:0];
endmodule
"""


def test_killing_codev_verify_leaves_no_simulator_running(tmp_path):
    root = tmp_path / "runs"
    root.mkdir()
    (tmp_path / "g.v").write_text(SLOW_GOLDEN)
    env = {**os.environ, "CODEV_SANDBOX_ROOT": str(root), "PYTHONPATH": str(REPO)}
    log = open(tmp_path / "verify.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "codev", "verify", "--golden", str(tmp_path / "g.v"),
                             "--candidate", str(tmp_path / "g.v"), "--cycles", "2000"],
                            env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while (time.monotonic() < deadline and proc.poll() is None
               and not any("vvp" in p for p in _processes_under(root))):
            time.sleep(0.05)
        assert any("vvp" in p for p in _processes_under(root)), \
            f"the simulation never started: {(tmp_path / 'verify.log').read_text()[-2000:]}\n" + "\n".join(
                line[:200] for line in subprocess.run(["ps", "-eo", "pid,ppid,stat,args", "--forest"],
                                                      capture_output=True, text=True).stdout.splitlines()
                if str(tmp_path) in line or f" {proc.pid} " in line)
        proc.send_signal(signal.SIGKILL)  # from outside, as a trainer's deadline or `timeout -s KILL` would
        proc.wait()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _processes_under(root):
            time.sleep(0.05)
        assert _processes_under(root) == []
    finally:
        log.close()
        if proc.poll() is None:
            proc.kill()


def test_checks_from_several_threads_at_once_keep_their_verdicts():
    """A trainer awaits rewards from threads: no preexec_fn, one front-end worker behind a lock."""
    from concurrent.futures import ThreadPoolExecutor

    from testbench_gen import CheckOptions, VerdictKind, check

    golden = "module top(input [3:0] a, input [3:0] b, output [4:0] y); assign y = a + b; endmodule\n"
    wrong = golden.replace("a + b", "a - b")
    jobs = [[golden, wrong], [wrong, golden], [golden, golden + "wire t = $time;"]] * 3
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda cands: [v.kind for v in check(golden, cands, CheckOptions(cycles=100))],
                                jobs))
    expected = {0: [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH], 1: [VerdictKind.MISMATCH, VerdictKind.EQUIVALENT],
                2: [VerdictKind.EQUIVALENT, VerdictKind.REJECTED]}
    assert results == [expected[i % 3] for i in range(len(jobs))]


def test_wait_exact_returns_the_exit_status_and_times_out_like_popen_wait():
    """The pidfd wait that replaced Popen.wait's 50 ms polling (a small job's runs last 30-100 ms)."""
    import subprocess
    import time

    from testbench_gen.containment.sandbox import wait_exact

    proc = subprocess.Popen(["sh", "-c", "exit 3"])
    assert wait_exact(proc, 30.0) == 3 and proc.returncode == 3
    assert wait_exact(proc, 0.0) == 3  # already reaped: no pidfd needed
    proc = subprocess.Popen(["sleep", "30"])
    start = time.monotonic()
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            wait_exact(proc, 0.2)
        assert time.monotonic() - start < 10
        assert proc.returncode is None  # still running: the caller kills it
    finally:
        proc.kill()
        proc.wait()
