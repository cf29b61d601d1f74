/*
 * The step's seccomp filter, installed just before exec.
 *
 * The filter is built by libseccomp and compiled to a BPF program once per process and network mode
 * (the launcher service prepares both before its first fork, so a run only installs a ready program:
 * building one took about 0.4 ms).
 *
 * Policy: a deny-list. Everything is allowed except the calls below, which fail with EPERM (so a
 * program sees an ordinary "Operation not permitted" rather than being killed):
 *
 *   mounting and roots   mount, umount2, pivot_root, chroot, and the new mount API (fsopen,
 *                        fsconfig, fsmount, fspick, move_mount, open_tree, mount_setattr)
 *   other processes      ptrace, process_vm_readv/writev, kcmp, pidfd_getfd
 *   the kernel           kexec_load, kexec_file_load, init_module, finit_module, delete_module,
 *                        bpf, perf_event_open, iopl, ioperm, syslog, acct, quotactl, uselib,
 *                        lookup_dcookie, userfaultfd, io_uring_*, fanotify_init
 *   keys                 keyctl, add_key, request_key
 *   namespaces           unshare, setns, and clone with any CLONE_NEW* flag; clone3 fails with
 *                        ENOSYS (its flags live in memory a filter cannot read), so libc falls
 *                        back to clone, whose flags are checked
 *   the machine          reboot, swapon, swapoff, settimeofday, clock_settime, clock_adjtime,
 *                        adjtimex, sethostname, setdomainname, vhangup
 *   file handles         open_by_handle_at, name_to_handle_at
 *   terminals            ioctl TIOCSTI and TIOCLINUX (typing into a terminal)
 *   sockets              socket() for every family but AF_UNIX; AF_INET and AF_INET6 too when
 *                        the step asked for loopback networking
 *
 * Why a deny-list: steps are arbitrary programs (Python, compilers, shells) whose syscall needs
 * change with every libc and runtime release; an allow-list breaks them in ways that are hard to
 * diagnose. The filter is one layer of several, not the wall: the step already runs as an
 * unprivileged uid with every capability dropped and no_new_privs, in its own namespaces, on a
 * read-only root. The filter removes the kernel interfaces that matter most when one of those
 * layers fails (mount and namespace tricks, ptrace, module loading, bpf, keyrings, io_uring).
 * Calls from a foreign architecture (32-bit int 0x80, x32) kill the process (libseccomp's default).
 */
#include "CSandbox.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *const denied[] = {
    "mount", "umount", "umount2", "pivot_root", "chroot", "fsopen", "fsconfig", "fsmount", "fspick",
    "move_mount", "open_tree", "mount_setattr", "ptrace", "process_vm_readv", "process_vm_writev", "kcmp",
    "pidfd_getfd", "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    "create_module", "bpf", "perf_event_open", "iopl", "ioperm", "syslog", "acct", "quotactl", "quotactl_fd",
    "uselib", "lookup_dcookie", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "fanotify_init", "keyctl", "add_key", "request_key", "unshare", "setns", "reboot", "swapon", "swapoff",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "sethostname", "setdomainname", "vhangup",
    "open_by_handle_at", "name_to_handle_at", "nfsservctl", "vm86", "vm86old",
};

static int add(scmp_filter_ctx ctx, int errno_value, int syscall, unsigned count, const struct scmp_arg_cmp *args,
               csb_error *err) {
    int r = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(errno_value), syscall, count, args);
    if (r < 0) {
        char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, syscall);
        csb_fail(err, "seccomp: cannot add a rule for %s: %s", name ? name : "?", strerror(-r));
        free(name);
        return -1;
    }
    return 0;
}

/* The compiled filter of each network mode (index: loopback), once built. */
static struct sock_fprog programs[2];

/* Exports the filter in `ctx` as a BPF program in memory. */
static int export_program(scmp_filter_ctx ctx, struct sock_fprog *program, csb_error *err) {
    int fd = memfd_create("shoal-seccomp", MFD_CLOEXEC);
    if (fd < 0) return csb_fail(err, "seccomp: memfd_create: %s", strerror(errno));
    int result = -1;
    int r = seccomp_export_bpf(ctx, fd);
    off_t size = lseek(fd, 0, SEEK_END);
    if (r < 0) {
        csb_fail(err, "seccomp: cannot compile the filter: %s", strerror(-r));
    } else if (size <= 0 || size % (off_t)sizeof(struct sock_filter) != 0 ||
               size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS) {
        csb_fail(err, "seccomp: the compiled filter has an unexpected size (%lld bytes)", (long long)size);
    } else {
        struct sock_filter *filter = malloc((size_t)size);
        if (!filter) {
            csb_fail(err, "seccomp: out of memory");
        } else if (pread(fd, filter, (size_t)size, 0) != size) {
            csb_fail(err, "seccomp: cannot read the compiled filter: %s", strerror(errno));
            free(filter);
        } else {
            program->len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
            program->filter = filter;
            result = 0;
        }
    }
    close(fd);
    return result;
}

