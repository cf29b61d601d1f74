import Foundation
import Synchronization

/// The live stdout and stderr of running executions, appended by their workers, one file per
/// execution and stream under `$SHOAL_HOME/pool/logs/<execution>/`.
///
/// Appends carry the byte offset they start at, so a worker that retries an append after a
/// lost answer does not duplicate bytes: data already held is skipped, and an append that would
/// leave a gap is refused. Once a step ends its logs are the stdout/stderr CIDs its worker
/// uploads; these files serve `follow` while it runs and remain as a fallback.
final class LogStore: Sendable {
    enum Stream: String, Sendable, CaseIterable { case stdout, stderr }

    let folder: String
    let maxBytes: Int
    private let lock = Mutex<Void>(())

    init(folder: String, maxBytes: Int) throws {
        self.folder = folder
        self.maxBytes = maxBytes
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func path(_ execution: String, _ stream: Stream) -> String {
        "\(folder)/\(execution)/\(stream.rawValue).log"
    }

    /// The current size of a log (0 when none was written).
    func size(_ execution: String, _ stream: Stream) -> Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path(execution, stream))
        return (attributes?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Appends `bytes` that start at `offset` of the log.
    ///
    /// - Returns: the log's size after the append.
    /// - Throws: ``RequesterError/Code/conflict`` when `offset` is past the end (a gap),
    ///   ``RequesterError/Code/tooLarge`` past the size limit.
    @discardableResult
    func append(_ execution: String, _ stream: Stream, offset: Int, bytes: [UInt8]) throws -> Int {
        try lock.withLock { _ in
            let file = path(execution, stream)
            let current = size(execution, stream)
            guard offset <= current else {
                throw RequesterError(.conflict, "the \(stream.rawValue) log of \(execution) has \(current) bytes; an append at \(offset) would leave a gap")
            }
            let skip = current - offset
            guard skip < bytes.count else { return current }
            guard current + bytes.count - skip <= maxBytes else {
                throw RequesterError(.tooLarge, "the \(stream.rawValue) log of \(execution) would pass \(maxBytes) bytes")
            }
            try FileManager.default.createDirectory(atPath: folder + "/" + execution, withIntermediateDirectories: true)
            let fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw RequesterError(.internalError, "cannot open the log of \(execution)") }
            defer { close(fd) }
            let written = bytes[skip...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            guard written == bytes.count - skip else { throw RequesterError(.internalError, "cannot write the log of \(execution)") }
            return current + written
        }
    }

    /// The bytes of a log from `offset` (at most `limit`).
    func read(_ execution: String, _ stream: Stream, from offset: Int = 0, limit: Int = 1 << 20) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path(execution, stream)) else { return [] }
        defer { try? handle.close() }
        do {
            try handle.seek(toOffset: UInt64(offset))
            return Array(try handle.read(upToCount: limit) ?? Data())
        } catch {
            return []
        }
    }
}
