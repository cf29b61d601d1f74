import Foundation

/// Checks an output folder before its contents are added to the store.
///
/// A step writes its outputs as an unprivileged user, but the worker that adds them runs as root
/// and may follow what it finds. So an output may hold only regular files, folders, and symlinks
/// that stay inside the output folder. Refused:
///
/// - a symlink whose target is absolute (it means one thing inside the sandbox and another on the host);
/// - a symlink that, followed the way the kernel follows it (through other symlinks, `..` after a
///   symlinked folder included), leaves the output folder, or loops;
/// - device nodes, FIFOs and sockets;
/// - an output folder that is itself a symlink.
///
/// ```swift
/// let result = try await Sandbox.run(spec)
/// try OutputCheck.verify(folder: "/srv/runs/42/outputs/clean")   // throws before anything is added
/// ```
public enum OutputCheck {
    /// One refused entry.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public enum Kind: String, Sendable, Hashable {
            case symlinkOutside = "symlink pointing outside the output folder"
            case absoluteSymlink = "symlink with an absolute target"
            case symlinkLoop = "symlink loop"
            case deviceNode = "device node"
            case fifo = "FIFO"
            case socket = "socket"
            case unreadable = "unreadable entry"
        }

        /// Path relative to the output folder.
        public var path: String
        public var kind: Kind
        /// The symlink's target, for symlink problems.
        public var target: String?

        public var description: String {
            target.map { "\(path) (\(kind.rawValue): \($0))" } ?? "\(path) (\(kind.rawValue))"
        }
    }

    /// Throws if the folder holds anything that must not be added.
    ///
    /// - Throws: ``SandboxError`` `unsafeOutput` naming each refused entry (up to ten), or `io` if
    ///   the folder cannot be read.
    public static func verify(folder: String) throws {
        let problems = try self.problems(in: folder)
        guard !problems.isEmpty else { return }
        var listed = problems.prefix(10).map(\.description).joined(separator: "; ")
        if problems.count > 10 { listed += "; and \(problems.count - 10) more" }
        throw SandboxError(.unsafeOutput, "\(folder): \(listed)")
    }

    /// Every refused entry in the folder, in path order.
    ///
    /// - Throws: ``SandboxError`` `unsafeOutput` if the folder itself is a symlink or not a folder,
    ///   `io` if it cannot be read.
    public static func problems(in folder: String) throws -> [Problem] {
        var info = stat()
        guard lstat(folder, &info) == 0 else {
            throw SandboxError(.io, "\(folder): \(SystemCall.describe(errno: errno))")
        }
        if info.st_mode & S_IFMT == S_IFLNK { throw SandboxError(.unsafeOutput, "\(folder) is a symlink") }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw SandboxError(.unsafeOutput, "\(folder) is not a folder") }
        var problems: [Problem] = []
        // Iterative, so a step's deeply nested folders cannot exhaust the worker's stack; paths
        // longer than the system allows come back as unreadable, which refuses them.
        var pending: [[String]] = [[]]
        while let relative = pending.popLast() {
            try visit(root: folder, relative: relative, problems: &problems, pending: &pending)
        }
        return problems.sorted { $0.path < $1.path }
    }

    private static func visit(root: String, relative: [String], problems: inout [Problem], pending: inout [[String]]) throws {
        let folder = ([root] + relative).joined(separator: "/")
        guard let dir = opendir(folder) else {
            if relative.isEmpty { throw SandboxError(.io, "\(folder): \(SystemCall.describe(errno: errno))") }
            problems.append(Problem(path: relative.joined(separator: "/"), kind: .unreadable))
            return
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        for name in names {
            let path = relative + [name]
            let shown = path.joined(separator: "/")
            var info = stat()
            guard lstat(folder + "/" + name, &info) == 0 else {
                problems.append(Problem(path: shown, kind: .unreadable))
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG: continue
            case S_IFDIR: pending.append(path)
            case S_IFLNK:
                let target = readLink(folder + "/" + name) ?? ""
                if target.hasPrefix("/") {
                    problems.append(Problem(path: shown, kind: .absoluteSymlink, target: target))
                    continue
                }
                var hops = 0
                switch resolve(root: root, base: relative, target: target, hops: &hops) {
                case .inside: continue
                case .outside: problems.append(Problem(path: shown, kind: .symlinkOutside, target: target))
                case .loop: problems.append(Problem(path: shown, kind: .symlinkLoop, target: target))
                }
            case S_IFCHR, S_IFBLK: problems.append(Problem(path: shown, kind: .deviceNode))
            case S_IFIFO: problems.append(Problem(path: shown, kind: .fifo))
            case S_IFSOCK: problems.append(Problem(path: shown, kind: .socket))
            default: problems.append(Problem(path: shown, kind: .unreadable))
            }
        }
    }

    private enum Resolution { case inside, outside, loop }

    /// Follows `target` from folder `base` (components below `root`) as the kernel would, without
    /// ever leaving `root`: `..` above it or an absolute link on the way means outside.
    private static func resolve(root: String, base: [String], target: String, hops: inout Int) -> Resolution {
        var current = base
        var pending = target.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        while !pending.isEmpty {
            let component = pending.removeFirst()
            if component == "." { continue }
            if component == ".." {
                if current.isEmpty { return .outside }
                current.removeLast()
                continue
            }
            let path = ([root] + current + [component]).joined(separator: "/")
            var info = stat()
            if lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK {
                hops += 1
                if hops > 40 { return .loop }  // the kernel's own limit (MAXSYMLINKS)
                guard let next = readLink(path), !next.hasPrefix("/") else { return .outside }
                pending = next.split(separator: "/", omittingEmptySubsequences: true).map(String.init) + pending
            } else {
                current.append(component)  // a folder, a file, or nothing yet: the walk goes on by name
            }
        }
        return .inside
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4097)
        let count = readlink(path, &buffer, 4096)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
