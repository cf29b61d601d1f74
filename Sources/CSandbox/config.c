/*
 * The launcher's command line. The Swift side (LauncherArguments.swift) writes it; operators rarely
 * type it. Each option takes a fixed number of arguments, so paths may contain any byte but NUL:
 *
 *   shoal-sandbox [--check] [--insecure]
 *       [--ro SRC DST]... [--output SRC DST]... [--env KEY=VALUE]... [--cwd DIR]
 *       [--work-root DIR] [--network none|loopback] [--userns auto|on|off] [--uid N] [--gid N]
 *       [--memory BYTES] [--pids N] [--cpu-millis N] [--cpu-time SECONDS] [--timeout-ms MS]
 *       [--tmp-size BYTES] [--file-size BYTES] [--open-files N] [--output-cap BYTES]
 *       [--parent-pid PID] -- COMMAND ARGS...
 */
#include "CSandbox.h"

#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int csb_fail(csb_error *err, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(err->text, sizeof err->text, format, args);
    va_end(args);
    /* The report is line-based: a message never contains a newline. */
    for (char *c = err->text; *c; c++)
        if (*c == '\n' || *c == '\r') *c = ' ';
    return -1;
}

static int parse_int(const char *text, int64_t *out, const char *option, csb_error *err) {
    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < 0)
        return csb_fail(err, "%s: expected a non-negative integer, got '%s'", option, text);
    *out = value;
    return 0;
}

/* A sandbox path must be absolute, normalised and inside one of the folders steps may see. */
static int valid_target(const char *target) {
    if (target[0] != '/' || strstr(target, "//") || strstr(target, "/./") || strstr(target, "/../"))
        return 0;
    size_t n = strlen(target);
    if (n >= 2 && strcmp(target + n - 2, "/.") == 0) return 0;
    if (n >= 3 && strcmp(target + n - 3, "/..") == 0) return 0;
    if (strcmp(target, "/tool") == 0) return 1;
    if (strncmp(target, "/inputs/", 8) == 0 && n > 8) return 1;
    if (strncmp(target, "/outputs/", 9) == 0 && n > 9) return 1;
    return 0;
}

/* Whether `inner` is `outer` or below it. */
static int path_within(const char *inner, const char *outer) {
    size_t n = strlen(outer);
    return strncmp(inner, outer, n) == 0 && (inner[n] == '\0' || inner[n] == '/');
}

