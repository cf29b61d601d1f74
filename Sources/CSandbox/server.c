/*
 * The launcher service: `shoal-sandbox --serve` forks one supervisor per run.
 *
 * Starting an executable costs more here than the sandbox itself saves in simplicity: the
 * launcher's exec, its dynamic loading and the Swift runtime SwiftPM links into every executable
 * took about 2.5 ms of each run. So the worker starts one long-lived launcher service and asks it
 * for runs; the service forks (it is small and single-threaded, so a fork is cheap and safe) and the
 * child supervises the run exactly as a freshly started launcher would (`csb_run_step`).
 *
 *     worker (Swift) --socket--> service (this file) --fork--> supervisor --clone--> init --> step
 *
 * Protocol on the control socket (fd 3, a SOCK_STREAM socketpair from the worker). Every frame is a
 * 16-byte header, `type` (u32), `length` of the payload (u32) and the run's `id` (u64), all in host
 * byte order (both ends are on this machine), then the payload:
 *
 *   worker -> service   RUN     payload: the launcher's arguments, each NUL-terminated; the frame's
 *                               first byte carries three descriptors (SCM_RIGHTS): the step's stdout,
 *                               its stderr and the report pipe.
 *                       CANCEL  no payload: SIGTERM to that run's supervisor (it kills the sandbox,
 *                               cleans up and reports `cancelled`).
 *   service -> worker   STARTED payload: the supervisor's pid (i32), or -errno if fork failed.
 *                       EXITED  payload: the supervisor's wait status (i32), once it is reaped.
 *
 * The service also makes network namespaces ahead of time (see `netns_pool`): a run gets a fresh one
 * that no other run ever uses, without paying for its creation.
 *
 * A supervisor is signalled only while it is unreaped, so a cancellation can never hit a recycled
 * pid. When the worker goes away (end of file on the socket) or the service gets SIGTERM, the
 * service sends SIGTERM to every supervisor, waits until each has cleaned up, and exits; if the
 * service itself is killed, each supervisor gets SIGTERM from the kernel (PR_SET_PDEATHSIG).
 */
#include "CSandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

enum { FRAME_RUN = 1, FRAME_CANCEL = 2, FRAME_STARTED = 3, FRAME_EXITED = 4 };

/* A RUN frame's arguments may not exceed this (a spec's whole command line, environment included). */
#define CSB_MAX_ARGUMENTS_BYTES (16 * 1024 * 1024)

typedef struct {
    uint32_t type;
    uint32_t length;
    uint64_t id;
} csb_frame_header;

typedef struct {
    uint64_t id;
    pid_t pid;
} csb_supervisor;

typedef struct {
    csb_supervisor *items;
    size_t count;
    size_t capacity;
} csb_supervisors;

/* Where a supervisor finds the network namespace prepared for its run. */
#define CSB_NETNS_FD (CSB_REPORT_FD + 1)

/*
 * Network namespaces made ahead of time. Creating one is the costliest part of building a sandbox
 * (about 0.5 ms: the loopback device, the sysctl tables); the service makes the next ones while the
 * runs it just started are busy, and hands each to one run only. A pool that runs dry (many runs
 * at once) just means those runs create their own at clone time.
 */
static struct {
    int home_fd; /* the service's own network namespace, to return to after making one */
    int disabled;
    int fds[2][2]; /* [loopback][k] */
    int count[2];
} netns_pool = {-1, 0, {{-1, -1}, {-1, -1}}, {0, 0}};

static const int netns_pool_size[2] = {2, 1}; /* most runs have no network */

/* Makes a fresh network namespace (its `lo` up for loopback runs) and returns a descriptor of it. */
static int make_netns(int loopback) {
    if (unshare(CLONE_NEWNET) < 0) return -1;
    int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    csb_error ignored;
    int ready = fd >= 0 && (!loopback || csb_loopback_up(&ignored) == 0);
    if (setns(netns_pool.home_fd, CLONE_NEWNET) < 0) netns_pool.disabled = 1; /* clones still make their own */
    if (!ready && fd >= 0) close(fd);
    return ready ? fd : -1;
}

static void refill_netns_pool(void) {
    if (netns_pool.home_fd < 0 && !netns_pool.disabled) {
        netns_pool.home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (netns_pool.home_fd < 0) netns_pool.disabled = 1;
    }
    for (int mode = 0; mode < 2; mode++) {
        while (!netns_pool.disabled && netns_pool.count[mode] < netns_pool_size[mode]) {
            int fd = make_netns(mode);
            if (fd < 0) {
                netns_pool.disabled = 1;
                return;
            }
            netns_pool.fds[mode][netns_pool.count[mode]++] = fd;
        }
    }
}

