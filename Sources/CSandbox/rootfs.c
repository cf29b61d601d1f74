/*
 * The sandbox's root file system, built by the PID namespace's init inside its private mount
 * namespace (nothing here is ever visible to the host, and it all disappears with the namespace):
 *
 *     /            tmpfs, read-only once built
 *     /usr         read-only bind of the host's /usr
 *     /bin /sbin /lib /lib64 ...   the same symlinks as on the host (merged /usr), or read-only binds
 *     /etc         generated passwd, group, hosts, hostname, nsswitch.conf + read-only binds of the few
 *                  host files programs need (ld.so.cache, alternatives, ...); never the host's /etc
 *     /proc        a fresh proc for the new PID namespace (/proc/sys read-only)
 *     /dev         tmpfs with null, zero, full, random, urandom (bound from the host), fd symlinks, shm
 *     /tool        read-only: the tool bundle
 *     /inputs/N    read-only: each input
 *     /outputs/N   writable: each output folder (the caller's, counted against the output cap)
 *     /tmp         writable tmpfs, size-limited
 *
 * Then pivot_root into it and detach the old root, so no host path is reachable any more.
 */
#include "CSandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef SYS_pivot_root
#define SYS_pivot_root 155
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#define CSB_ATTR_RDONLY 0x00000001
#define CSB_ATTR_NOSUID 0x00000002
#define CSB_ATTR_NODEV 0x00000004
#define CSB_ATTR_NOEXEC 0x00000008

/* The kernel's struct mount_attr (linux/mount.h), declared here to avoid header clashes. */
struct csb_mount_attr {
    uint64_t attr_set;
    uint64_t attr_clr;
    uint64_t propagation;
    uint64_t userns_fd;
};
_Static_assert(sizeof(struct csb_mount_attr) == 32, "struct mount_attr is 32 bytes (MOUNT_ATTR_SIZE_VER0)");

/* Sets mount flags on `path` (and every mount below it when `recursive`). Falls back to a remount
 * that keeps the flags the kernel locks (noexec, atime) on kernels without mount_setattr. */
static int set_mount_flags(const char *path, uint64_t attrs, int recursive) {
    struct csb_mount_attr attr = {.attr_set = attrs};
    if (syscall(SYS_mount_setattr, AT_FDCWD, path, recursive ? AT_RECURSIVE : 0, &attr, sizeof attr) == 0)
        return 0;
    if (errno != ENOSYS) return -1;
    struct statvfs st;
    if (statvfs(path, &st) < 0) return -1;
    unsigned long flags = MS_REMOUNT | MS_BIND;
    if (attrs & CSB_ATTR_RDONLY) flags |= MS_RDONLY;
    if ((attrs & CSB_ATTR_NOSUID) || (st.f_flag & ST_NOSUID)) flags |= MS_NOSUID;
    if ((attrs & CSB_ATTR_NODEV) || (st.f_flag & ST_NODEV)) flags |= MS_NODEV;
    if ((attrs & CSB_ATTR_NOEXEC) || (st.f_flag & ST_NOEXEC)) flags |= MS_NOEXEC;
    if (st.f_flag & ST_NOATIME) flags |= MS_NOATIME;
    if (st.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
    if (st.f_flag & ST_RELATIME) flags |= MS_RELATIME;
    return mount(NULL, path, NULL, flags, NULL);
}

static int mkdir_p(char *path, mode_t mode) {
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        int r = mkdir(path, mode);
        *p = '/';
        if (r < 0 && errno != EEXIST) return -1;
    }
    if (mkdir(path, mode) < 0 && errno != EEXIST) return -1;
    return 0;
}

/* Creates an empty mount point (folder or file) for a source of the given type. */
static int make_mount_point(const char *path, int directory) {
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", path);
    if (directory) return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : mkdir_p(copy, 0755);
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 && errno == ENOENT) {
        /* Only nested targets (rare) need their parent folders made first. */
        char *slash = strrchr(copy, '/');
        if (slash && slash != copy) {
            *slash = '\0';
            if (mkdir_p(copy, 0755) < 0) return -1;
        }
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    }
    if (fd < 0) return -1;
    close(fd);
    return 0;
}

