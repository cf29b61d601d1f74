/// An error raised before or around a sandboxed run: a bad spec, a missing launcher or host
/// feature, an unsafe output.
///
/// A step that runs and fails (non-zero exit, a limit reached, a command that does not exist) is not
/// an error: it is a ``SandboxResult`` with a ``SandboxResult/Reason``. Errors carry a ``Code`` to
/// match on and a message that says what was wrong and where, shown to users as one line.
public struct SandboxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The ``SandboxSpec`` is inconsistent (empty command, bad names, overlapping paths, ...).
        public static let invalidSpec = Code("invalid sandbox spec")
        /// The `shoal-sandbox` launcher executable was not found.
        public static let launcherNotFound = Code("sandbox launcher not found")
        /// The launcher could not set the sandbox up (cgroup, unreadable input, system call).
        public static let launchFailed = Code("sandbox launch failed")
        /// This host lacks an isolation feature a sandboxed run requires.
        public static let featureMissing = Code("sandbox feature missing")
        /// An output folder holds something that must not be added (symlink out, device, FIFO, socket).
        public static let unsafeOutput = Code("unsafe output")
        /// A file-system or process operation failed on the worker's side.
        public static let io = Code("I/O error")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
