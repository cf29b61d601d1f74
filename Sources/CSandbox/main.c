/*
 * shoal-sandbox: runs one step in a sandbox and reports how it ended.
 *
 * Processes:
 *
 *     worker (Swift) --socket--> launcher service (server.c)
 *                                        |  fork, one per run
 *                                        v
 *                                     supervisor (this file, host namespaces, root)
 *                                        |  clone(NEWNS|NEWPID|NEWNET|NEWIPC|NEWUTS[|NEWUSER])
 *                                        v
 *                                     init (pid 1 of the new PID namespace): builds the root,
 *                                        |  pivots, forks the step, then reaps until it exits
 *                                        v
 *                                     step (uid 65534, no capabilities, seccomp): execs the command
 *
 * (A launcher started by hand with a command supervises in its own process.) The supervisor ("the
 * launcher" below) kills the init (which takes the whole PID namespace with it) when the
 * wall-clock timeout passes, when the output folders grow past their cap, or when it is asked to
 * stop (SIGTERM from the service when the worker cancels the run or goes away, or from the kernel
 * when its parent dies: PR_SET_PDEATHSIG). The init dies with the launcher too (PR_SET_PDEATHSIG = SIGKILL), and every
 * mount lives only in the sandbox's mount namespace, so nothing outlives a killed launcher except
 * its empty cgroup, which the next launcher removes.
 *
 * The launcher is single-threaded, so its clone()d and fork()ed children may use ordinary libc
 * calls (snprintf, malloc inside libseccomp); the worker, which is multithreaded, never forks.
 *
 * Report (fd 3), one `key=value` per line: either `error=...` (nothing ran: bad arguments, missing
 * cgroup controller, unreadable input), or `reason=`, `status=exited|signaled|none`, `exit_code=`,
 * `signal=`, `wall_ns=`, `cpu_user_ns=`, `cpu_system_ns=`, `memory_peak=`, `oom_kills=`,
 * `pids_limit_hits=`, `output_bytes=`, `userns=`, `message=`, `warning=` (insecure runs whose cgroup
 * limits could not be applied), and last `end=1`.
 */
