import Foundation

/// `$SHOAL_HOME/pool/uploads`: where `POST /api/v1/blocks` streams a CAR before its verifying
/// import. Each file lives only while its request runs; the blocks it held end up in the
/// repository, never here.
///
/// A file is named `upload-<pid>-<uuid>.car` after the process that writes it. A requester
/// killed mid-upload leaves its file behind; ``sweepLeftovers()`` (run on every start) removes
/// the files of processes that are gone, and files named by an earlier version without a pid.
/// Anything else in the folder is left alone, and so are the files of a live process.
struct UploadFolder: Sendable {
    static let prefix = "upload-"
    static let suffix = ".car"

    let path: String

    /// The folder under `home`, created when missing.
    init(home: String) throws {
        path = home + "/pool/uploads"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A new file path for one upload by this process.
    func newFile() -> String {
        "\(path)/\(Self.prefix)\(getpid())-\(UUID().uuidString)\(Self.suffix)"
    }

    /// Removes the upload files whose process is gone; returns their names.
    @discardableResult
    func sweepLeftovers() -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        var removed: [String] = []
        for name in names.sorted() where Self.isLeftover(name) {
            if (try? FileManager.default.removeItem(atPath: path + "/" + name)) != nil { removed.append(name) }
        }
        return removed
    }

    /// Whether `name` is an upload file of a process that is not running (or of an earlier
    /// version, which named no process).
    static func isLeftover(_ name: String) -> Bool {
        guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { return false }
        let middle = name.dropFirst(prefix.count).dropLast(suffix.count)
        let parts = middle.split(separator: "-", maxSplits: 1)
        // `<pid>-<uuid>`: a UUID has five groups, so an earlier `<uuid>` name splits into a
        // first group of 8 hex digits and a rest of four groups.
        guard parts.count == 2, let pid = Int32(parts[0]), pid > 0, UUID(uuidString: String(parts[1])) != nil else {
            return UUID(uuidString: String(middle)) != nil
        }
        return pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH
    }
}
