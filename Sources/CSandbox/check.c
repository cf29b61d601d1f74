/*
 * `shoal-sandbox --check`: which isolation features this host offers, as `key=value` lines.
 *
 * Each namespace is probed by cloning a child into it; seccomp by loading the real filter in a
 * child and checking that an AF_INET socket is refused; each cgroup controller by creating a group
 * and writing its limit file; and the whole path end to end by running `true` in a full sandbox,
 * once with a user namespace and once without. The Swift side (SandboxFeatures) decides which of
 * these are required and how to fix what is missing.
 */
#include "CSandbox.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static int out_fd;

static void out(const char *format, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *format, ...) {
    char line[1200];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(line, sizeof line - 1, format, args);
    va_end(args);
    if (n < 0) return;
    if (n > (int)sizeof line - 2) n = (int)sizeof line - 2;
    for (int k = 0; k < n; k++)
        if (line[k] == '\n') line[k] = ' ';
    line[n++] = '\n';
    if (write(out_fd, line, (size_t)n) < 0) return;
}

/* Runs `probe` in a child cloned with `flags`; true when it exits 0. */
static int in_child(long flags, int (*probe)(void)) {
    pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid < 0) return 0;
    if (pid == 0) _exit(probe ? probe() : 0);
    int status;
    if (waitpid(pid, &status, 0) != pid) return 0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int seccomp_probe(void) {
    csb_error err;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return 2;
    if (csb_load_seccomp(0, &err) < 0) return 3;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    return fd < 0 && errno == EPERM ? 0 : 4;
}

/* Runs this launcher on `true` in a full sandbox; writes "ok" or the failure into `result`. */
static void trial(const csb_config *config, const char *userns, char *result, size_t size) {
    int report[2];
    if (pipe(report) < 0) {
        snprintf(result, size, "pipe: %s", strerror(errno));
        return;
    }
    /* Exec the launcher by its real path, not /proc/self/exe: the kernel names a process after
     * the file it execs ("exe" otherwise), and a concurrent launcher's stale-group sweep keeps
     * only groups whose owner is named shoal-sandbox; it would kill this trial mid-run. */
    char self[4096];
    ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    if (length > 0) self[length] = '\0';
    else snprintf(self, sizeof self, "/proc/self/exe");
    pid_t pid = fork();
    if (pid == 0) {
        dup2(report[1], CSB_REPORT_FD);
        if (report[1] != CSB_REPORT_FD) close(report[1]);
        close(report[0]);
        char *argv[] = {"shoal-sandbox", "--userns", (char *)userns, "--work-root", (char *)config->work_root,
                        "--timeout-ms", "10000", "--", "true", NULL};
        execv(self, argv);
        _exit(127);
    }
    close(report[1]);
    char text[4096];
    size_t used = 0;
    for (;;) {
        ssize_t n = read(report[0], text + used, sizeof text - 1 - used);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        used += (size_t)n;
    }
    text[used] = '\0';
    close(report[0]);
    waitpid(pid, NULL, 0);
    if (strstr(text, "reason=exited\n") && strstr(text, "exit_code=0\n") && strstr(text, "status=exited\n")) {
        /* With userns "on" the launcher either used one or failed; "off" never uses one. */
        snprintf(result, size, "ok");
        return;
    }
    const char *message = strstr(text, "error=");
    if (!message) message = strstr(text, "message=");
    if (message) {
        message = strchr(message, '=') + 1;
        snprintf(result, size, "%.*s", (int)strcspn(message, "\n"), message);
    } else {
        snprintf(result, size, "failed: %.*s", (int)strcspn(text, "\n"), text);
    }
}

int csb_check_main(const csb_config *config, int fd) {
    out_fd = fd;
    struct utsname uts;
    out("version=1");
    if (uname(&uts) == 0) out("kernel=%s", uts.release);
    out("root=%d", geteuid() == 0);

    static const struct {
        const char *name;
        long flag;
    } namespaces[] = {
        {"mount", CLONE_NEWNS}, {"pid", CLONE_NEWPID},   {"net", CLONE_NEWNET},       {"ipc", CLONE_NEWIPC},
        {"uts", CLONE_NEWUTS},  {"user", CLONE_NEWUSER}, {"cgroup", CLONE_NEWCGROUP},
    };
    for (size_t k = 0; k < sizeof namespaces / sizeof namespaces[0]; k++)
        out("ns.%s=%d", namespaces[k].name, in_child(namespaces[k].flag, NULL));

    char version[32];
    csb_seccomp_version(version, sizeof version);
    out("libseccomp=%s", version);
    out("seccomp=%d", in_child(0, seccomp_probe));

    csb_cgroup cg;
    csb_cgroup_discover(&cg);
    csb_cgroup_sweep_stale(&cg);
    for (int c = 0; c < CSB_CG_COUNT; c++) {
        const char *name = csb_cgroup_controller_name((csb_cg_controller)c);
        int v = cg.controller[c].version;
        out("cgroup.%s=%s", name, v == 1 ? "v1" : v == 2 ? "v2" : "missing");
        if (!v && csb_cgroup_hidden((csb_cg_controller)c))
            out("cgroup.%s.error=the host mounts it, but this process's mount namespace has a /sys of its own "
                "(as under `ip netns exec`); enter only the network namespace instead: "
                "nsenter --net=/run/netns/NAME shoal worker ...",
                name);
        if (!v) continue;
        csb_error err;
        if (csb_cgroup_probe(&cg, (csb_cg_controller)c, &err) == 0) out("cgroup.%s.usable=1", name);
        else {
            out("cgroup.%s.usable=0", name);
            out("cgroup.%s.error=%s", name, err.text);
        }
    }

    char result[1024];
    trial(config, "on", result, sizeof result);
    out("trial.userns=%s", result);
    trial(config, "off", result, sizeof result);
    out("trial.plain=%s", result);
    return 0;
}
