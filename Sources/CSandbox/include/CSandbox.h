/*
 * CSandbox: the `shoal-sandbox` launcher.
 *
 * The Swift side (module Sandbox) spawns this small executable once per step, so the large worker
 * process is never cloned. The launcher:
 *
 *   1. parses its command line into a `csb_config` (config.c);
 *   2. creates a cgroup for the run (memory, pids, cpu, cpuacct; v1 or v2) and sweeps groups left
 *      behind by launchers that were killed (cgroup.c);
 *   3. clones a child into new mount, PID, network, IPC, UTS (and, where possible, user) namespaces;
 *      that child becomes the PID namespace's init, builds a read-only root from bind mounts and
 *      pivots into it (rootfs.c), then forks the step, which drops every privilege, loads the seccomp
 *      filter and execs the command (exec.c, seccomp.c);
 *   4. supervises the run (wall-clock timeout, output size, cancellation by SIGTERM or by the death of
 *      its parent) and writes a `key=value` report on fd 3 (main.c).
 *
 * Every function here is prefixed `csb_`. Errors are reported as one line of text (`csb_error`).
 */
#ifndef CSANDBOX_H
#define CSANDBOX_H

#include <stdint.h>
#include <sys/types.h>

/* The file descriptor the report is written to (the Swift side passes a pipe there). */
#define CSB_REPORT_FD 3

/* How a host path is mounted into the sandbox. */
typedef enum {
    CSB_MOUNT_RO = 0,     /* read-only bind (tool, inputs, params file) */
    CSB_MOUNT_OUTPUT = 1, /* writable bind, counted against the output cap */
} csb_mount_kind;

typedef struct {
    const char *source; /* host path */
    const char *target; /* absolute path inside the sandbox, under /tool, /inputs or /outputs */
    csb_mount_kind kind;
} csb_mount;

typedef enum { CSB_USERNS_OFF = 0, CSB_USERNS_AUTO = 1, CSB_USERNS_REQUIRE = 2 } csb_userns_mode;

/* Everything the launcher needs to run one step. Zero or negative limits mean "no limit". */
typedef struct {
    char **argv; /* the step's command; argv[0] is resolved inside the sandbox */
    csb_mount *mounts;
    int mount_count;
    char **env; /* NULL-terminated KEY=VALUE list: the step's whole environment */
    int env_count;
    const char *cwd;
    const char *work_root; /* host folder holding the (empty) mount point of the new root */
    int loopback;          /* 1: network namespace with `lo` up; 0: empty network namespace */
    csb_userns_mode userns;
    int insecure; /* run without namespaces, seccomp or uid change (operator's explicit choice) */
    int check;    /* probe the host's isolation features instead of running a step */
    int serve;    /* become the launcher service: fork a supervisor per run asked for (server.c) */
    uid_t uid;
    gid_t gid;
    int64_t memory_bytes;
    int64_t tmp_bytes;
    int64_t file_size_bytes;
    int64_t output_cap_bytes;
    int64_t pids;
    int64_t open_files;
    int64_t cpu_time_seconds;
    int64_t cpu_millis; /* CPU bandwidth: 1000 = one core */
    int64_t timeout_ms;
    pid_t parent_pid; /* the spawning process; the launcher exits at once if it is already gone */
    /* A fresh network namespace the launcher service made ahead of time for this run (its `lo` up
     * for loopback runs), or -1: the sandbox then gets a new one at clone time. */
    int prepared_netns_fd;
    int netns_prepared; /* set once the supervisor has entered the prepared namespace */
} csb_config;

/* A one-line error message buffer. */
typedef struct {
    char text[512];
} csb_error;

