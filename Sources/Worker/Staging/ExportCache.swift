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
/// ```swift
/// let cache = ExportCache(folder: home.exports, repo: repo)
/// spec.toolDirectory = try cache.path(for: toolCID)
/// ```
struct ExportCache: Sendable {
    let folder: String
    let repo: Repo

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
}