static int take_netns(int loopback) {
    int mode = loopback ? 1 : 0;
    return netns_pool.count[mode] > 0 ? netns_pool.fds[mode][--netns_pool.count[mode]] : -1;
}

/* Reads the network mode and --insecure from a RUN frame's arguments (those before `--`). */
static void scan_run_options(const char *arguments, uint32_t length, int *loopback, int *insecure) {
    *loopback = 0;
    *insecure = 0;
    const char *previous = NULL;
    for (uint32_t k = 0; k < length;) {
        const char *argument = arguments + k;
        if (strcmp(argument, "--") == 0) break;
        if (strcmp(argument, "--insecure") == 0) *insecure = 1;
        if (previous && strcmp(previous, "--network") == 0) *loopback = strcmp(argument, "loopback") == 0;
        previous = argument;
        k += (uint32_t)strlen(argument) + 1;
    }
}

static int read_exactly(int fd, void *buffer, size_t size) {
    for (size_t done = 0; done < size;) {
        ssize_t n = read(fd, (char *)buffer + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        done += (size_t)n;
    }
    return 0;
}

static int write_frame(int fd, uint32_t type, uint64_t id, int32_t value) {
    struct {
        csb_frame_header header;
        int32_t value;
    } __attribute__((packed)) frame = {{type, sizeof(int32_t), id}, value};
    for (size_t done = 0; done < sizeof frame;) {
        ssize_t n = write(fd, (char *)&frame + done, sizeof frame - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        done += (size_t)n;
    }
    return 0;
}

/* Reads a frame header and the descriptors that came with its first byte (at most `capacity`;
 * extra ones are closed). Returns 0, or -1 at end of file or on error. */
static int read_header(int fd, csb_frame_header *header, int *fds, int capacity, int *count) {
    char control[CMSG_SPACE(sizeof(int) * 8)];
    struct iovec iov = {header, sizeof *header};
    struct msghdr message = {0};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    ssize_t n;
    do n = recvmsg(fd, &message, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    *count = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        int received = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int *passed = (int *)CMSG_DATA(c);
        for (int k = 0; k < received; k++) {
            if (*count < capacity) fds[(*count)++] = passed[k];
            else close(passed[k]);
        }
    }
    if (n <= 0) return -1;
    if ((size_t)n < sizeof *header && read_exactly(fd, (char *)header + n, sizeof *header - (size_t)n) < 0) return -1;
    return 0;
}

/* In the forked child: becomes the supervisor of one run. Never returns. */
static void become_supervisor(pid_t service, char *arguments, uint32_t length, const int *fds, int netns_fd) {
    csb_reset_signals();
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(fds[0], 1) < 0 || dup2(fds[1], 2) < 0 ||
        dup2(fds[2], CSB_REPORT_FD) < 0)
        _exit(2);
    if (netns_fd >= 0 && dup2(netns_fd, CSB_NETNS_FD) < 0) netns_fd = -1;
    syscall(SYS_close_range, netns_fd >= 0 ? CSB_NETNS_FD + 1 : CSB_REPORT_FD + 1, ~0U, 0);

    /* argv: a program name, then each NUL-terminated argument of the frame. */
    int argc = 1;
    for (uint32_t k = 0; k < length; k++) argc += arguments[k] == '\0';
    char **argv = calloc((size_t)argc + 1, sizeof(char *));
    if (!argv) _exit(2);
    argv[0] = "shoal-sandbox";
    for (uint32_t k = 0, start = 0, slot = 1; k < length; k++) {
        if (arguments[k] != '\0') continue;
        argv[slot++] = arguments + start;
        start = k + 1;
    }
    csb_config config;
    csb_error err = {{0}};
    if (csb_parse_config(argc, argv, &config, &err) < 0) _exit(csb_report_error(&err));
    if (config.check) {
        csb_fail(&err, "--check is not a run: start the launcher with --check instead");
        _exit(csb_report_error(&err));
    }
    /* The supervisor's parent is the service (it exits at once if the service is already gone). */
    config.parent_pid = service;
    config.prepared_netns_fd = netns_fd >= 0 ? CSB_NETNS_FD : -1;
    _exit(csb_run_step(&config));
}

static void start_run(int control, csb_supervisors *runs, const csb_frame_header *header, const int *fds, int fd_count) {
    char *arguments = NULL;
    int failure = 0;
    if (header->length > CSB_MAX_ARGUMENTS_BYTES) failure = E2BIG;
    else if (!(arguments = malloc(header->length + 1u))) failure = ENOMEM;
    if (arguments && read_exactly(control, arguments, header->length) < 0) failure = EIO;
    if (!failure && fd_count != 3) failure = EBADF;
    if (!failure && header->length > 0 && arguments[header->length - 1] != '\0') failure = EINVAL;
    if (!failure && runs->count == runs->capacity) {
        size_t capacity = runs->capacity ? runs->capacity * 2 : 16;
        csb_supervisor *grown = realloc(runs->items, capacity * sizeof *grown);
        if (grown) {
            runs->items = grown;
            runs->capacity = capacity;
        } else {
            failure = ENOMEM;
        }
    }
    pid_t pid = -1;
    if (!failure) {
        int loopback, insecure;
        scan_run_options(arguments, header->length, &loopback, &insecure);
        int netns_fd = insecure ? -1 : take_netns(loopback);
        pid_t service = getpid();
        pid = fork();
        if (pid == 0) {
            close(control);
            become_supervisor(service, arguments, header->length, fds, netns_fd);
        }
        if (pid < 0) failure = errno;
        if (netns_fd >= 0) close(netns_fd); /* used by this run only (or by nobody if fork failed) */
    }
    /* The supervisor has its own copies; the worker must see end of file once it is done. */
    for (int k = 0; k < fd_count; k++) close(fds[k]);
    free(arguments);
    if (failure) {
        write_frame(control, FRAME_STARTED, header->id, -failure);
        return;
    }
    runs->items[runs->count++] = (csb_supervisor){header->id, pid};
    write_frame(control, FRAME_STARTED, header->id, pid);
    refill_netns_pool(); /* while the run just started builds its sandbox */
}

static void signal_all(const csb_supervisors *runs, int signal_number) {
    for (size_t k = 0; k < runs->count; k++) kill(runs->items[k].pid, signal_number);
}

/* Reaps every supervisor that has exited and tells the worker. */
static void reap(int control, csb_supervisors *runs) {
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0) return;
        for (size_t k = 0; k < runs->count; k++) {
            if (runs->items[k].pid != pid) continue;
            if (control >= 0) write_frame(control, FRAME_EXITED, runs->items[k].id, status);
            runs->items[k] = runs->items[--runs->count];
            break;
        }
    }
}

