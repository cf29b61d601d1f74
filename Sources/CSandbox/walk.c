/*
 * Size of an output folder while the step may still be changing it.
 *
 * The walk never follows a symlink and opens each folder relative to its parent's descriptor with
 * O_NOFOLLOW, so a step that swaps a folder for a symlink mid-walk cannot steer the (root) launcher
 * outside the output folder. Regular files count their apparent size (st_size: what the caller will
 * read when adding the output), symlinks the length of their target. A tree nested more than 256
 * folders deep counts as 2^60 bytes: over any cap.
 */
#include "CSandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Deep enough for any real output; each level holds one descriptor. A tree nested deeper is
 * counted as over any cap (a step must not hide bytes from the measurement by nesting). */
#define CSB_WALK_MAX_DEPTH 256
#define CSB_TOO_DEEP ((int64_t)1 << 60)

static int64_t folder_bytes(int dirfd, int depth) {
    DIR *dir = fdopendir(dirfd);
    if (!dir) {
        close(dirfd);
        return -1;
    }
    int64_t total = 0;
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
        struct stat st;
        if (fstatat(dirfd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) continue; /* removed meanwhile */
        if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
            total += st.st_size;
        } else if (S_ISDIR(st.st_mode)) {
            if (depth >= CSB_WALK_MAX_DEPTH) {
                total = CSB_TOO_DEEP;
                break;
            }
            int child = openat(dirfd, entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (child < 0) continue;
            int64_t below = folder_bytes(child, depth + 1);
            if (below > 0) total += below;
            if (total >= CSB_TOO_DEEP) break;
        }
    }
    closedir(dir);
    return total;
}

int64_t csb_tree_bytes(const char *path) {
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -1;
    return folder_bytes(fd, 0);
}