/* Bind-mounts `source` at `target` (a host path below the new root). The source is opened with
 * O_NOFOLLOW first, so a symlink put in its place is refused rather than followed. */
static int bind_path(const char *source, const char *target, uint64_t attrs, csb_error *err) {
    int fd = open(source, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return csb_fail(err, "cannot open %s: %s", source, errno == ELOOP ? "it is a symlink" : strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0) {
        close(fd);
        return csb_fail(err, "cannot stat %s: %s", source, strerror(errno));
    }
    if (make_mount_point(target, S_ISDIR(st.st_mode)) < 0) {
        close(fd);
        return csb_fail(err, "cannot create mount point %s: %s", target, strerror(errno));
    }
    char fd_path[64];
    snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", fd);
    int r = mount(fd_path, target, NULL, MS_BIND | MS_REC, NULL);
    int saved = errno;
    close(fd);
    if (r < 0) return csb_fail(err, "cannot bind %s: %s", source, strerror(saved));
    if (attrs && set_mount_flags(target, attrs, 1) < 0)
        return csb_fail(err, "cannot restrict the mount of %s: %s", source, strerror(errno));
    return 0;
}

static int write_file(const char *path, const char *text, csb_error *err) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return csb_fail(err, "cannot create %s: %s", path, strerror(errno));
    size_t n = strlen(text);
    ssize_t w = write(fd, text, n);
    close(fd);
    if (w != (ssize_t)n) return csb_fail(err, "cannot write %s", path);
    return 0;
}

/* Mirrors a host top-level entry: the same symlink (merged /usr), or a read-only bind of the folder. */
static int mirror_entry(const char *host, const char *target, csb_error *err) {
    struct stat st;
    if (lstat(host, &st) < 0) return 0; /* absent on this host: nothing to mirror */
    if (S_ISLNK(st.st_mode)) {
        char link[4096];
        ssize_t n = readlink(host, link, sizeof link - 1);
        if (n < 0) return csb_fail(err, "cannot read link %s: %s", host, strerror(errno));
        link[n] = '\0';
        if (symlink(link, target) < 0) return csb_fail(err, "cannot create %s: %s", target, strerror(errno));
        return 0;
    }
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) return 0;
    return bind_path(host, target, CSB_ATTR_RDONLY | CSB_ATTR_NOSUID | CSB_ATTR_NODEV, err);
}

/* Host /etc entries that programs need to run; everything else (shadow, ssh keys, ...) stays out. */
static const char *const etc_from_host[] = {
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "localtime", "timezone", "protocols",
    "services",    "mime.types", "os-release",   "debian_version", "magic", "python3", "python3.11",
    "python3.12",  "python3.13", "perl",         "ca-certificates.conf",
};

static int build_etc(const csb_config *config, const char *root, csb_error *err) {
    char path[4352], host[4352], text[1024];
    snprintf(path, sizeof path, "%s/etc", root);
    if (mkdir(path, 0755) < 0) return csb_fail(err, "cannot create %s: %s", path, strerror(errno));
    snprintf(text, sizeof text,
             "root:x:0:0:root:/root:/usr/sbin/nologin\n"
             "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n%s",
             "");
    if (config->uid != 65534) {
        size_t used = strlen(text);
        snprintf(text + used, sizeof text - used, "sandbox:x:%ld:%ld:sandbox:/tmp:/bin/sh\n", (long)config->uid,
                 (long)config->gid);
    }
    snprintf(path, sizeof path, "%s/etc/passwd", root);
    if (write_file(path, text, err) < 0) return -1;
    snprintf(text, sizeof text, "root:x:0:\nnogroup:x:65534:\n");
    if (config->gid != 65534) {
        size_t used = strlen(text);
        snprintf(text + used, sizeof text - used, "sandbox:x:%ld:\n", (long)config->gid);
    }
    snprintf(path, sizeof path, "%s/etc/group", root);
    if (write_file(path, text, err) < 0) return -1;
    const struct {
        const char *name, *text;
    } generated[] = {
        {"hosts", "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n127.0.1.1 shoal-sandbox\n"},
        {"hostname", "shoal-sandbox\n"},
        {"nsswitch.conf", "passwd: files\ngroup: files\nshadow: files\nhosts: files\nnetworks: files\n"},
    };
    for (size_t k = 0; k < sizeof generated / sizeof generated[0]; k++) {
        snprintf(path, sizeof path, "%s/etc/%s", root, generated[k].name);
        if (write_file(path, generated[k].text, err) < 0) return -1;
    }
    for (size_t k = 0; k < sizeof etc_from_host / sizeof etc_from_host[0]; k++) {
        snprintf(host, sizeof host, "/etc/%s", etc_from_host[k]);
        snprintf(path, sizeof path, "%s/etc/%s", root, etc_from_host[k]);
        if (mirror_entry(host, path, err) < 0) return -1;
    }
    return 0;
}

