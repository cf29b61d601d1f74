/*
 * One cgroup per run, for limits (memory, pids, CPU bandwidth) and accounting (CPU time, peak
 * memory, OOM kills, pids-limit hits).
 *
 * Each controller is looked up on its own: a cgroup v1 hierarchy that carries it (these machines),
 * else the unified v2 hierarchy if it offers it. The run's group is created below the launcher's
 * own group, in a `shoal-sandbox` folder:
 *
 *     <mount><own path>/shoal-sandbox/<launcher pid>-<nonce>
 *
 * The launcher's pid in the name lets the next launcher recognise groups whose owner died (it was
 * SIGKILLed, the machine lost power) and remove them: `csb_cgroup_sweep_stale`.
 */
#include "CSandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const controller_names[CSB_CG_COUNT] = {"memory", "pids", "cpu", "cpuacct"};

const char *csb_cgroup_controller_name(csb_cg_controller controller) { return controller_names[controller]; }

static int write_text(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t n = strlen(text);
    ssize_t written = write(fd, text, n);
    int saved = errno;
    close(fd);
    errno = saved;
    return written == (ssize_t)n ? 0 : -1;
}

static int write_at(const char *dir, const char *file, const char *text) {
    char path[4352];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    return write_text(path, text);
}

/* Reads a small text file into `buffer` (NUL-terminated); returns its length or -1. */
static ssize_t read_at(const char *dir, const char *file, char *buffer, size_t size) {
    char path[4352];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t total = 0;
    while ((size_t)total < size - 1) {
        ssize_t n = read(fd, buffer + total, size - 1 - (size_t)total);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        total += n;
    }
    close(fd);
    buffer[total] = '\0';
    return total;
}

/* The value after `key ` on its own line of a flat-keyed file ("oom_kill 3"), or -1. */
static int64_t keyed_value(const char *text, const char *key) {
    size_t n = strlen(key);
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, key, n) == 0 && line[n] == ' ') return strtoll(line + n + 1, NULL, 10);
    return -1;
}

/* Whether `list` (comma-separated) contains `word`. */
static int list_has(const char *list, const char *word) {
    size_t n = strlen(word);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, word, n) == 0) return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

/* The process's view of cgroups, read once per launcher: /proc/self/mountinfo and /proc/self/cgroup. */
typedef struct {
    char mountinfo[65536];
    char cgroups[8192];
} csb_cg_sources;

