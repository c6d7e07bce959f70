/* The sandbox launcher in C: the same job and arguments as sandbox_exec.py, ~1 ms instead of a
 * Python start-up per tool run. sandbox.py compiles it once into the codev cache (read-only to runs)
 * and falls back to sandbox_exec.py where no C compiler is found.
 *
 * usage: sandbox-exec PPID LANDLOCK PIDNS CPU AS FSIZE NOFILE NREAD READ... NWRITE WRITE... -- ARGV...
 *        sandbox-exec --probe
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SYS_CREATE_RULESET 444 /* the same on every architecture */
#define SYS_ADD_RULE 445
#define SYS_RESTRICT_SELF 446
#define EXIT_SETUP_FAILED 125

struct ruleset_attr { uint64_t fs, net, scoped; };
struct path_beneath { uint64_t allowed; int32_t fd; } __attribute__((packed));

static void fail(const char *what) {
    fprintf(stderr, "codev sandbox: %s: %s\n", what, strerror(errno));
    _exit(EXIT_SETUP_FAILED);
}

static long landlock_abi(void) {
    long abi = syscall(SYS_CREATE_RULESET, NULL, 0, 1);
    return abi > 0 ? abi : 0;
}

static void add_rules(int ruleset, char **paths, int n, uint64_t rights, uint64_t file_rights) {
    for (int i = 0; i < n; i++) {
        struct stat st;
        int fd = open(paths[i], O_PATH | O_CLOEXEC);
        if (fd < 0) continue; /* a root this machine lacks (e.g. /lib64) */
        if (fstat(fd, &st) != 0) fail("fstat");
        struct path_beneath rule = { S_ISDIR(st.st_mode) ? rights : rights & file_rights, fd };
        if (syscall(SYS_ADD_RULE, ruleset, 1, &rule, 0) != 0) fail(paths[i]);
        close(fd);
    }
}

static void restrict_fs(char **read, int nread, char **write, int nwrite) {
    long abi = landlock_abi();
    if (abi < 1) { errno = ENOSYS; fail("Landlock is not available"); }
    uint64_t file = 1 | 2 | 4; /* execute, write file, read file */
    uint64_t handled = file | 8; /* read dir */
    for (int b = 4; b <= 12; b++) handled |= 1ULL << b; /* remove/make dir, file, char, sock, ... */
    if (abi >= 2) handled |= 1ULL << 13; /* refer */
    if (abi >= 3) { handled |= 1ULL << 14; file |= 1ULL << 14; } /* truncate */
    if (abi >= 5) { handled |= 1ULL << 15; file |= 1ULL << 15; } /* ioctl on devices */
    struct ruleset_attr attr = { handled, abi >= 4 ? 3 : 0, abi >= 6 ? 3 : 0 };
    size_t size = abi >= 6 ? 24 : (abi >= 4 ? 16 : 8);
    int ruleset = (int)syscall(SYS_CREATE_RULESET, &attr, size, 0);
    if (ruleset < 0) fail("landlock_create_ruleset");
    add_rules(ruleset, read, nread, 1 | 4 | 8, file);
    add_rules(ruleset, write, nwrite, handled, file);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("PR_SET_NO_NEW_PRIVS");
    if (syscall(SYS_RESTRICT_SELF, ruleset, 0) != 0) fail("landlock_restrict_self");
    close(ruleset);
}

static void limit(int resource, rlim_t soft, rlim_t hard) {
    struct rlimit current, wanted;
    if (getrlimit(resource, &current) != 0) fail("getrlimit");
    if (current.rlim_max != RLIM_INFINITY) { /* a limited caller's limits stay in force */
        if (soft > current.rlim_max) soft = current.rlim_max;
        if (hard > current.rlim_max) hard = current.rlim_max;
    }
    wanted.rlim_cur = soft;
    wanted.rlim_max = hard;
    if (setrlimit(resource, &wanted) != 0) fail("setrlimit");
}

static long cpu_s, as_bytes, fsize_bytes, nofile;

static void exec_tool(char **argv) {
    limit(RLIMIT_CPU, cpu_s, cpu_s + 1);
    limit(RLIMIT_AS, as_bytes, as_bytes);
    limit(RLIMIT_FSIZE, fsize_bytes, fsize_bytes);
    limit(RLIMIT_NOFILE, nofile, nofile);
    umask(077);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGXFSZ, SIG_DFL);
    execvp(argv[0], argv);
    fprintf(stderr, "cannot start %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

static int wait_for(pid_t pid, int *sig) {
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) fail("waitpid");
    *sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 0;
}

static int probe(void) {
    pid_t child = fork();
    if (child == 0) _exit(unshare(CLONE_NEWPID) == 0 ? 0 : 1);
    int sig, code = wait_for(child, &sig);
    printf("{\"landlock_abi\": %ld, \"pidns\": %s, \"pidns_error\": \"%s\"}\n", landlock_abi(),
           code == 0 ? "true" : "false",
           code == 0 ? "" : "unshare(CLONE_NEWPID) refused (needs root or user namespaces)");
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--probe") == 0) return probe();
    if (argc < 12) { errno = EINVAL; fail("usage"); }
    pid_t ppid = (pid_t)atol(argv[1]);
    int use_landlock = atoi(argv[2]), use_pidns = atoi(argv[3]);
    cpu_s = atol(argv[4]); as_bytes = atol(argv[5]); fsize_bytes = atol(argv[6]); nofile = atol(argv[7]);
    int i = 8, nread = atoi(argv[i++]);
    char **rd = argv + i;
    i += nread;
    if (i >= argc) { errno = EINVAL; fail("usage"); }
    int nwrite = atoi(argv[i++]);
    char **wr = argv + i;
    i += nwrite;
    if (i >= argc || strcmp(argv[i], "--") != 0 || i + 1 >= argc) { errno = EINVAL; fail("usage"); }
    char **tool_argv = argv + i + 1;

    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); /* dies with its caller ... */
    if (ppid && getppid() != ppid) _exit(EXIT_SETUP_FAILED); /* ... unless that already happened */
    limit(RLIMIT_CORE, 0, 0); /* it re-raises the tool's fatal signal */
    if (use_landlock) restrict_fs(rd, nread, wr, nwrite);
    if (!use_pidns) exec_tool(tool_argv);

    /* this process stays outside; its child is init of a new PID namespace (init ignores unhandled
       signals, so the tool runs below it); when init dies the kernel kills the whole namespace */
    if (unshare(CLONE_NEWPID) != 0) fail("unshare(CLONE_NEWPID)");
    int report[2];
    if (pipe(report) != 0) fail("pipe");
    pid_t init = fork();
    if (init < 0) fail("fork");
    if (init == 0) {
        close(report[0]);
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        pid_t tool = fork();
        if (tool < 0) fail("fork");
        if (tool == 0) { close(report[1]); exec_tool(tool_argv); }
        int msg[2];
        msg[0] = wait_for(tool, &msg[1]);
        if (write(report[1], msg, sizeof msg) != (ssize_t)sizeof msg) fail("write");
        _exit(0);
    }
    close(report[1]);
    int ignored, msg[2];
    wait_for(init, &ignored);
    if (read(report[0], msg, sizeof msg) != (ssize_t)sizeof msg) { errno = EIO; fail("namespace init"); }
    if (msg[1]) {
        signal(msg[1], SIG_DFL);
        kill(getpid(), msg[1]);
    }
    _exit(msg[0]);
}