#include "CSandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* How often the output folders are measured while the step runs. */
#define CSB_OUTPUT_SCAN_NS (100 * 1000000LL)

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void report_line(const char *format, ...) __attribute__((format(printf, 1, 2)));
static void report_line(const char *format, ...) {
    char line[1200];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(line, sizeof line - 1, format, args);
    va_end(args);
    if (n < 0) return;
    if (n > (int)sizeof line - 2) n = (int)sizeof line - 2;
    line[n++] = '\n';
    for (ssize_t done = 0; done < n;) {
        ssize_t w = write(CSB_REPORT_FD, line + done, (size_t)(n - done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return; /* the worker is gone: nobody to tell */
        done += w;
    }
}

int csb_report_error(const csb_error *err) {
    report_line("error=%s", err->text);
    return 2;
}

static int mkdir_p(const char *path, mode_t mode) {
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", path);
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        int r = mkdir(copy, mode);
        *p = '/';
        if (r < 0 && errno != EEXIST) return -1;
    }
    if (mkdir(copy, mode) < 0 && errno != EEXIST) return -1;
    return 0;
}

/* Creates the output folders (owned by the sandbox user), checks the read-only sources and the
 * folder the new root is mounted on. */
static int prepare_host(const csb_config *config, char *root_dir, size_t size, csb_error *err) {
    for (int k = 0; k < config->mount_count; k++) {
        const csb_mount *m = &config->mounts[k];
        if (m->kind == CSB_MOUNT_OUTPUT) {
            if (mkdir_p(m->source, 0755) < 0)
                return csb_fail(err, "%s: cannot create %s: %s", m->target, m->source, strerror(errno));
            struct stat st;
            if (lstat(m->source, &st) < 0 || !S_ISDIR(st.st_mode))
                return csb_fail(err, "%s: %s is not a folder", m->target, m->source);
            if (!config->insecure && chown(m->source, config->uid, config->gid) < 0)
                return csb_fail(err, "%s: cannot give %s to the sandbox user: %s", m->target, m->source,
                                strerror(errno));
        } else if (csb_check_source_readable(config, m, err) < 0) {
            return -1;
        }
    }
    if (config->insecure) return 0;
    if (mkdir_p(config->work_root, 0700) < 0)
        return csb_fail(err, "cannot create %s: %s", config->work_root, strerror(errno));
    snprintf(root_dir, size, "%s/root", config->work_root);
    if (mkdir(root_dir, 0755) < 0 && errno != EEXIST)
        return csb_fail(err, "cannot create %s: %s", root_dir, strerror(errno));
    /* The mount point must be a real folder owned by us: mounts follow symlinks. */
    struct stat st;
    if (lstat(root_dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
        return csb_fail(err, "%s must be a folder owned by uid %ld", root_dir, (long)geteuid());
    return 0;
}

static int64_t output_bytes(const csb_config *config) {
    int64_t total = 0;
    for (int k = 0; k < config->mount_count; k++) {
        if (config->mounts[k].kind != CSB_MOUNT_OUTPUT) continue;
        int64_t bytes = csb_tree_bytes(config->mounts[k].source);
        if (bytes > 0) total += bytes;
    }
    return total;
}

/* The descriptors a freshly cloned child needs. */
typedef struct {
    int sync_fd;     /* one byte arrives once the launcher has written the id maps */
    int error_fd;    /* a setup or exec failure, as one line; closes on a successful exec */
    int status_fd;   /* the step's wait status, written by the init */
    int lifeline_fd; /* hangs up when the launcher exits */
    const int *cgroup_fds;
    int cgroup_count;
} csb_child_fds;

/* Waits for the launcher's go, then joins the run's cgroups. */
static int child_prologue(const csb_child_fds *fds, csb_error *err) {
    char byte;
    if (read(fds->sync_fd, &byte, 1) != 1) _exit(1); /* the launcher failed before letting us start */
    close(fds->sync_fd);
    return csb_cgroup_join(fds->cgroup_fds, fds->cgroup_count, err);
}

typedef struct {
    const csb_config *config;
    const csb_child_fds *fds;
} csb_step_start;

/* The step's process, started by the init (see run_init). Never returns. */
static int start_step(void *argument) {
    const csb_step_start *start = argument;
    close(start->fds->status_fd);
    close(start->fds->lifeline_fd);
    csb_exec_step(start->config, start->fds->error_fd);
}

/* The init: pid 1 of the sandbox's PID namespace. Never returns. */
static void run_init(const csb_config *config, const char *root_dir, const csb_child_fds *fds) {
    csb_error err = {{0}};
    close(CSB_REPORT_FD); /* only the launcher reports */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (child_prologue(fds, &err) < 0) goto fail;
    /* Hide the host's cgroup paths now that we are in the run's group. */
    unshare(CLONE_NEWCGROUP);
    if (sethostname("shoal-sandbox", 13) < 0) {
        csb_fail(&err, "sethostname: %s", strerror(errno));
        goto fail;
    }
    if (csb_build_root(config, root_dir, &err) < 0) goto fail;
    if (config->loopback && !config->netns_prepared && csb_loopback_up(&err) < 0) goto fail;
    /* The step starts the way posix_spawn starts a program: sharing the init's memory, on a stack of
     * its own, with the init suspended until the exec. Nothing is copied, and the step runs at once
     * instead of waiting to be scheduled. Its code before exec allocates nothing (the seccomp filter
     * is compiled here first) and changes only per-process state (fds, credentials, limits). */
    if (!config->insecure && csb_prepare_seccomp(config->loopback, &err) < 0) goto fail;
    size_t stack_size = 256 * 1024;
    char *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        csb_fail(&err, "mmap: %s", strerror(errno));
        goto fail;
    }
    csb_step_start start = {config, fds};
    pid_t step = clone(start_step, stack + stack_size, CLONE_VM | CLONE_VFORK | SIGCHLD, &start);
    if (step < 0) {
        csb_fail(&err, "clone: %s", strerror(errno));
        goto fail;
    }
    munmap(stack, stack_size);
    close(fds->error_fd);
    /* The init keeps no privilege either: it only reaps. */
    if (csb_drop_privileges(config, &err) < 0) {
        kill(step, SIGKILL);
        _exit(125);
    }
    /* Changing credentials cleared the parent-death signal: arm it again, then make sure the
     * launcher did not die in between (its end of the lifeline closes when it does). */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    struct pollfd lifeline = {fds->lifeline_fd, POLLIN, 0};
    if (poll(&lifeline, 1, 0) != 0) {
        kill(step, SIGKILL);
        _exit(122);
    }
    int status = 0;
    for (;;) {
        int st;
        pid_t pid = waitpid(-1, &st, 0);
        if (pid == step) {
            status = st;
            break;
        }
        if (pid < 0 && errno != EINTR) _exit(124);
    }
    ssize_t w = write(fds->status_fd, &status, sizeof status);
    _exit(w == sizeof status ? 0 : 123);
fail:
    if (write(fds->error_fd, err.text, strlen(err.text)) < 0) _exit(127);
    _exit(126);
}

static int write_id_map(pid_t pid, const char *file, long id, csb_error *err) {
    char path[64], map[96];
    snprintf(path, sizeof path, "/proc/%ld/%s", (long)pid, file);
    /* Root maps to root (the init needs it to build the root), the sandbox id to itself. */
    snprintf(map, sizeof map, "0 0 1\n%ld %ld 1\n", id, id);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return csb_fail(err, "open %s: %s", path, strerror(errno));
    ssize_t w = write(fd, map, strlen(map));
    int saved = errno;
    close(fd);
    if (w != (ssize_t)strlen(map)) return csb_fail(err, "write %s: %s", path, strerror(saved));
    return 0;
}

typedef struct {
    pid_t child;
    int userns;
    int error_fd;
    int status_fd;
} csb_started;

/* Starts the init (or, in insecure mode, the step itself); it joins the cgroup before anything else. */
static int start_child(const csb_config *config, const csb_cgroup *cg, const char *root_dir, csb_started *out,
                       csb_error *err) {
    int use_userns = !config->insecure && config->userns != CSB_USERNS_OFF;
    int cgroup_fds[CSB_CG_COUNT];
    int cgroup_count = csb_cgroup_open_attach(cg, cgroup_fds, CSB_CG_COUNT, err);
    if (cgroup_count < 0) return -1;
    /* Written to by nobody: its read end reports a hang-up once the launcher (the only holder of
     * the write end) has exited. */
    int lifeline[2];
    if (pipe2(lifeline, O_CLOEXEC) < 0) return csb_fail(err, "pipe: %s", strerror(errno));
    int result = -1;
    for (;;) {
        int sync[2], error[2], status[2];
        if (pipe2(sync, O_CLOEXEC) < 0 || pipe2(error, O_CLOEXEC) < 0 || pipe2(status, O_CLOEXEC) < 0) {
            csb_fail(err, "pipe: %s", strerror(errno));
            break;
        }
        long flags = SIGCHLD;
        if (!config->insecure)
            flags |= CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | (use_userns ? CLONE_NEWUSER : 0) |
                     (config->netns_prepared ? 0 : CLONE_NEWNET);
        pid_t pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
        if (pid == 0) {
            close(sync[1]);
            close(error[0]);
            close(status[0]);
            close(lifeline[1]);
            csb_child_fds fds = {sync[0], error[1], status[1], lifeline[0], cgroup_fds, cgroup_count};
            if (config->insecure) {
                csb_error join_err = {{0}};
                close(status[1]);
                if (child_prologue(&fds, &join_err) < 0) {
                    if (write(error[1], join_err.text, strlen(join_err.text)) < 0) _exit(127);
                    _exit(126);
                }
                csb_exec_step(config, error[1]);
            }
            run_init(config, root_dir, &fds);
        }
        int saved = errno;
        close(sync[0]);
        close(error[1]);
        close(status[1]);
        csb_error map_err = {{0}};
        int mapped = pid > 0 && (!use_userns || (write_id_map(pid, "uid_map", (long)config->uid, &map_err) == 0 &&
                                                 write_id_map(pid, "gid_map", (long)config->gid, &map_err) == 0));
        if (pid > 0 && !mapped) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
        if (pid < 0 || !mapped) {
            close(sync[1]);
            close(error[0]);
            close(status[0]);
            if (use_userns && config->userns == CSB_USERNS_AUTO) {
                use_userns = 0; /* this host does not allow it: fall back to the unprivileged uid alone */
                continue;
            }
            if (pid < 0) csb_fail(err, "clone: %s", strerror(saved));
            else csb_fail(err, "user namespace: %s", map_err.text);
            break;
        }
        out->child = pid;
        out->userns = use_userns;
        out->error_fd = error[0];
        out->status_fd = status[0];
        if (write(sync[1], "g", 1) != 1) {
            csb_fail(err, "cannot start the sandbox: %s", strerror(errno));
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            break;
        }
        close(sync[1]);
        result = 0;
        break;
    }
    for (int k = 0; k < cgroup_count; k++) close(cgroup_fds[k]);
    return result;
}

typedef struct {
    const char *reason;
    int child_status;
    struct rusage usage;
    char message[1024];
    size_t message_length;
} csb_supervision;

/* Waits for the child, enforcing the timeout and the output cap, and obeying SIGTERM. */
static void supervise(const csb_config *config, const csb_started *started, int signal_fd, int64_t start,
                      csb_supervision *run) {
    int64_t deadline = config->timeout_ms > 0 ? start + config->timeout_ms * 1000000LL : 0;
    int outputs = 0;
    for (int k = 0; k < config->mount_count; k++) outputs += config->mounts[k].kind == CSB_MOUNT_OUTPUT;
    int64_t next_scan = config->output_cap_bytes > 0 && outputs > 0 ? start + CSB_OUTPUT_SCAN_NS : 0;
    int error_open = 1, done = 0;
    while (!done) {
        int64_t now = now_ns();
        if (deadline && now >= deadline) {
            deadline = 0;
            if (!run->reason) run->reason = "timeout";
            kill(started->child, SIGKILL);
        }
        if (next_scan && now >= next_scan) {
            next_scan = now + CSB_OUTPUT_SCAN_NS;
            if (output_bytes(config) > config->output_cap_bytes) {
                next_scan = 0;
                if (!run->reason) run->reason = "output-too-large";
                kill(started->child, SIGKILL);
            }
        }
        int64_t wake = 0;
        if (deadline) wake = deadline;
        if (next_scan && (!wake || next_scan < wake)) wake = next_scan;
        int timeout = wake ? (int)((wake - now + 999999) / 1000000) : -1;
        struct pollfd fds[2] = {{signal_fd, POLLIN, 0}, {started->error_fd, POLLIN, 0}};
        int r = poll(fds, error_open ? 2 : 1, timeout);
        if (r < 0 && errno != EINTR) break;
        if (error_open && fds[1].revents) {
            char buffer[512];
            ssize_t n = read(started->error_fd, buffer, sizeof buffer);
            if (n > 0) {
                size_t room = sizeof run->message - 1 - run->message_length;
                size_t take = (size_t)n < room ? (size_t)n : room;
                memcpy(run->message + run->message_length, buffer, take);
                run->message_length += take;
            } else if (n == 0 || errno != EINTR) {
                error_open = 0;
            }
        }
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo info;
            while (read(signal_fd, &info, sizeof info) == sizeof info) {
                if (info.ssi_signo == SIGCHLD) continue;
                if (!run->reason) run->reason = "cancelled";
                kill(started->child, SIGKILL);
            }
        }
        for (;;) {
            int st;
            struct rusage usage;
            pid_t pid = wait4(-1, &st, WNOHANG, &usage);
            if (pid <= 0) break;
            if (pid == started->child) {
                run->child_status = st;
                run->usage = usage;
                done = 1;
            }
        }
    }
    /* Everything that held the error pipe is gone now: take what is left. */
    fcntl(started->error_fd, F_SETFL, O_NONBLOCK);
    for (;;) {
        char buffer[512];
        ssize_t n = read(started->error_fd, buffer, sizeof buffer);
        if (n <= 0) break;
        size_t room = sizeof run->message - 1 - run->message_length;
        size_t take = (size_t)n < room ? (size_t)n : room;
        memcpy(run->message + run->message_length, buffer, take);
        run->message_length += take;
    }
    run->message[run->message_length] = '\0';
    for (char *c = run->message; *c; c++)
        if (*c == '\n' || *c == '\r') *c = ' ';
}

int csb_signal_fd(void) {
    sigset_t signals;
    sigemptyset(&signals);
    int handled[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT};
    for (size_t k = 0; k < sizeof handled / sizeof handled[0]; k++) sigaddset(&signals, handled[k]);
    sigprocmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    return signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* What the launcher service works out once, before it forks supervisors (csb_prepare_runs). */
static struct {
    int have_cgroup;
    csb_cgroup cgroup;
} prepared;

void csb_prepare_runs(void) {
    csb_cgroup_discover(&prepared.cgroup);
    prepared.have_cgroup = 1;
    csb_error ignored; /* a filter that cannot be built is reported by the run that needs it */
    csb_prepare_seccomp(0, &ignored);
    csb_prepare_seccomp(1, &ignored);
}

int csb_run_step(csb_config *config) {
    csb_error err = {{0}};
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (config->parent_pid > 0 && getppid() != config->parent_pid) {
        report_line("reason=cancelled");
        report_line("status=none");
        report_line("message=the worker exited before the sandbox started");
        return 0;
    }
    int signal_fd = csb_signal_fd();
    if (signal_fd < 0) return csb_fail(&err, "signalfd: %s", strerror(errno)), csb_report_error(&err);
    if (config->insecure) prctl(PR_SET_CHILD_SUBREAPER, 1);

    csb_cgroup cg;
    if (prepared.have_cgroup) cg = prepared.cgroup;
    else csb_cgroup_discover(&cg);
    csb_cgroup_sweep_stale(&cg);
    char root_dir[4352] = "";
    if (prepare_host(config, root_dir, sizeof root_dir, &err) < 0) return csb_report_error(&err);
    char warning[600] = "";
    if (csb_cgroup_create(&cg, config, &err) < 0) {
        csb_cgroup_remove(&cg);
        if (!config->insecure) return csb_report_error(&err);
        /* The operator chose to run without isolation: go on without the cgroup, but say so. */
        snprintf(warning, sizeof warning, "cgroup limits not applied: %s", err.text);
        for (int c = 0; c < CSB_CG_COUNT; c++) cg.controller[c].version = 0;
    }

    /* A network namespace made ahead of time by the service: the clone below then skips creating
     * one, the costliest part of it. It is owned by the host's user namespace, so nothing inside the
     * sandbox can reconfigure it. */
    if (config->prepared_netns_fd >= 0) {
        config->netns_prepared = !config->insecure && setns(config->prepared_netns_fd, CLONE_NEWNET) == 0;
        close(config->prepared_netns_fd);
        config->prepared_netns_fd = -1;
    }
    int64_t start = now_ns();
    csb_started started;
    if (start_child(config, &cg, root_dir, &started, &err) < 0) {
        csb_cgroup_remove(&cg);
        return csb_report_error(&err);
    }
    /* Let the worker see end-of-file on stdout/stderr as soon as the sandbox is gone. */
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd >= 0) {
        dup2(null_fd, 0);
        dup2(null_fd, 1);
        dup2(null_fd, 2);
        close(null_fd);
    }

    csb_supervision run;
    memset(&run, 0, sizeof run);
    supervise(config, &started, signal_fd, start, &run);
    int64_t wall = now_ns() - start;

    int step_status = run.child_status, have_status = 1;
    if (!config->insecure) {
        int status;
        fcntl(started.status_fd, F_SETFL, O_NONBLOCK);
        if (read(started.status_fd, &status, sizeof status) == sizeof status) step_status = status;
        else have_status = 0; /* the init itself was killed (timeout, OOM, cancellation) */
    } else {
        kill(-started.child, SIGKILL); /* the step's session */
        while (waitpid(-1, NULL, WNOHANG) > 0) {
        }
    }
    csb_cgroup_kill_all(&cg);
    csb_cgroup_stats stats;
    csb_cgroup_read_stats(&cg, &stats);
    int64_t outputs = output_bytes(config);
    csb_cgroup_remove(&cg);

    int exited = have_status && WIFEXITED(step_status);
    int signaled = WIFSIGNALED(step_status);
    int succeeded = exited && WEXITSTATUS(step_status) == 0;
    const char *reason = run.reason;
    if (!reason && run.message_length > 0) reason = "launch-failed";
    if (!reason && !succeeded && stats.oom_kills > 0) reason = "memory";
    if (!reason && signaled && WTERMSIG(step_status) == SIGXCPU) reason = "cpu-time";
    if (!reason && signaled && WTERMSIG(step_status) == SIGXFSZ) {
        reason = "output-too-large";
        if (!run.message_length) snprintf(run.message, sizeof run.message, "a file reached the file-size limit");
    }
    if (!reason && config->output_cap_bytes > 0 && outputs > config->output_cap_bytes) reason = "output-too-large";
    if (!reason && !succeeded && stats.pids_limit_hits > 0) reason = "pids";
    if (!reason) reason = signaled ? "signaled" : "exited";

    report_line("reason=%s", reason);
    if (!have_status || strcmp(reason, "launch-failed") == 0) report_line("status=none");
    else if (exited) report_line("status=exited\nexit_code=%d", WEXITSTATUS(step_status));
    else if (signaled) report_line("status=signaled\nsignal=%d", WTERMSIG(step_status));
    report_line("wall_ns=%lld", (long long)wall);
    if (stats.have_cpu) {
        report_line("cpu_user_ns=%lld\ncpu_system_ns=%lld", (long long)stats.cpu_user_ns,
                    (long long)stats.cpu_system_ns);
    } else {
        report_line("cpu_user_ns=%lld\ncpu_system_ns=%lld",
                    (long long)run.usage.ru_utime.tv_sec * 1000000000LL + run.usage.ru_utime.tv_usec * 1000LL,
                    (long long)run.usage.ru_stime.tv_sec * 1000000000LL + run.usage.ru_stime.tv_usec * 1000LL);
    }
    report_line("memory_peak=%lld", (long long)(stats.have_memory_peak ? stats.memory_peak
                                                                        : (int64_t)run.usage.ru_maxrss * 1024));
    report_line("oom_kills=%lld\npids_limit_hits=%lld", (long long)stats.oom_kills, (long long)stats.pids_limit_hits);
    report_line("output_bytes=%lld", (long long)outputs);
    report_line("userns=%d", started.userns);
    if (run.message[0]) report_line("message=%s", run.message);
    if (warning[0]) report_line("warning=%s", warning);
    report_line("end=1"); /* everything is cleaned up and reported: nothing else will happen */
    return 0;
}

int main(int argc, char **argv) {
    umask(022);
    /* Descriptors the worker leaked (anything not close-on-exec) must not reach the step. */
    syscall(SYS_close_range, CSB_REPORT_FD + 1, ~0U, 0);
    if (fcntl(CSB_REPORT_FD, F_GETFD) < 0) dup2(2, CSB_REPORT_FD); /* started by hand: report on stderr */
    csb_config config;
    csb_error err = {{0}};
    if (csb_parse_config(argc, argv, &config, &err) < 0) return csb_report_error(&err);
    if (config.check) return csb_check_main(&config, CSB_REPORT_FD);
    if (config.serve) return csb_serve_main(&config);
    return csb_run_step(&config);
}
