/*
 * The last steps before a step's command runs, in this order:
 *
 *   signals   the mask and every disposition are reset (the Swift process blocks most signals in
 *             its threads, and a blocked mask survives exec: SIGXCPU or SIGTERM would never arrive);
 *   session   a new session, so the step has no controlling terminal;
 *   fds       only 0, 1, 2 (and the close-on-exec error pipe) stay open;
 *   rlimits   file size, open files, CPU seconds (hard = soft + 1, so SIGXCPU comes first), no cores;
 *   identity  the bounding and ambient capability sets are emptied, supplementary groups cleared,
 *             then gid and uid set to the unprivileged sandbox user with raw syscalls (glibc's
 *             wrappers signal other threads), then every capability cleared and no_new_privs set;
 *   seccomp   the filter is loaded (seccomp.c);
 *   exec      the program is looked up in the sandbox's own PATH (execvpe would use the launcher's).
 *
 * A failure is written to the error pipe as one line; the pipe closes on a successful exec.
 */
#include "CSandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

void csb_reset_signals(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &action, NULL);
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);
}

static int set_limit(int resource, rlim_t soft, rlim_t hard, const char *name, csb_error *err) {
    struct rlimit limit = {soft, hard};
    if (setrlimit(resource, &limit) == 0) return 0;
    /* Without CAP_SYS_RESOURCE the hard limit cannot be raised: stay within it. */
    struct rlimit current;
    if (getrlimit(resource, &current) == 0 && current.rlim_max != RLIM_INFINITY) {
        limit.rlim_max = current.rlim_max;
        if (limit.rlim_cur > limit.rlim_max) limit.rlim_cur = limit.rlim_max;
        if (setrlimit(resource, &limit) == 0) return 0;
    }
    return csb_fail(err, "setrlimit %s: %s", name, strerror(errno));
}

int csb_set_rlimits(const csb_config *config, csb_error *err) {
    if (set_limit(RLIMIT_CORE, 0, 0, "core", err) < 0) return -1;
    if (config->file_size_bytes > 0 &&
        set_limit(RLIMIT_FSIZE, (rlim_t)config->file_size_bytes, (rlim_t)config->file_size_bytes, "fsize", err) < 0)
        return -1;
    if (config->open_files > 0 &&
        set_limit(RLIMIT_NOFILE, (rlim_t)config->open_files, (rlim_t)config->open_files, "nofile", err) < 0)
        return -1;
    if (config->cpu_time_seconds > 0 &&
        set_limit(RLIMIT_CPU, (rlim_t)config->cpu_time_seconds, (rlim_t)config->cpu_time_seconds + 1, "cpu", err) < 0)
        return -1;
    return 0;
}

int csb_drop_privileges(const csb_config *config, csb_error *err) {
    for (int cap = 0; cap < 64; cap++) {
        if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0) break; /* past the kernel's last capability */
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
            return csb_fail(err, "cannot drop capability %d from the bounding set: %s", cap, strerror(errno));
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return csb_fail(err, "cannot clear ambient capabilities: %s", strerror(errno));
    if (syscall(SYS_setgroups, 0, NULL) < 0) return csb_fail(err, "setgroups: %s", strerror(errno));
    if (syscall(SYS_setresgid, config->gid, config->gid, config->gid) < 0)
        return csb_fail(err, "setresgid %ld: %s", (long)config->gid, strerror(errno));
    if (syscall(SYS_setresuid, config->uid, config->uid, config->uid) < 0)
        return csb_fail(err, "setresuid %ld: %s", (long)config->uid, strerror(errno));
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &header, data) < 0) return csb_fail(err, "capset: %s", strerror(errno));
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return csb_fail(err, "no_new_privs: %s", strerror(errno));
    /* Verify rather than trust: a step never runs as root or with a capability. */
    if (syscall(SYS_capget, &header, data) < 0 || data[0].effective || data[0].permitted || data[1].effective ||
        data[1].permitted || getuid() == 0 || geteuid() == 0)
        return csb_fail(err, "privileges were not dropped");
    return 0;
}

static const char *env_value(char **env, const char *key) {
    size_t n = strlen(key);
    for (char **e = env; *e; e++)
        if (strncmp(*e, key, n) == 0 && (*e)[n] == '=') return *e + n + 1;
    return NULL;
}

/* execve of argv[0], searched in the step's own PATH; returns the errno to report. */
static int exec_in_path(char **argv, char **env) {
    if (strchr(argv[0], '/')) {
        execve(argv[0], argv, env);
        return errno;
    }
    const char *path = env_value(env, "PATH");
    if (!path) path = "/usr/local/bin:/usr/bin:/bin";
    int result = ENOENT;
    char candidate[4096];
    for (const char *dir = path; dir;) {
        const char *end = strchr(dir, ':');
        size_t len = end ? (size_t)(end - dir) : strlen(dir);
        if (len > 0 && len + strlen(argv[0]) + 2 < sizeof candidate) {
            memcpy(candidate, dir, len);
            candidate[len] = '/';
            strcpy(candidate + len + 1, argv[0]);
            execve(candidate, argv, env);
            if (errno == EACCES) result = EACCES; /* keep looking, but report EACCES over ENOENT */
            else if (errno != ENOENT && errno != ENOTDIR) return errno;
        }
        dir = end ? end + 1 : NULL;
    }
    return result;
}

static void report(int fd, const csb_error *err) {
    size_t n = strlen(err->text);
    ssize_t w = write(fd, err->text, n);
    (void)w;
}

void csb_exec_step(const csb_config *config, int error_fd) {
    csb_error err = {{0}};
    csb_reset_signals();
    setsid();
    if (error_fd != CSB_REPORT_FD) {
        if (dup3(error_fd, CSB_REPORT_FD, O_CLOEXEC) < 0) _exit(127);
        error_fd = CSB_REPORT_FD;
    }
    syscall(SYS_close_range, CSB_REPORT_FD + 1, ~0U, 0);

    if (csb_set_rlimits(config, &err) < 0) goto fail;
    if (!config->insecure && csb_drop_privileges(config, &err) < 0) goto fail;
    if (chdir(config->cwd) < 0) {
        csb_fail(&err, "cannot enter the working folder %s: %s", config->cwd, strerror(errno));
        goto fail;
    }
    if (!config->insecure && csb_load_seccomp(config->loopback, &err) < 0) goto fail;
    int code = exec_in_path(config->argv, config->env);
    if (code == ENOENT) csb_fail(&err, "%s: command not found", config->argv[0]);
    else csb_fail(&err, "cannot run %s: %s", config->argv[0], strerror(code));
fail:
    report(error_fd, &err);
    _exit(127);
}
