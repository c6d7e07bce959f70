"""Launcher that confines one tool run, then execs it (the fallback of sandbox_exec.c, same job).

usage: python -I -S sandbox_exec.py PPID LANDLOCK PIDNS CPU AS FSIZE NOFILE NREAD READ... NWRITE WRITE... -- ARGV...
       python -I -S sandbox_exec.py --probe   (prints what the kernel allows, as JSON)

Why a launcher instead of `preexec_fn`: code between fork and exec in a threaded trainer can deadlock,
so the parent only spawns this program (standard library only, no package imports) and all set-up
happens here, single-threaded:
- dies with its parent (PR_SET_PDEATHSIG) and runs the tool in a new PID namespace, so when the
  checker is killed from outside, every process the tool started dies with it (the kernel kills a
  namespace whose init exits);
- Landlock (Linux 5.13+, unprivileged): the tool may read and execute only the READ roots, write only
  the WRITE roots (its working directory among them), use no TCP, and signal nothing outside its own
  domain;
- resource limits (CPU, address space, file size, open files, no core dumps) and umask 077.
"""
import ctypes
import json
import os
import resource
import signal
import sys

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
CLONE_NEWPID = 0x20000000
SYS_CREATE_RULESET, SYS_ADD_RULE, SYS_RESTRICT_SELF = 444, 445, 446  # same on every architecture
RULE_PATH_BENEATH = 1
CREATE_RULESET_VERSION = 1
# access rights by ABI version: file rights, then those only directories take
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_DIR_WRITE = sum(1 << b for b in range(4, 13))  # remove/make dir, file, char, sock, fifo, block, sym
FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
NET_ALL = (1 << 0) | (1 << 1)  # bind and connect TCP
SCOPE_ALL = (1 << 0) | (1 << 1)  # abstract unix sockets, signals
EXIT_SETUP_FAILED = 125

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


class RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    abi = libc.syscall(SYS_CREATE_RULESET, None, 0, CREATE_RULESET_VERSION)
    return abi if abi > 0 else 0


def fail(message: str) -> None:
    sys.stderr.write(f"codev sandbox: {message}\n")
    os._exit(EXIT_SETUP_FAILED)


def restrict(read: list, write: list) -> None:
    """Landlock this process and every descendant: read `read`, write `write`, nothing else."""
    abi = landlock_abi()
    if abi < 1:
        fail("Landlock is not available")
    file_rights = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE
    handled = file_rights | FS_READ_DIR | FS_DIR_WRITE
    if abi >= 2:
        handled |= FS_REFER
    if abi >= 3:
        handled |= FS_TRUNCATE
        file_rights |= FS_TRUNCATE
    if abi >= 5:
        handled |= FS_IOCTL_DEV
        file_rights |= FS_IOCTL_DEV
    attr = RulesetAttr(handled, NET_ALL if abi >= 4 else 0, SCOPE_ALL if abi >= 6 else 0)
    size = ctypes.sizeof(RulesetAttr) if abi >= 6 else (16 if abi >= 4 else 8)
    ruleset = libc.syscall(SYS_CREATE_RULESET, ctypes.byref(attr), size, 0)
    if ruleset < 0:
        fail(f"landlock_create_ruleset: {os.strerror(ctypes.get_errno())}")
    for paths, rights in ((read, FS_EXECUTE | FS_READ_FILE | FS_READ_DIR), (write, handled)):
        for path in paths:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue  # a root this machine lacks (e.g. /lib64)
            allowed = rights if os.path.isdir(path) else rights & file_rights
            rule = PathBeneathAttr(allowed, fd)
            if libc.syscall(SYS_ADD_RULE, ruleset, RULE_PATH_BENEATH, ctypes.byref(rule), 0) < 0:
                fail(f"landlock_add_rule {path}: {os.strerror(ctypes.get_errno())}")
            os.close(fd)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        fail("PR_SET_NO_NEW_PRIVS refused")
    if libc.syscall(SYS_RESTRICT_SELF, ruleset, 0) < 0:
        fail(f"landlock_restrict_self: {os.strerror(ctypes.get_errno())}")
    os.close(ruleset)