/* Formats an error message (printf-style); returns -1 so callers can `return csb_fail(...)`. */
int csb_fail(csb_error *err, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* config.c: parses argv into `config`; returns 0, or -1 with `err` set. */
int csb_parse_config(int argc, char **argv, csb_config *config, csb_error *err);

/* ---- cgroup.c ------------------------------------------------------------------------------ */

/* The controllers the launcher uses. */
typedef enum { CSB_CG_MEMORY = 0, CSB_CG_PIDS, CSB_CG_CPU, CSB_CG_CPUACCT, CSB_CG_COUNT } csb_cg_controller;

typedef struct {
    int version;      /* 0: unavailable, 1: cgroup v1 hierarchy, 2: cgroup v2 (unified) */
    char parent[4096]; /* folder holding the per-run groups: <mount><own path>/shoal-sandbox */
    char group[4096];  /* this run's group (empty until created) */
} csb_cg_hierarchy;

typedef struct {
    csb_cg_hierarchy controller[CSB_CG_COUNT];
    char name[64];
} csb_cgroup;

typedef struct {
    int have_cpu;
    int64_t cpu_user_ns;
    int64_t cpu_system_ns;
    int have_memory_peak;
    int64_t memory_peak;
    int64_t oom_kills;
    int64_t pids_limit_hits;
} csb_cgroup_stats;

/* Finds the hierarchy of every controller (v1 preferred, v2 where only v2 has it). */
void csb_cgroup_discover(csb_cgroup *cg);
/* Removes groups left by launchers that no longer run (killing any process still inside). */
void csb_cgroup_sweep_stale(const csb_cgroup *cg);
/* Creates this run's groups and writes the limits; fails if a limit needs a missing controller. */
int csb_cgroup_create(csb_cgroup *cg, const csb_config *config, csb_error *err);
/* Opens the files through which a process joins the run's groups (one per distinct group, at most
 * `capacity`); returns how many, or -1. The launcher opens them, the child writes to them. */
int csb_cgroup_open_attach(const csb_cgroup *cg, int *fds, int capacity, csb_error *err);
/* Moves the calling (single-threaded) process into the groups and closes the descriptors. */
int csb_cgroup_join(const int *fds, int count, csb_error *err);
/* SIGKILLs every process still in the run's groups and waits (bounded) until they are empty. */
void csb_cgroup_kill_all(const csb_cgroup *cg);
/* Reads CPU time, peak memory, OOM kills and pids-limit hits. */
void csb_cgroup_read_stats(const csb_cgroup *cg, csb_cgroup_stats *stats);
/* Removes the run's groups (retrying briefly while the kernel finishes releasing them). */
void csb_cgroup_remove(csb_cgroup *cg);
/* Whether a controller can be used: probes by creating and removing a group. */
int csb_cgroup_probe(const csb_cgroup *cg, csb_cg_controller controller, csb_error *err);
const char *csb_cgroup_controller_name(csb_cg_controller controller);
/* Whether PID 1's mount namespace has the controller (or a cgroup2 hierarchy) that ours lacks: our
 * /sys was remounted, as `ip netns exec` does, hiding the host's cgroup mounts. */
int csb_cgroup_hidden(csb_cg_controller controller);

/* ---- rootfs.c ------------------------------------------------------------------------------ */

/* Builds the new root on `root_dir`, pivots into it and unmounts the old root. Runs in the init. */
int csb_build_root(const csb_config *config, const char *root_dir, csb_error *err);
/* Brings the loopback interface up in the current network namespace. */
int csb_loopback_up(csb_error *err);
/* Checks that a read-only source can be read by the sandbox user (so the step sees its inputs). */
int csb_check_source_readable(const csb_config *config, const csb_mount *mount, csb_error *err);

/* ---- exec.c -------------------------------------------------------------------------------- */

/* Resets the signal mask and every disposition (Swift/Dispatch threads block most signals). */
void csb_reset_signals(void);
/* Drops to config->uid/gid, clears every capability and sets no_new_privs. */
int csb_drop_privileges(const csb_config *config, csb_error *err);
/* In the step process: limits, privileges, seccomp, then exec. Returns only on failure. */
void csb_exec_step(const csb_config *config, int error_fd) __attribute__((noreturn));
/* Sets the step's rlimits (file size, open files, CPU seconds, no core dumps). */
int csb_set_rlimits(const csb_config *config, csb_error *err);

/* ---- seccomp.c ----------------------------------------------------------------------------- */

/* Builds and compiles the step's seccomp filter for a network mode, once per process (the service
 * prepares both modes before it forks supervisors). */
int csb_prepare_seccomp(int loopback, csb_error *err);
/* Loads the step's seccomp filter (deny-list, EPERM). `loopback` allows AF_INET/AF_INET6 sockets. */
int csb_load_seccomp(int loopback, csb_error *err);
/* libseccomp's version as "major.minor.micro". */
void csb_seccomp_version(char *buffer, size_t size);

/* ---- walk.c -------------------------------------------------------------------------------- */

/* Bytes in regular files (and symlinks) under `path`, without following symlinks (a tree nested
 * deeper than 256 folders counts as 2^60: over any cap); -1 on error. */
int64_t csb_tree_bytes(const char *path);

/* ---- main.c ------------------------------------------------------------------------------- */

/* Blocks SIGCHLD, SIGTERM, SIGINT, SIGHUP and SIGQUIT, ignores SIGPIPE, and returns a non-blocking
 * signalfd that delivers the blocked ones (or -1). */
int csb_signal_fd(void);
/* Works out once what every run needs and does not change (the cgroup hierarchies, the compiled
 * seccomp filters); the service calls it before its first fork. */
void csb_prepare_runs(void);
/* Supervises one run described by `config` and writes its report on CSB_REPORT_FD; returns the
 * launcher's exit status. */
int csb_run_step(csb_config *config);
/* Writes `error=...` on CSB_REPORT_FD; returns the launcher's exit status for it (2). */
int csb_report_error(const csb_error *err);

/* ---- server.c ------------------------------------------------------------------------------ */

/* The launcher service: reads run requests from the socket on CSB_REPORT_FD and forks a supervisor
 * (csb_run_step) for each; returns once the worker has gone and every run has ended. */
int csb_serve_main(const csb_config *config);

/* ---- check.c ------------------------------------------------------------------------------- */

/* Probes the host's isolation features and writes them as `key=value` lines to `fd`. */
int csb_check_main(const csb_config *config, int fd);

#endif
