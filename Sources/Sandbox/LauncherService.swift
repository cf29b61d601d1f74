import Foundation
import Synchronization

/// A long-lived `shoal-sandbox --serve` process that forks one supervisor per run.
///
/// Starting the launcher executable for every run cost about 2.5 ms (its exec, dynamic loading,
/// and the Swift runtime SwiftPM links into every executable). The service is started once per
/// launcher path, on first use, and asked for runs over a socket (the protocol is described in
/// `Sources/CSandbox/server.c`): a run request carries the launcher's arguments and the step's
/// stdout, stderr and report pipes; the service answers with the supervisor's pid, and later with its
/// wait status once it has been reaped.
///
/// The service lives as long as this process: it exits when the socket closes, stopping (and
/// cleaning up) every run still going. If it dies, runs in flight fail with a launch error and the
/// next run starts a new service.
final class LauncherService: Sendable {
    /// How a run's supervisor ended, as the service saw it.
    enum Exit: Sendable, Equatable {
        /// The wait status of the reaped supervisor.
        case status(Int32)
        /// The service went away before reporting it.
        case serviceLost
    }

    private enum FrameType: UInt32 {
        case run = 1, cancel = 2, started = 3, exited = 4
    }

    private struct Pending {
        var started: (@Sendable (Result<pid_t, SandboxError>) -> Void)?
        var exited: @Sendable (Exit) -> Void
    }

    private struct State {
        var nextID: UInt64 = 1
        var pending: [UInt64: Pending] = [:]
        var alive = true
    }

    let launcherPath: String
    let pid: pid_t
    private let socket: Int32
    private let state = Mutex(State())
    /// Serializes frames written by concurrent runs.
    private let writeLock = Mutex(())

    private static let services = Mutex([String: LauncherService]())

    /// The running service for `launcherPath`, started if there is none (or the last one died).
    ///
    /// - Parameter replacing: a service a request could not be sent to: it is replaced even if its
    ///   reader has not yet seen it go.
    static func shared(launcherPath: String, replacing failed: LauncherService? = nil) throws -> LauncherService {
        try services.withLock { services in
            if let service = services[launcherPath], service.isAlive, service !== failed { return service }
            let service = try LauncherService(launcherPath: launcherPath)
            services[launcherPath] = service
            return service
        }
    }