int csb_parse_config(int argc, char **argv, csb_config *config, csb_error *err) {
    memset(config, 0, sizeof *config);
    config->uid = 65534;
    config->gid = 65534;
    config->userns = CSB_USERNS_AUTO;
    config->cwd = "/";
    config->work_root = "/tmp/shoal-sandbox";
    config->prepared_netns_fd = -1;
    /* Each option uses at least one argv slot, so argc bounds both lists. */
    config->mounts = calloc((size_t)argc + 1, sizeof(csb_mount));
    config->env = calloc((size_t)argc + 1, sizeof(char *));
    if (!config->mounts || !config->env) return csb_fail(err, "out of memory");

    int i = 1;
    for (; i < argc; i++) {
        const char *option = argv[i];
#define NEED(count)                                                                                \
    do {                                                                                           \
        if (i + (count) >= argc) return csb_fail(err, "%s needs %d argument(s)", option, (count)); \
    } while (0)
        if (strcmp(option, "--") == 0) {
            i++;
            break;
        } else if (strcmp(option, "--check") == 0) {
            config->check = 1;
        } else if (strcmp(option, "--serve") == 0) {
            config->serve = 1;
        } else if (strcmp(option, "--insecure") == 0) {
            config->insecure = 1;
        } else if (strcmp(option, "--ro") == 0 || strcmp(option, "--output") == 0) {
            NEED(2);
            csb_mount *m = &config->mounts[config->mount_count++];
            m->source = argv[++i];
            m->target = argv[++i];
            m->kind = strcmp(option, "--ro") == 0 ? CSB_MOUNT_RO : CSB_MOUNT_OUTPUT;
            if (m->source[0] != '/') return csb_fail(err, "%s: source '%s' is not absolute", option, m->source);
            if (!valid_target(m->target))
                return csb_fail(err, "%s: target '%s' must be /tool, /inputs/NAME or /outputs/NAME", option,
                                m->target);
            if (m->kind == CSB_MOUNT_OUTPUT && strncmp(m->target, "/outputs/", 9) != 0)
                return csb_fail(err, "--output: target '%s' must be under /outputs", m->target);
            if (m->kind == CSB_MOUNT_RO && strncmp(m->target, "/outputs/", 9) == 0)
                return csb_fail(err, "--ro: target '%s' must not be under /outputs", m->target);
        } else if (strcmp(option, "--env") == 0) {
            NEED(1);
            char *entry = argv[++i];
            if (!strchr(entry, '=') || entry[0] == '=')
                return csb_fail(err, "--env: expected KEY=VALUE, got '%s'", entry);
            config->env[config->env_count++] = entry;
        } else if (strcmp(option, "--cwd") == 0) {
            NEED(1);
            config->cwd = argv[++i];
            if (config->cwd[0] != '/') return csb_fail(err, "--cwd: '%s' is not absolute", config->cwd);
        } else if (strcmp(option, "--work-root") == 0) {
            NEED(1);
            config->work_root = argv[++i];
            if (config->work_root[0] != '/')
                return csb_fail(err, "--work-root: '%s' is not absolute", config->work_root);
        } else if (strcmp(option, "--network") == 0) {
            NEED(1);
            const char *mode = argv[++i];
            if (strcmp(mode, "none") == 0) config->loopback = 0;
            else if (strcmp(mode, "loopback") == 0) config->loopback = 1;
            else return csb_fail(err, "--network: expected none or loopback, got '%s'", mode);
        } else if (strcmp(option, "--userns") == 0) {
            NEED(1);
            const char *mode = argv[++i];
            if (strcmp(mode, "auto") == 0) config->userns = CSB_USERNS_AUTO;
            else if (strcmp(mode, "on") == 0) config->userns = CSB_USERNS_REQUIRE;
            else if (strcmp(mode, "off") == 0) config->userns = CSB_USERNS_OFF;
            else return csb_fail(err, "--userns: expected auto, on or off, got '%s'", mode);
        } else {
            static const struct {
                const char *name;
                size_t offset;
            } numbers[] = {
                {"--memory", offsetof(csb_config, memory_bytes)},
                {"--pids", offsetof(csb_config, pids)},
                {"--cpu-millis", offsetof(csb_config, cpu_millis)},
                {"--cpu-time", offsetof(csb_config, cpu_time_seconds)},
                {"--timeout-ms", offsetof(csb_config, timeout_ms)},
                {"--tmp-size", offsetof(csb_config, tmp_bytes)},
                {"--file-size", offsetof(csb_config, file_size_bytes)},
                {"--open-files", offsetof(csb_config, open_files)},
                {"--output-cap", offsetof(csb_config, output_cap_bytes)},
            };
            int matched = 0;
            for (size_t k = 0; k < sizeof numbers / sizeof numbers[0]; k++) {
                if (strcmp(option, numbers[k].name) != 0) continue;
                NEED(1);
                if (parse_int(argv[++i], (int64_t *)((char *)config + numbers[k].offset), option, err) < 0)
                    return -1;
                matched = 1;
                break;
            }
            if (matched) continue;
            int64_t value = 0;
            if (strcmp(option, "--uid") == 0 || strcmp(option, "--gid") == 0 ||
                strcmp(option, "--parent-pid") == 0) {
                NEED(1);
                if (parse_int(argv[++i], &value, option, err) < 0) return -1;
                if (value > 0x7fffffff) return csb_fail(err, "%s: %lld is out of range", option, (long long)value);
                if (option[2] == 'u') config->uid = (uid_t)value;
                else if (option[2] == 'g') config->gid = (gid_t)value;
                else config->parent_pid = (pid_t)value;
                continue;
            }
            return csb_fail(err, "unknown option '%s'", option);
        }
#undef NEED
    }
    config->argv = argv + i;
    config->env[config->env_count] = NULL;

    int runs_a_step = !config->check && !config->serve;
    if (runs_a_step && config->argv[0] == NULL) return csb_fail(err, "no command given after --");
    if (runs_a_step && config->argv[0][0] == '\0') return csb_fail(err, "the command is empty");
    if (!config->insecure && (config->uid == 0 || config->gid == 0))
        return csb_fail(err, "a step never runs as root: --uid and --gid must not be 0");
    /* A target inside another target would be created inside a host folder: refuse it. */
    for (int a = 0; a < config->mount_count; a++)
        for (int b = 0; b < config->mount_count; b++)
            if (a != b && path_within(config->mounts[a].target, config->mounts[b].target))
                return csb_fail(err, "mount targets overlap: '%s' and '%s'", config->mounts[a].target,
                                config->mounts[b].target);
    return 0;
}