static void read_file(const char *path, char *buffer, size_t size) {
    buffer[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    size_t total = 0;
    while (total < size - 1) {
        ssize_t n = read(fd, buffer + total, size - 1 - total);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        total += (size_t)n;
    }
    close(fd);
    buffer[total] = '\0';
}

/* Copies the line starting at `text` into `line`; returns the next line's start or NULL. */
static const char *next_line(const char *text, char *line, size_t size) {
    if (!text || !*text) return NULL;
    size_t n = strcspn(text, "\n");
    snprintf(line, size, "%.*s", (int)(n < size ? n : size - 1), text);
    return text[n] ? text + n + 1 : text + n;
}

/* This process's path in the hierarchy whose /proc/self/cgroup entry matches. */
static int own_path(const csb_cg_sources *sources, int v2, const char *controller, char *out, size_t size) {
    char line[4608];
    for (const char *p = next_line(sources->cgroups, line, sizeof line); p; p = next_line(p, line, sizeof line)) {
        char *first = strchr(line, ':');
        if (!first) continue;
        char *second = strchr(first + 1, ':');
        if (!second) continue;
        *second = '\0';
        const char *controllers = first + 1;
        int match = v2 ? (strncmp(line, "0:", 2) == 0 && *controllers == '\0') : list_has(controllers, controller);
        if (match) {
            snprintf(out, size, "%s", second + 1);
            return 0;
        }
    }
    return -1;
}

/* Finds the mount of the v1 hierarchy with `controller` (or the v2 mount); returns its mount point
 * and root. */
static int find_mount(const csb_cg_sources *sources, int v2, const char *controller, char *mount_point, char *root,
                      size_t size) {
    char line[8192];
    for (const char *p = next_line(sources->mountinfo, line, sizeof line); p; p = next_line(p, line, sizeof line)) {
        /* id parent dev root mountpoint options [optional...] - fstype source superoptions */
        char *fields[6] = {0};
        char *save = NULL;
        char *token = strtok_r(line, " ", &save);
        for (int k = 0; k < 6 && token; k++, token = strtok_r(NULL, " ", &save)) fields[k] = token;
        while (token && strcmp(token, "-") != 0) token = strtok_r(NULL, " ", &save);
        if (!token || !fields[4]) continue;
        char *fstype = strtok_r(NULL, " ", &save);
        strtok_r(NULL, " ", &save); /* source */
        char *super = strtok_r(NULL, " ", &save);
        if (!fstype) continue;
        int match = v2 ? strcmp(fstype, "cgroup2") == 0
                       : (strcmp(fstype, "cgroup") == 0 && super && list_has(super, controller));
        if (match) {
            snprintf(mount_point, size, "%s", fields[4]);
            snprintf(root, size, "%s", fields[3]);
            return 0;
        }
    }
    return -1;
}

/* Joins mount point and own path (relative to the mount's root) into the parent folder. */
static int hierarchy_parent(const csb_cg_sources *sources, int v2, const char *controller, char *out, size_t size) {
    char mount_point[4096], root[4096], path[4096];
    if (find_mount(sources, v2, controller, mount_point, root, sizeof mount_point) < 0) return -1;
    if (own_path(sources, v2, controller, path, sizeof path) < 0) return -1;
    const char *relative = path;
    size_t root_len = strlen(root);
    if (strcmp(root, "/") != 0 && strncmp(path, root, root_len) == 0) relative = path + root_len;
    if (strcmp(relative, "/") == 0) relative = "";
    snprintf(out, size, "%s%s/shoal-sandbox", mount_point, relative);
    return 0;
}

void csb_cgroup_discover(csb_cgroup *cg) {
    memset(cg, 0, sizeof *cg);
    static csb_cg_sources sources;
    read_file("/proc/self/mountinfo", sources.mountinfo, sizeof sources.mountinfo);
    read_file("/proc/self/cgroup", sources.cgroups, sizeof sources.cgroups);
    char v2_parent[4096] = "";
    char v2_controllers[1024] = "";
    if (hierarchy_parent(&sources, 1, NULL, v2_parent, sizeof v2_parent) == 0) {
        /* Controllers offered to our own group are listed in its cgroup.controllers. */
        char own[4096];
        snprintf(own, sizeof own, "%.*s", (int)(strlen(v2_parent) - strlen("/shoal-sandbox")), v2_parent);
        if (read_at(own, "cgroup.controllers", v2_controllers, sizeof v2_controllers) < 0) v2_parent[0] = '\0';
    }
    for (int c = 0; c < CSB_CG_COUNT; c++) {
        csb_cg_hierarchy *h = &cg->controller[c];
        if (hierarchy_parent(&sources, 0, controller_names[c], h->parent, sizeof h->parent) == 0) {
            h->version = 1;
            continue;
        }
        if (!v2_parent[0]) continue;
        /* CPU time is in every v2 group's cpu.stat, with or without the cpu controller. */
        char word[32];
        snprintf(word, sizeof word, " %s ", controller_names[c]);
        char padded[1100];
        snprintf(padded, sizeof padded, " %s ", v2_controllers);
        for (char *p = padded; *p; p++)
            if (*p == '\n') *p = ' ';
        if (c == CSB_CG_CPUACCT || strstr(padded, word)) {
            snprintf(h->parent, sizeof h->parent, "%s", v2_parent);
            h->version = 2;
        }
    }
}

int csb_cgroup_hidden(csb_cg_controller c) {
    static csb_cg_sources init;
    read_file("/proc/1/mountinfo", init.mountinfo, sizeof init.mountinfo);
    char mount_point[4096], root[4096];
    return find_mount(&init, 0, controller_names[c], mount_point, root, sizeof mount_point) == 0 ||
           find_mount(&init, 1, NULL, mount_point, root, sizeof mount_point) == 0;
}

/* Whether another controller earlier in the list already uses the same group folder. */
static int shares_earlier(const csb_cgroup *cg, int c, int use_group) {
    for (int k = 0; k < c; k++) {
        const csb_cg_hierarchy *a = &cg->controller[k], *b = &cg->controller[c];
        if (!a->version || !b->version) continue;
        if (use_group ? (a->group[0] && strcmp(a->group, b->group) == 0) : strcmp(a->parent, b->parent) == 0)
            return 1;
    }
    return 0;
}

static int pid_is_launcher(long pid) {
    char path[64], comm[64] = "";
    snprintf(path, sizeof path, "/proc/%ld", pid);
    if (read_at(path, "comm", comm, sizeof comm) < 0) return 0;
    comm[strcspn(comm, "\n")] = '\0';
    return strcmp(comm, "shoal-sandbox") == 0;
}

static void kill_group_members(const char *group) {
    char procs[8192];
    if (read_at(group, "cgroup.procs", procs, sizeof procs) <= 0) return;
    for (char *line = procs; *line;) {
        long pid = strtol(line, &line, 10);
        if (pid > 0) kill((pid_t)pid, SIGKILL);
        while (*line == '\n') line++;
        if (*line && (*line < '0' || *line > '9')) break;
    }
}

/* rmdir with a short retry: a group stays busy for a moment after its last process exits. */
static int remove_group(const char *group) {
    for (int attempt = 0; attempt < 1000; attempt++) {
        if (rmdir(group) == 0 || errno == ENOENT) return 0;
        if (errno != EBUSY) return -1;
        kill_group_members(group);
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
    return -1;
}

void csb_cgroup_sweep_stale(const csb_cgroup *cg) {
    for (int c = 0; c < CSB_CG_COUNT; c++) {
        const csb_cg_hierarchy *h = &cg->controller[c];
        if (!h->version || shares_earlier(cg, c, 0)) continue;
        DIR *dir = opendir(h->parent);
        if (!dir) continue;
        struct dirent *entry;
        while ((entry = readdir(dir))) {
            if (entry->d_type != DT_DIR || entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
            char *end = NULL;
            long pid = strtol(entry->d_name, &end, 10);
            if (*end != '-' || pid_is_launcher(pid)) continue;
            char group[4352];
            snprintf(group, sizeof group, "%s/%s", h->parent, entry->d_name);
            kill_group_members(group);
            remove_group(group);
        }
        closedir(dir);
    }
}

/* Creates `parent` (and, for v2, enables the controllers its children need). */
static int ensure_parent(const csb_cg_hierarchy *h, csb_cg_controller c, csb_error *err) {
    if (mkdir(h->parent, 0755) < 0 && errno != EEXIST)
        return csb_fail(err, "cgroup %s: cannot create %s: %s", controller_names[c], h->parent, strerror(errno));
    if (h->version == 2 && c != CSB_CG_CPUACCT) {
        char own[4096], enable[64];
        snprintf(own, sizeof own, "%.*s", (int)(strlen(h->parent) - strlen("/shoal-sandbox")), h->parent);
        snprintf(enable, sizeof enable, "+%s", controller_names[c]);
        if (write_at(own, "cgroup.subtree_control", enable) < 0 ||
            write_at(h->parent, "cgroup.subtree_control", enable) < 0)
            return csb_fail(err,
                            "cgroup v2: cannot delegate the %s controller below %s (%s); run the worker in "
                            "its own cgroup with delegated controllers (e.g. systemd-run -p Delegate=yes)",
                            controller_names[c], own, strerror(errno));
    }
    return 0;
}

static int set_limit(const csb_cg_hierarchy *h, const char *file, const char *value, csb_error *err) {
    if (write_at(h->group, file, value) < 0)
        return csb_fail(err, "cgroup: cannot write %s to %s/%s: %s", value, h->group, file, strerror(errno));
    return 0;
}

int csb_cgroup_create(csb_cgroup *cg, const csb_config *config, csb_error *err) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    snprintf(cg->name, sizeof cg->name, "%ld-%lx", (long)getpid(),
             (unsigned long)(now.tv_sec * 1000000000L + now.tv_nsec));
    const struct {
        csb_cg_controller controller;
        int wanted;
    } needs[] = {
        {CSB_CG_MEMORY, config->memory_bytes > 0},
        {CSB_CG_PIDS, config->pids > 0},
        {CSB_CG_CPU, config->cpu_millis > 0},
    };
    for (size_t k = 0; k < sizeof needs / sizeof needs[0]; k++)
        if (needs[k].wanted && !cg->controller[needs[k].controller].version)
            return csb_fail(err,
                            "a %s limit was asked but this host has no usable %s cgroup controller (mount "
                            "it as cgroup v1, or enable it in cgroup v2)",
                            controller_names[needs[k].controller], controller_names[needs[k].controller]);

    for (int c = 0; c < CSB_CG_COUNT; c++) {
        csb_cg_hierarchy *h = &cg->controller[c];
        if (!h->version) continue;
        if (ensure_parent(h, (csb_cg_controller)c, err) < 0) {
            /* A controller only used for accounting is optional. */
            int wanted = (c == CSB_CG_MEMORY && config->memory_bytes > 0) || (c == CSB_CG_PIDS && config->pids > 0) ||
                         (c == CSB_CG_CPU && config->cpu_millis > 0);
            if (wanted) return -1;
            h->version = 0;
            continue;
        }
        snprintf(h->group, sizeof h->group, "%s/%s", h->parent, cg->name);
        if (shares_earlier(cg, c, 1)) continue;
        if (mkdir(h->group, 0755) < 0)
            return csb_fail(err, "cgroup: cannot create %s: %s", h->group, strerror(errno));
    }

    char value[64];
    const csb_cg_hierarchy *memory = &cg->controller[CSB_CG_MEMORY];
    if (config->memory_bytes > 0) {
        snprintf(value, sizeof value, "%lld", (long long)config->memory_bytes);
        if (memory->version == 1) {
            if (set_limit(memory, "memory.limit_in_bytes", value, err) < 0) return -1;
            /* With swap accounting, memory+swap gets the same limit, so the step cannot swap out. */
            write_at(memory->group, "memory.memsw.limit_in_bytes", value);
            write_at(memory->group, "memory.swappiness", "0");
        } else {
            if (set_limit(memory, "memory.max", value, err) < 0) return -1;
            write_at(memory->group, "memory.swap.max", "0");
        }
    }
    if (config->pids > 0) {
        snprintf(value, sizeof value, "%lld", (long long)config->pids);
        if (set_limit(&cg->controller[CSB_CG_PIDS], "pids.max", value, err) < 0) return -1;
    }
    if (config->cpu_millis > 0) {
        const csb_cg_hierarchy *cpu = &cg->controller[CSB_CG_CPU];
        long long quota = (long long)config->cpu_millis * 100; /* per 100 ms period */
        if (cpu->version == 1) {
            if (set_limit(cpu, "cpu.cfs_period_us", "100000", err) < 0) return -1;
            snprintf(value, sizeof value, "%lld", quota);
            if (set_limit(cpu, "cpu.cfs_quota_us", value, err) < 0) return -1;
        } else {
            snprintf(value, sizeof value, "%lld 100000", quota);
            if (set_limit(cpu, "cpu.max", value, err) < 0) return -1;
        }
    }
    return 0;
}

int csb_cgroup_open_attach(const csb_cgroup *cg, int *fds, int capacity, csb_error *err) {
    int count = 0;
    for (int c = 0; c < CSB_CG_COUNT; c++) {
        const csb_cg_hierarchy *h = &cg->controller[c];
        if (!h->version || !h->group[0] || shares_earlier(cg, c, 1) || count == capacity) continue;
        /* v1's `tasks` moves one thread; written with "0" by that thread itself, the kernel skips
         * the global threadgroup lock and its RCU grace period (about 10 ms per run otherwise). */
        char path[4352];
        snprintf(path, sizeof path, "%s/%s", h->group, h->version == 1 ? "tasks" : "cgroup.procs");
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
            for (int k = 0; k < count; k++) close(fds[k]);
            return csb_fail(err, "cgroup: cannot open %s: %s", path, strerror(errno));
        }
        fds[count++] = fd;
    }
    return count;
}

int csb_cgroup_join(const int *fds, int count, csb_error *err) {
    for (int k = 0; k < count; k++) {
        if (write(fds[k], "0", 1) != 1) return csb_fail(err, "cgroup: cannot join the run's group: %s", strerror(errno));
        close(fds[k]);
    }
    return 0;
}

void csb_cgroup_kill_all(const csb_cgroup *cg) {
    for (int round = 0; round < 2000; round++) {
        int busy = 0;
        for (int c = 0; c < CSB_CG_COUNT; c++) {
            const csb_cg_hierarchy *h = &cg->controller[c];
            if (!h->version || !h->group[0] || shares_earlier(cg, c, 1)) continue;
            char procs[64];
            if (read_at(h->group, "cgroup.procs", procs, sizeof procs) > 0) {
                busy = 1;
                kill_group_members(h->group);
            }
        }
        if (!busy) return;
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
}

void csb_cgroup_read_stats(const csb_cgroup *cg, csb_cgroup_stats *stats) {
    memset(stats, 0, sizeof *stats);
    char text[4096];
    const csb_cg_hierarchy *acct = &cg->controller[CSB_CG_CPUACCT];
    if (acct->version == 1) {
        if (read_at(acct->group, "cpuacct.usage_user", text, sizeof text) > 0) {
            stats->cpu_user_ns = strtoll(text, NULL, 10);
            if (read_at(acct->group, "cpuacct.usage_sys", text, sizeof text) > 0) {
                stats->cpu_system_ns = strtoll(text, NULL, 10);
                stats->have_cpu = 1;
            }
        } else if (read_at(acct->group, "cpuacct.stat", text, sizeof text) > 0) {
            long ticks = sysconf(_SC_CLK_TCK);
            int64_t user = keyed_value(text, "user"), system = keyed_value(text, "system");
            if (user >= 0 && system >= 0 && ticks > 0) {
                stats->cpu_user_ns = user * (1000000000LL / ticks);
                stats->cpu_system_ns = system * (1000000000LL / ticks);
                stats->have_cpu = 1;
            }
        }
    } else if (acct->version == 2 && read_at(acct->group, "cpu.stat", text, sizeof text) > 0) {
        int64_t user = keyed_value(text, "user_usec"), system = keyed_value(text, "system_usec");
        if (user >= 0 && system >= 0) {
            stats->cpu_user_ns = user * 1000;
            stats->cpu_system_ns = system * 1000;
            stats->have_cpu = 1;
        }
    }
    const csb_cg_hierarchy *memory = &cg->controller[CSB_CG_MEMORY];
    if (memory->version) {
        const char *peak = memory->version == 1 ? "memory.max_usage_in_bytes" : "memory.peak";
        if (read_at(memory->group, peak, text, sizeof text) > 0) {
            stats->memory_peak = strtoll(text, NULL, 10);
            stats->have_memory_peak = 1;
        }
        const char *events = memory->version == 1 ? "memory.oom_control" : "memory.events";
        if (read_at(memory->group, events, text, sizeof text) > 0) {
            int64_t kills = keyed_value(text, "oom_kill");
            stats->oom_kills = kills > 0 ? kills : 0;
        }
    }
    const csb_cg_hierarchy *pids = &cg->controller[CSB_CG_PIDS];
    if (pids->version && read_at(pids->group, "pids.events", text, sizeof text) > 0) {
        int64_t hits = keyed_value(text, "max");
        stats->pids_limit_hits = hits > 0 ? hits : 0;
    }
}

void csb_cgroup_remove(csb_cgroup *cg) {
    for (int c = 0; c < CSB_CG_COUNT; c++) {
        csb_cg_hierarchy *h = &cg->controller[c];
        if (!h->version || !h->group[0]) continue;
        if (!shares_earlier(cg, c, 1)) remove_group(h->group);
    }
    for (int c = 0; c < CSB_CG_COUNT; c++) cg->controller[c].group[0] = '\0';
}

int csb_cgroup_probe(const csb_cgroup *cg, csb_cg_controller c, csb_error *err) {
    const csb_cg_hierarchy *h = &cg->controller[c];
    if (!h->version) return csb_fail(err, "not mounted");
    if (ensure_parent(h, c, err) < 0) return -1;
    char group[4352];
    snprintf(group, sizeof group, "%s/%ld-probe", h->parent, (long)getpid());
    if (mkdir(group, 0755) < 0 && errno != EEXIST)
        return csb_fail(err, "cannot create %s: %s", group, strerror(errno));
    static const char *const files[CSB_CG_COUNT][2] = {
        {"memory.limit_in_bytes", "memory.max"},
        {"pids.max", "pids.max"},
        {"cpu.cfs_quota_us", "cpu.max"},
        {"cpuacct.usage", "cpu.stat"},
    };
    const char *file = files[c][h->version - 1];
    char text[256];
    int ok = read_at(group, file, text, sizeof text) >= 0;
    if (ok && c != CSB_CG_CPUACCT) ok = write_at(group, file, text) == 0;
    int saved = errno;
    rmdir(group);
    if (!ok) return csb_fail(err, "cannot use %s/%s: %s", group, file, strerror(saved));
    return 0;
}