    /// Starts a service of its own; ``shared(launcherPath:)`` is what runs use.
    init(launcherPath: String) throws {
        var ends: [Int32] = [-1, -1]
        try SystemCall.retrying("socketpair") {
            socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends)
        }
        let devNull = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer {
            close(ends[1])
            if devNull >= 0 { close(devNull) }
        }
        do {
            var descriptors = [(ends[1], Int32(3))]
            if devNull >= 0 { descriptors += [(devNull, 1), (devNull, 2)] }
            pid = try SystemCall.spawn(
                path: launcherPath, arguments: [launcherPath, "--serve", "--parent-pid", String(getpid())],
                environment: [], descriptors: descriptors)
        } catch {
            close(ends[0])
            throw error
        }
        self.launcherPath = launcherPath
        socket = ends[0]
        let thread = Thread { [self] in readAnswers() }
        thread.name = "shoal-sandbox-service"
        thread.start()
    }

    private var isAlive: Bool { state.withLock { $0.alive } }

    /// Asks for a run. `started` gets the supervisor's pid (or the reason it could not start);
    /// `exited` gets how it ended. Both run on the service's reader thread.
    ///
    /// The descriptors are sent to the service (which passes them to the supervisor); the caller
    /// still owns and closes its copies.
    /// - Returns: the run's id, for ``cancel(_:)``.
    @discardableResult
    func run(
        arguments: [String], stdout: Int32, stderr: Int32, report: Int32,
        started: @escaping @Sendable (Result<pid_t, SandboxError>) -> Void,
        exited: @escaping @Sendable (Exit) -> Void
    ) throws -> UInt64 {
        let id = try state.withLock { state -> UInt64 in
            guard state.alive else { throw SandboxError(.launchFailed, "the sandbox launcher service has exited") }
            defer { state.nextID += 1 }
            state.pending[state.nextID] = Pending(started: started, exited: exited)
            return state.nextID
        }
        var payload: [UInt8] = []
        for argument in arguments { payload += Array(argument.utf8) + [0] }
        do {
            try send(.run, id: id, payload: payload, descriptors: [stdout, stderr, report])
        } catch {
            _ = state.withLock { $0.pending.removeValue(forKey: id) }
            throw error
        }
        return id
    }

    /// Asks the service to stop a run (SIGTERM to its supervisor, only while it is unreaped).
    func cancel(_ id: UInt64) {
        try? send(.cancel, id: id, payload: [], descriptors: [])
    }

    /// Closes this side of the connection, as the kernel does when the worker dies: the service
    /// stops every run, waits until each has cleaned up, and exits.
    func closeConnection() {
        shutdown(socket, Int32(SHUT_WR))
    }

    private func send(_ type: FrameType, id: UInt64, payload: [UInt8], descriptors: [Int32]) throws {
        var frame = [UInt8]()
        frame.reserveCapacity(16 + payload.count)
        withUnsafeBytes(of: type.rawValue) { frame += $0 }
        withUnsafeBytes(of: UInt32(payload.count)) { frame += $0 }
        withUnsafeBytes(of: id) { frame += $0 }
        frame += payload
        try writeLock.withLock { _ in
            var offset = try frame.withUnsafeBytes { bytes in
                try Self.sendFirst(socket, bytes, descriptors: descriptors)
            }
            while offset < frame.count {
                let written = try frame.withUnsafeBytes { bytes in
                    try SystemCall.retrying("send to the sandbox launcher service") {
                        Int32(truncatingIfNeeded: Glibc.send(socket, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)))
                    }
                }
                offset += Int(written)
            }
        }
    }

    /// `sendmsg` of the start of `bytes` with `descriptors` attached (SCM_RIGHTS); returns how much was sent.
    private static func sendFirst(_ socket: Int32, _ bytes: UnsafeRawBufferPointer, descriptors: [Int32]) throws -> Int {
        // struct cmsghdr { size_t len; int level; int type; } followed by the ints, padded to 8.
        let headerSize = MemoryLayout<Int>.size + 2 * MemoryLayout<Int32>.size
        let dataSize = descriptors.count * MemoryLayout<Int32>.size
        let space = descriptors.isEmpty ? 0 : headerSize + (dataSize + 7) & ~7
        var control = [UInt8](repeating: 0, count: max(space, 1))
        return try control.withUnsafeMutableBytes { control in
            if !descriptors.isEmpty {
                control.storeBytes(of: headerSize + dataSize, toByteOffset: 0, as: Int.self)
                control.storeBytes(of: SOL_SOCKET, toByteOffset: MemoryLayout<Int>.size, as: Int32.self)
                control.storeBytes(of: Int32(SCM_RIGHTS), toByteOffset: MemoryLayout<Int>.size + 4, as: Int32.self)
                for (index, fd) in descriptors.enumerated() {
                    control.storeBytes(of: fd, toByteOffset: headerSize + index * 4, as: Int32.self)
                }
            }
            var vector = iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count)
            return try withUnsafeMutablePointer(to: &vector) { vector in
                var message = msghdr()
                message.msg_iov = vector
                message.msg_iovlen = 1
                if space > 0 {
                    message.msg_control = control.baseAddress
                    message.msg_controllen = space
                }
                return Int(
                    try SystemCall.retrying("send to the sandbox launcher service") {
                        Int32(truncatingIfNeeded: sendmsg(socket, &message, Int32(MSG_NOSIGNAL)))
                    })
            }
        }
    }

    /// The reader thread: delivers STARTED and EXITED answers until the service goes away.
    private func readAnswers() {
        var frame = [UInt8](repeating: 0, count: 20)
        while Self.readExactly(socket, &frame) {
            let type = frame.withUnsafeBytes { $0.load(fromByteOffset: 0, as: UInt32.self) }
            let id = frame.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self) }
            let value = frame.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 16, as: Int32.self) }
            switch FrameType(rawValue: type) {
            case .started:
                let callback = state.withLock { state in
                    defer { state.pending[id]?.started = nil }
                    if value < 0 { return state.pending.removeValue(forKey: id)?.started }
                    return state.pending[id]?.started
                }
                callback?(
                    value < 0
                        ? .failure(
                            SandboxError(
                                .launchFailed, "the sandbox launcher service could not start the run: "
                                    + SystemCall.describe(errno: -value)))
                        : .success(value))
            case .exited:
                let pending = state.withLock { $0.pending.removeValue(forKey: id) }
                pending?.exited(.status(value))
            default:
                continue  // an answer this side does not know: skip it
            }
        }
        // The service is gone: fail whatever was waiting, and let the next run start a new one.
        let orphans = state.withLock { state in
            state.alive = false
            defer { state.pending = [:] }
            return Array(state.pending.values)
        }
        close(socket)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        for pending in orphans {
            pending.started?(.failure(SandboxError(.launchFailed, "the sandbox launcher service exited")))
            pending.exited(.serviceLost)
        }
    }

    private static func readExactly(_ fd: Int32, _ buffer: inout [UInt8]) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return false }
            offset += count
        }
        return true
    }
}