static int build_dev(const csb_config *config, const char *root, csb_error *err) {
    char path[4352], host[64], options[128];
    snprintf(path, sizeof path, "%s/dev", root);
    if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k") < 0)
        return csb_fail(err, "cannot mount /dev: %s", strerror(errno));
    static const char *const nodes[] = {"null", "zero", "full", "random", "urandom"};
    for (size_t k = 0; k < sizeof nodes / sizeof nodes[0]; k++) {
        snprintf(host, sizeof host, "/dev/%s", nodes[k]);
        snprintf(path, sizeof path, "%s/dev/%s", root, nodes[k]);
        /* Device nodes need their mount to allow devices, so only nosuid and noexec are added. */
        if (bind_path(host, path, CSB_ATTR_NOSUID | CSB_ATTR_NOEXEC, err) < 0) return -1;
    }
    static const char *const links[][2] = {
        {"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
        {"stderr", "/proc/self/fd/2"},
    };
    for (size_t k = 0; k < sizeof links / sizeof links[0]; k++) {
        snprintf(path, sizeof path, "%s/dev/%s", root, links[k][0]);
        if (symlink(links[k][1], path) < 0) return csb_fail(err, "cannot create /dev/%s: %s", links[k][0], strerror(errno));
    }
    snprintf(path, sizeof path, "%s/dev/shm", root);
    if (mkdir(path, 01777) < 0) return csb_fail(err, "cannot create /dev/shm: %s", strerror(errno));
    snprintf(options, sizeof options, "mode=1777,size=%lld", (long long)(config->tmp_bytes > 0 ? config->tmp_bytes : 64 << 20));
    if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, options) < 0)
        return csb_fail(err, "cannot mount /dev/shm: %s", strerror(errno));
    snprintf(path, sizeof path, "%s/dev", root);
    if (set_mount_flags(path, CSB_ATTR_RDONLY | CSB_ATTR_NOSUID | CSB_ATTR_NOEXEC, 0) < 0)
        return csb_fail(err, "cannot make /dev read-only: %s", strerror(errno));
    return 0;
}

