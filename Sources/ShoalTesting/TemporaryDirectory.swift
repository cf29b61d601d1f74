import Foundation

/// A fresh folder under the system's temporary directory, removed when the value is released.
///
/// Tests keep one alive for their scope: `let dir = TemporaryDirectory("repo")`.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(_ label: String = "test") {
        var template = Array((NSTemporaryDirectory() + "shoal-\(label)-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            preconditionFailure("cannot create a temporary directory: errno \(errno)")
        }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The path of `relative` inside this folder.
    public func file(_ relative: String) -> String { path + "/" + relative }

    /// Writes `bytes` to a new file at `relative` (parents must exist; an existing file is an error).
    public func write(_ relative: String, _ bytes: [UInt8]) throws {
        let fd = open(file(relative), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress!, $0.count) }
            guard n > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            offset += n
        }
    }

    /// Writes UTF-8 text to a new file at `relative`.
    public func write(_ relative: String, text: String) throws {
        try write(relative, Array(text.utf8))
    }

    /// Creates a folder (and its parents) at `relative`.
    public func mkdir(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: file(relative), withIntermediateDirectories: true)
    }

    /// Creates a symlink at `relative` pointing to `target`.
    public func symlink(_ relative: String, to target: String) throws {
        guard Foundation.symlink(target, file(relative)) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// Reads the whole file at `relative`.
    public func read(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: file(relative))))
    }
}