int csb_serve_main(const csb_config *config) {
    int control = CSB_REPORT_FD;
    if (config->parent_pid > 0 && getppid() != config->parent_pid) return 0; /* the worker is gone */
    int signal_fd = csb_signal_fd();
    if (signal_fd < 0) return 2;
    fcntl(control, F_SETFD, FD_CLOEXEC);
    csb_prepare_runs();
    refill_netns_pool();

    csb_supervisors runs = {0};
    int stopping = 0;
    while (!stopping || runs.count > 0) {
        struct pollfd fds[2] = {{signal_fd, POLLIN, 0}, {control, POLLIN, 0}};
        int r = poll(fds, control >= 0 ? 2 : 1, -1);
        if (r < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo info;
            while (read(signal_fd, &info, sizeof info) == sizeof info) {
                if (info.ssi_signo == SIGCHLD) continue;
                if (!stopping) signal_all(&runs, SIGTERM);
                stopping = 1;
            }
            reap(control, &runs);
        }
        if (control >= 0 && fds[1].revents) {
            csb_frame_header header;
            int passed[3], passed_count = 0;
            if (read_header(control, &header, passed, 3, &passed_count) < 0) {
                for (int k = 0; k < passed_count; k++) close(passed[k]);
                /* The worker is gone: stop every run, let each clean up, then leave. */
                close(control);
                control = -1;
                if (!stopping) signal_all(&runs, SIGTERM);
                stopping = 1;
                continue;
            }
            if (header.type == FRAME_RUN && !stopping) {
                start_run(control, &runs, &header, passed, passed_count);
            } else {
                for (int k = 0; k < passed_count; k++) close(passed[k]);
                if (header.type == FRAME_CANCEL) {
                    for (size_t k = 0; k < runs.count; k++)
                        if (runs.items[k].id == header.id) kill(runs.items[k].pid, SIGTERM);
                }
                /* Skip the payload of anything else (a RUN while stopping is answered as failed). */
                char skip[4096];
                for (uint32_t left = header.length; left > 0;) {
                    uint32_t take = left < sizeof skip ? left : (uint32_t)sizeof skip;
                    if (read_exactly(control, skip, take) < 0) break;
                    left -= take;
                }
                if (header.type == FRAME_RUN) write_frame(control, FRAME_STARTED, header.id, -ESHUTDOWN);
            }
        }
    }
    free(runs.items);
    return 0;
}