def die_with_parent(ppid: int) -> None:
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if ppid and os.getppid() != ppid:  # the parent died before the line above took effect
        os._exit(EXIT_SETUP_FAILED)


def exec_tool(spec: dict, argv: list) -> None:
    cpu = spec["cpu"]
    for res, value in ((resource.RLIMIT_CPU, (cpu, cpu + 1)), (resource.RLIMIT_AS, (spec["as"],) * 2),
                       (resource.RLIMIT_FSIZE, (spec["fsize"],) * 2),
                       (resource.RLIMIT_NOFILE, (spec["nofile"],) * 2), (resource.RLIMIT_CORE, (0, 0))):
        ceiling = resource.getrlimit(res)[1]  # a limited caller's limits stay in force
        if ceiling != resource.RLIM_INFINITY:
            value = (min(value[0], ceiling), min(value[1], ceiling))
        resource.setrlimit(res, value)
    os.umask(0o077)
    for sig in (signal.SIGPIPE, signal.SIGXFSZ):  # Python ignores these; the tool must not
        signal.signal(sig, signal.SIG_DFL)
    try:
        os.execvp(argv[0], argv)
    except OSError as exc:
        sys.stderr.write(f"cannot start {argv[0]}: {exc}\n")
        os._exit(127)


def wait_status(pid: int) -> tuple[int, int]:
    """(exit code, signal) of a child."""
    while True:
        try:
            _pid, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        return 0, os.WTERMSIG(status)
    return os.WEXITSTATUS(status), 0


def end_like(code: int, sig: int) -> None:
    if sig:
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    os._exit(code)


def run_in_namespace(spec: dict, argv: list) -> None:
    """This process stays outside; its child is init of a new PID namespace; the tool is init's child."""
    if libc.unshare(CLONE_NEWPID) != 0:
        fail(f"unshare(CLONE_NEWPID): {os.strerror(ctypes.get_errno())}")
    report_r, report_w = os.pipe()
    init = os.fork()
    if init == 0:  # init of the namespace: it ignores unhandled signals, so the tool runs below it
        os.close(report_r)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        tool = os.fork()
        if tool == 0:
            os.close(report_w)
            exec_tool(spec, argv)
        code, sig = wait_status(tool)
        os.write(report_w, f"{code} {sig}".encode())
        os._exit(0)
    os.close(report_w)
    wait_status(init)
    report = os.read(report_r, 64).split()
    if len(report) != 2:
        fail("the namespace's init ended without a report")
    end_like(int(report[0]), int(report[1]))


def probe() -> dict:
    found = {"landlock_abi": landlock_abi(), "pidns": False, "pidns_error": ""}
    child = os.fork()
    if child == 0:
        os._exit(0 if libc.unshare(CLONE_NEWPID) == 0 else 1)
    code, _sig = wait_status(child)
    found["pidns"] = code == 0
    if code:
        found["pidns_error"] = "unshare(CLONE_NEWPID) refused (needs root or user namespaces)"
    return found


def parse(argv: list) -> tuple[dict, list]:
    """The positional arguments (see the module docstring) as a spec and the tool's argv."""
    names = ("ppid", "landlock", "pidns", "cpu", "as", "fsize", "nofile")
    spec = {name: int(value) for name, value in zip(names, argv[:7])}
    nread = int(argv[7])
    spec["read"] = argv[8:8 + nread]
    nwrite = int(argv[8 + nread])
    start = 9 + nread
    spec["write"] = argv[start:start + nwrite]
    if argv[start + nwrite] != "--" or len(argv) <= start + nwrite + 1:
        fail("usage: see sandbox_exec.py")
    return spec, argv[start + nwrite + 1:]


def main() -> None:
    if sys.argv[1:2] == ["--probe"]:
        print(json.dumps(probe()))
        return
    spec, argv = parse(sys.argv[1:])
    die_with_parent(spec["ppid"])
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # it re-raises the tool's fatal signal
    if spec["landlock"]:
        restrict(spec["read"], spec["write"])
    if spec["pidns"]:
        run_in_namespace(spec, argv)
    exec_tool(spec, argv)


if __name__ == "__main__":
    main()