int csb_build_root(const csb_config *config, const char *root, csb_error *err) {
    char path[4352], options[128];
    /* Nothing mounted from here on may propagate back to the host. */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return csb_fail(err, "cannot make mounts private: %s", strerror(errno));
    if (mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=16m") < 0)
        return csb_fail(err, "cannot mount the root tmpfs on %s: %s", root, strerror(errno));
    static const char *const folders[] = {"proc", "tmp", "tool", "inputs", "outputs"};
    for (size_t k = 0; k < sizeof folders / sizeof folders[0]; k++) {
        snprintf(path, sizeof path, "%s/%s", root, folders[k]);
        if (mkdir(path, 0755) < 0) return csb_fail(err, "cannot create /%s: %s", folders[k], strerror(errno));
    }
    snprintf(path, sizeof path, "%s/dev", root);
    if (mkdir(path, 0755) < 0) return csb_fail(err, "cannot create /dev: %s", strerror(errno));

    snprintf(path, sizeof path, "%s/usr", root);
    if (bind_path("/usr", path, CSB_ATTR_RDONLY | CSB_ATTR_NOSUID | CSB_ATTR_NODEV, err) < 0) return -1;
    static const char *const top[] = {"bin", "sbin", "lib", "lib32", "lib64", "libx32"};
    for (size_t k = 0; k < sizeof top / sizeof top[0]; k++) {
        char host[64];
        snprintf(host, sizeof host, "/%s", top[k]);
        snprintf(path, sizeof path, "%s/%s", root, top[k]);
        if (mirror_entry(host, path, err) < 0) return -1;
    }
    if (build_etc(config, root, err) < 0) return -1;
    if (build_dev(config, root, err) < 0) return -1;

    for (int k = 0; k < config->mount_count; k++) {
        const csb_mount *m = &config->mounts[k];
        snprintf(path, sizeof path, "%s%s", root, m->target);
        uint64_t attrs = CSB_ATTR_NOSUID | CSB_ATTR_NODEV | (m->kind == CSB_MOUNT_RO ? CSB_ATTR_RDONLY : 0);
        if (bind_path(m->source, path, attrs, err) < 0) return -1;
    }

    snprintf(path, sizeof path, "%s/tmp", root);
    snprintf(options, sizeof options, "mode=1777,size=%lld", (long long)(config->tmp_bytes > 0 ? config->tmp_bytes : 64 << 20));
    if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, options) < 0)
        return csb_fail(err, "cannot mount /tmp: %s", strerror(errno));

    snprintf(path, sizeof path, "%s/proc", root);
    if (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        return csb_fail(err, "cannot mount /proc: %s", strerror(errno));
    snprintf(path, sizeof path, "%s/proc/sys", root);
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0 ||
        set_mount_flags(path, CSB_ATTR_RDONLY | CSB_ATTR_NOSUID | CSB_ATTR_NODEV | CSB_ATTR_NOEXEC, 1) < 0)
        return csb_fail(err, "cannot make /proc/sys read-only: %s", strerror(errno));

    /* pivot_root(".", ".") stacks the old root on top of the new one; detaching it leaves only
     * the new root, with no folder to clean up. */
    if (chdir(root) < 0) return csb_fail(err, "cannot enter %s: %s", root, strerror(errno));
    if (syscall(SYS_pivot_root, ".", ".") < 0) return csb_fail(err, "pivot_root: %s", strerror(errno));
    if (umount2(".", MNT_DETACH) < 0) return csb_fail(err, "cannot detach the old root: %s", strerror(errno));
    if (chdir("/") < 0) return csb_fail(err, "chdir /: %s", strerror(errno));
    if (set_mount_flags("/", CSB_ATTR_RDONLY | CSB_ATTR_NOSUID | CSB_ATTR_NODEV, 0) < 0)
        return csb_fail(err, "cannot make / read-only: %s", strerror(errno));
    return 0;
}

int csb_loopback_up(csb_error *err) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return csb_fail(err, "loopback: socket: %s", strerror(errno));
    struct ifreq request;
    memset(&request, 0, sizeof request);
    snprintf(request.ifr_name, sizeof request.ifr_name, "lo");
    int r = ioctl(fd, SIOCGIFFLAGS, &request);
    if (r == 0) {
        request.ifr_flags |= IFF_UP | IFF_RUNNING;
        r = ioctl(fd, SIOCSIFFLAGS, &request);
    }
    int saved = errno;
    close(fd);
    if (r < 0) return csb_fail(err, "loopback: cannot bring lo up: %s", strerror(saved));
    return 0;
}

int csb_check_source_readable(const csb_config *config, const csb_mount *mount, csb_error *err) {
    struct stat st;
    if (lstat(mount->source, &st) < 0)
        return csb_fail(err, "%s: cannot use %s: %s", mount->target, mount->source, strerror(errno));
    if (S_ISLNK(st.st_mode))
        return csb_fail(err, "%s: %s is a symlink (pass the path it points to)", mount->target, mount->source);
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
        return csb_fail(err, "%s: %s is neither a file nor a folder", mount->target, mount->source);
    if (config->insecure) return 0;
    mode_t need = S_ISDIR(st.st_mode) ? 05 : 04;
    mode_t granted = st.st_uid == config->uid ? (st.st_mode >> 6) & 07
                     : st.st_gid == config->gid ? (st.st_mode >> 3) & 07
                                                : st.st_mode & 07;
    if ((granted & need) != need)
        return csb_fail(err,
                        "%s: %s is not readable by the sandbox user %ld (mode %04o); make it world-readable "
                        "(chmod o+rX)",
                        mount->target, mount->source, (long)config->uid, (unsigned)(st.st_mode & 07777));
    return 0;
}