int csb_prepare_seccomp(int loopback, csb_error *err) {
    loopback = loopback ? 1 : 0;
    if (programs[loopback].filter) return 0;
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) return csb_fail(err, "seccomp: cannot create a filter");
    int result = -1;
    for (size_t k = 0; k < sizeof denied / sizeof denied[0]; k++) {
        int nr = seccomp_syscall_resolve_name(denied[k]);
        if (nr == __NR_SCMP_ERROR) continue; /* not a call on this architecture */
        if (add(ctx, EPERM, nr, 0, NULL, err) < 0) goto done;
    }

    /* clone's first argument holds the flags on x86_64 and aarch64. CLONE_NEWTIME shares its bit
     * with the exit signal in clone(), so it can only be asked through unshare/clone3 (denied). */
    static const uint64_t namespace_flags[] = {CLONE_NEWNS,  CLONE_NEWUSER, CLONE_NEWPID,   CLONE_NEWNET,
                                               CLONE_NEWIPC, CLONE_NEWUTS,  CLONE_NEWCGROUP};
    for (size_t k = 0; k < sizeof namespace_flags / sizeof namespace_flags[0]; k++) {
        struct scmp_arg_cmp flag = SCMP_A0(SCMP_CMP_MASKED_EQ, namespace_flags[k], namespace_flags[k]);
        if (add(ctx, EPERM, SCMP_SYS(clone), 1, &flag, err) < 0) goto done;
    }
    int clone3 = seccomp_syscall_resolve_name("clone3");
    if (clone3 != __NR_SCMP_ERROR && add(ctx, ENOSYS, clone3, 0, NULL, err) < 0) goto done;

    static const uint64_t terminal_requests[] = {TIOCSTI, TIOCLINUX};
    for (size_t k = 0; k < 2; k++) {
        struct scmp_arg_cmp request = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, terminal_requests[k]);
        if (add(ctx, EPERM, SCMP_SYS(ioctl), 1, &request, err) < 0) goto done;
    }

    /* socket(): deny every family between and above the allowed ones (sorted ascending). The
     * final "greater than" rule also catches values with garbage in the upper 32 bits. */
    const uint64_t allowed_none[] = {AF_UNIX};
    const uint64_t allowed_loopback[] = {AF_UNIX, AF_INET, AF_INET6};
    const uint64_t *allowed = loopback ? allowed_loopback : allowed_none;
    size_t allowed_count = loopback ? 3 : 1;
    uint64_t next = 0;
    for (size_t k = 0; k < allowed_count; k++) {
        for (uint64_t family = next; family < allowed[k]; family++) {
            struct scmp_arg_cmp cmp = SCMP_A0(SCMP_CMP_EQ, family);
            if (add(ctx, EPERM, SCMP_SYS(socket), 1, &cmp, err) < 0) goto done;
        }
        next = allowed[k] + 1;
    }
    struct scmp_arg_cmp above = SCMP_A0(SCMP_CMP_GT, next - 1);
    if (add(ctx, EPERM, SCMP_SYS(socket), 1, &above, err) < 0) goto done;

    result = export_program(ctx, &programs[loopback], err);
done:
    seccomp_release(ctx);
    return result;
}

int csb_load_seccomp(int loopback, csb_error *err) {
    if (csb_prepare_seccomp(loopback, err) < 0) return -1;
    /* no_new_privs is already set (csb_drop_privileges), as an unprivileged filter needs. */
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &programs[loopback ? 1 : 0]) < 0)
        return csb_fail(err, "seccomp: cannot load the filter: %s", strerror(errno));
    return 0;
}

void csb_seccomp_version(char *buffer, size_t size) {
    const struct scmp_version *version = seccomp_version();
    snprintf(buffer, size, "%u.%u.%u", version->major, version->minor, version->micro);
}
