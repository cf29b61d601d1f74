import BlockStore
import Foundation
import IPLD
import UnixFS

/// Tools and inputs exported from the store as plain files, once per CID, for bind-mounting.
///
/// A step sees its tool at `/tool` and inputs at `/inputs/<name>` as ordinary files. Rather than
/// copying them for every step, each DAG is exported once to `cache/exports/<cid>` (CIDv1 text)
/// and every step that uses it mounts that folder read-only. The export is written to a
/// temporary name and renamed into place, so a path in the cache is always a complete export;
/// two processes exporting the same CID at once both succeed, and one copy wins.
///
/// Steps hold the cache shared (``beginUse()``) from staging until their sandbox is gone;
/// ``prune(repo:)`` (`shoal gc`) takes it exclusively, so it never removes a folder a running
/// step has mounted.
///
/// ```swift
/// let cache = ExportCache(folder: home.exports, repo: repo)
/// let use = try cache.beginUse()
/// defer { use.end() }
/// spec.toolDirectory = try cache.path(for: toolCID)
/// ```
struct ExportCache: Sendable {
    let folder: String
    let repo: Repo

    /// The lock file steps hold shared and pruning holds exclusively (next to the cache folder,
    /// so it is never mistaken for an export).
    var lockPath: String { folder + ".lock" }

    /// The exported copy of `cid`, exporting it first if it is not in the cache yet.
    ///
    /// - Throws: ``WorkerError/Code/staging`` when the DAG cannot be read from the store (a
    ///   missing block) or written out.
    func path(for cid: CID) throws -> String {
        let final = folder + "/" + cid.v1.string
        if access(final, F_OK) == 0 { return final }
        try WorkerHome.makeFolder(folder)
        let temporary = folder + "/.tmp-\(getpid())-\(UInt64.random(in: 0 ... .max))"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        do {
            try WorkerHome.makeFolder(temporary)
            try repo.unixfs.get(cid, to: temporary + "/data")
        } catch let error as WorkerError {
            throw error
        } catch {
            throw WorkerError(.staging, "cannot export \(cid) from the store: \(error)")
        }
        if rename(temporary + "/data", final) != 0 {
            // Another process put the same export in place first: theirs is as good as ours.
            guard access(final, F_OK) == 0 else {
                throw WorkerError(.staging, "cannot move the export of \(cid) into \(folder): \(String(cString: strerror(errno)))")
            }
        }
        return final
    }

    /// A step's shared hold on the cache; ``end()`` (or process exit) releases it.
    struct Use: Sendable {
        let descriptor: Int32
        func end() { ExportCache.unlock(descriptor) }
    }

    /// Holds the cache shared for one step, so pruning waits for it (never the other way round:
    /// a step does not wait for a prune, which holds the lock only while it removes folders).
    func beginUse() throws -> Use {
        try WorkerHome.makeFolder((folder as NSString).deletingLastPathComponent)
        return Use(descriptor: try Self.lock(lockPath, LOCK_SH))
    }

    /// Removes the exports of DAGs whose root block is no longer in `repo` (a `gc` took them, so
    /// no step can be given them again without their blocks coming back) and the temporary
    /// folders of processes that died mid-export. Exports of stored DAGs stay: they are the
    /// cache. When steps are running, nothing is removed and the report says so.
    func prune() throws -> ExportCachePruneReport {
        var report = ExportCachePruneReport()
        guard FileManager.default.fileExists(atPath: folder) else { return report }  // nothing exported yet
        let fd: Int32
        do {
            fd = try Self.lock(lockPath, LOCK_EX | LOCK_NB)
        } catch let error as WorkerError where error.code == .busy {
            report.skipped = "steps are running and use it"
            return report
        }
        defer { Self.unlock(fd) }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return report }
        for name in names.sorted() {
            let path = folder + "/" + name
            if name.hasPrefix(".tmp-") {
                let pid = name.dropFirst(5).split(separator: "-").first.flatMap { Int32($0) }
                guard let pid, pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
                report.freedBytes += Self.treeSize(path)
                try? FileManager.default.removeItem(atPath: path)
                report.temporaryFoldersRemoved += 1
            } else if let cid = try? CID(name), try !repo.has(cid) {
                report.freedBytes += Self.treeSize(path)
                do {
                    try FileManager.default.removeItem(atPath: path)
                } catch {
                    throw WorkerError(.io, "cannot remove the stale export \(path): \(error.localizedDescription)")
                }
                report.removed.append(cid)
            }
        }
        return report
    }

    static func lock(_ path: String, _ operation: Int32) throws -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WorkerError(.io, "cannot open \(path): \(String(cString: strerror(errno)))") }
        while flock(fd, operation) != 0 {
            let code = errno
            if code == EINTR { continue }
            close(fd)
            if code == EWOULDBLOCK { throw WorkerError(.busy, "\(path) is locked") }
            throw WorkerError(.io, "cannot lock \(path): \(String(cString: strerror(code)))")
        }
        return fd
    }

    /// Releases a lock taken by ``lock(_:_:)`` and closes its descriptor. Unlocks first: a process
    /// spawned at this moment shares the open file description until its exec, and closing alone
    /// would keep the lock held for that while.
    static func unlock(_ fd: Int32) {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// The bytes of the regular files under `path` (symlinks not followed).
    static func treeSize(_ path: String) -> Int {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total = 0
        while let relative = walker.nextObject() as? String {
            var info = stat()
            if lstat(path + "/" + relative, &info) == 0, info.st_mode & S_IFMT == S_IFREG { total += Int(info.st_size) }
        }
        return total
    }
}

/// What ``WorkerHome/pruneExportCache(repo:)`` removed from the export cache.
public struct ExportCachePruneReport: Sendable, Codable, Equatable {
    /// The CIDs whose exports were removed (their blocks are gone from the store).
    public var removed: [CID] = []
    /// Leftover temporary export folders of processes that no longer exist.
    public var temporaryFoldersRemoved = 0
    /// File bytes freed.
    public var freedBytes = 0
    /// Why nothing was pruned, when steps held the cache.
    public var skipped: String?
}

extension WorkerHome {
    /// Prunes `cache/exports/` after a `gc`: see ``ExportCachePruneReport``. Never removes an
    /// export while a step of any process on this home is running.
    public func pruneExportCache(repo: Repo) throws -> ExportCachePruneReport {
        try ExportCache(folder: exports, repo: repo).prune()
    }
}
