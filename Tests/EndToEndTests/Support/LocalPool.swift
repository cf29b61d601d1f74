import Foundation
import ShoalTesting
import Synchronization

/// A requester and workers as real `shoal serve` / `shoal worker` processes on loopback, each
/// with its own home, plus a client home whose commands reach the requester through
/// `SHOAL_REQUESTER` / `SHOAL_TOKEN`.
final class LocalPool: @unchecked Sendable {
    struct Worker {
        let name: String
        let home: String
        let port: Int
        let shoal: ShoalProcess
        var process: ShoalProcess.Running?
        /// The worker's did:key.
        let id: String
        var url: String { "http://127.0.0.1:\(port)" }
    }

    let folder = TemporaryDirectory("pool")
    let port: Int
    /// The address the requester listens on (loopback unless a test puts the pool on a network).
    let host: String
    var url: String { "http://\(host):\(port)" }
    let requesterHome: String
    var requester: ShoalProcess.Running?
    private(set) var adminToken = ""
    private(set) var workerToken = ""
    var workers: [Worker] = []
    /// `shoal` in the client's home, with the requester and admin token in its environment.
    private(set) var client: ShoalProcess

    /// Starts the requester on `host` and waits until it answers.
    init(extraServeArguments: [String] = [], scheme: String = "http", host: String = "127.0.0.1") throws {
        self.host = host
        port = try freePort()
        requesterHome = folder.file("requester")
        client = try ShoalProcess(home: folder.file("client"))
        let serve = try ShoalProcess(home: requesterHome)
        requester = try serve.start(["serve", "--listen", "\(host):\(port)", "--heartbeat", "1s", "--lease", "10s"] + extraServeArguments)
        adminToken = try waitForFile(requesterHome + "/admin.token", process: requester!)
        client.environment = ["SHOAL_REQUESTER": "\(scheme)://\(host):\(port)", "SHOAL_TOKEN": adminToken]
        if scheme == "http" {
            try waitUntil("the requester answers") { try client.run(["node", "list", "--json"]).succeeded }
            workerToken = try client.run(["token", "create", "--role", "worker", "--note", "e2e"]).line
        }
    }

    /// Creates a worker home (run `prepare` on it before it starts) and starts the worker.
    @discardableResult
    func addWorker(_ name: String, arguments: [String] = [], prepare: (ShoalProcess) throws -> Void = { _ in }) throws -> Worker {
        let home = folder.file(name)
        let shoal = try ShoalProcess(home: home)
        try prepare(shoal)
        let id = try shoal.run(["id"]).line
        let port = try freePort()
        var worker = Worker(name: name, home: home, port: port, shoal: shoal, process: nil, id: id)
        worker.process = try shoal.start([
            "worker", "--requester", url, "--token", workerToken, "--listen", "127.0.0.1:\(port)", "--label", "name=\(name)",
            "--slots", "1", "--drain-timeout", "10s",
        ] + arguments)
        workers.append(worker)
        let count = workers.count
        try waitUntil("\(name) joins") {
            guard let nodes = try? client.run(["node", "list", "--json"]).jsonArray() else { return false }
            return nodes.filter { ($0["state"] as? String) == "ready" }.count >= count
        }
        return worker
    }

    func worker(_ name: String) -> Worker { workers.first { $0.name == name }! }

    /// SIGTERM to every process (workers first); returns the workers' exit statuses by name.
    @discardableResult
    func stop() -> [String: Int32] {
        var statuses: [String: Int32] = [:]
        for worker in workers.reversed() {
            guard let process = worker.process else { continue }
            if process.isRunning { process.kill(SIGTERM) }
            statuses[worker.name] = process.wait().status
        }
        workers = workers.map { var worker = $0; worker.process = nil; return worker }
        if let requester {
            if requester.isRunning { requester.kill(SIGTERM) }
            _ = requester.wait()
            self.requester = nil
        }
        return statuses
    }

    deinit { stop() }
}

extension ShoalProcess.Result {
    /// The stdout parsed as a JSON array of objects.
    func jsonArray() throws -> [[String: Any]] {
        guard let array = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [[String: Any]] else {
            throw ShoalProcessError("stdout is not a JSON array: \(stdout.prefix(200))")
        }
        return array
    }
}

/// Waits (polling) until `condition` holds, up to `seconds`.
func waitUntil(_ what: String, seconds: Double = 60, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return }
        Thread.sleep(forTimeInterval: 0.1)
    }
    throw ShoalProcessError("timed out waiting until \(what)")
}

/// Waits for a file a process writes (its first line, trimmed), failing early if the process ends.
func waitForFile(_ path: String, process: ShoalProcess.Running, seconds: Double = 60) throws -> String {
    var text = ""
    try waitUntil("\(path) exists", seconds: seconds) {
        guard process.isRunning else { throw ShoalProcessError("the process ended before writing \(path): \(process.wait())") }
        text = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return !text.isEmpty
    }
    return text
}

/// Ports handed out by ``freePort(count:)``, from a random start below the kernel's ephemeral
/// range, so two tests of this process never get the same one.
private let nextPort = Mutex(Int.random(in: 20_000..<28_000))

/// A TCP port on 127.0.0.1 that is free now, with the `count - 1` ports after it free too
/// (`dev-cluster --base-port` takes one per node).
///
/// The ports come from below the kernel's ephemeral range (32768 and up by default): a port the
/// kernel picked for `bind(0)` could be taken, between its release here and the process's own
/// bind, by another test's outgoing connection or port-0 server, and a neighbour of it was
/// never checked at all. Below that range only explicit binds compete, and this process hands
/// out each port once.
func freePort(count: Int = 1) throws -> Int {
    for _ in 0..<200 {
        let base = nextPort.withLock { next -> Int in
            defer { next = next + count >= 32_000 ? 20_000 : next + count }
            return next
        }
        if (base..<(base + count)).allSatisfy(isBindable) { return base }
    }
    throw ShoalProcessError("no \(count) free consecutive ports found")
}

/// Whether 127.0.0.1:`port` can be bound now.
private func isBindable(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}
