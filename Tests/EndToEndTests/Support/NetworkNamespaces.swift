import Foundation
import ShoalTesting
import Spawning
import Synchronization

/// A small private IPv4 network of Linux network namespaces, so that an end-to-end test can put
/// pool nodes on separate hosts as far as the network is concerned.
///
/// The layout, for a test process with pid `P` and a free subnet `10.213.N.0/24`:
///
/// ```
/// host:              shtPx1     10.213.N.1  ─┐ veth
/// shoal-tP-1-switch: br0 ── host ────────────┘
///                     ├──── w1 ── eth0 in shoal-tP-1-w1   10.213.N.2
///                     └──── w2 ── eth0 in shoal-tP-1-w2   10.213.N.3
/// ```
///
/// The bridge lives in a namespace of its own, so traffic between nodes never passes through the
/// host's forwarding or firewall (neither is touched), and the host gains one veth with one
/// address. A node's namespace has `lo` and `eth0` up and a route to the subnet only: its
/// `127.0.0.1` is its own, and the host's loopback services are out of its reach.
///
/// Every name carries the test process's pid (and a count within it), so runs in parallel never
/// collide, and a later run
/// removes what a crashed run left behind (``removeStale()``: names whose pid is gone).
/// ``tearDown()`` kills whatever still runs in the namespaces and deletes them and the host's
/// veth; it runs again from `deinit`, and doing it twice is harmless.
final class NamespaceNetwork: @unchecked Sendable {
    /// One namespace on the network.
    struct Node: Sendable {
        let name: String
        /// The `ip netns` name.
        let namespace: String
        let address: String
    }

    static let namespacePrefix = "shoal-t"
    private static let made = Atomic<Int>(0)
    static let linkPrefix = "sht"

    /// Why these tests cannot run here, or `nil` when `ip netns add` works (root, iproute2).
    static let unavailableReason: String? = probe()

    let subnet: Int
    var hostAddress: String { "10.213.\(subnet).1" }
    private(set) var nodes: [Node] = []
    /// `shoal-t<pid>-<count>`: the start of every namespace name of this network.
    let tag: String
    /// The host's end of the veth to the bridge, `sht<pid>x<count>`.
    let hostLink: String
    private var switchNamespace: String { tag + "-switch" }
    private var created: [String] = []

    /// Creates the switch namespace with its bridge and the host's veth to it, on a subnet that
    /// no address or route of the host uses.
    init() throws {
        Self.removeStale()
        let count = Self.made.add(1, ordering: .relaxed).newValue
        tag = "\(Self.namespacePrefix)\(getpid())-\(count)"
        hostLink = "\(Self.linkPrefix)\(getpid())x\(count)"
        subnet = try Self.freeSubnet()
        do {
            try addNamespace(switchNamespace)
            try Self.ip(["-n", switchNamespace, "link", "add", "br0", "type", "bridge"])
            try Self.ip(["-n", switchNamespace, "link", "set", "br0", "up"])
            try Self.ip(["link", "add", hostLink, "type", "veth", "peer", "name", "host", "netns", switchNamespace])
            try Self.ip(["-n", switchNamespace, "link", "set", "host", "master", "br0", "up"])
            try Self.ip(["addr", "add", "\(hostAddress)/24", "dev", hostLink])
            try Self.ip(["link", "set", hostLink, "up"])
        } catch {
            tearDown()
            throw error
        }
    }

    /// Adds a namespace `shoal-t<pid>-<count>-NAME` plugged into the bridge, with the next address.
    func addNode(_ name: String) throws -> Node {
        let node = Node(name: name, namespace: "\(tag)-\(name)", address: "10.213.\(subnet).\(nodes.count + 2)")
        try addNamespace(node.namespace)
        try Self.ip(["-n", switchNamespace, "link", "add", name, "type", "veth", "peer", "name", "eth0", "netns", node.namespace])
        try Self.ip(["-n", switchNamespace, "link", "set", name, "master", "br0", "up"])
        try Self.ip(["-n", node.namespace, "link", "set", "lo", "up"])
        try Self.ip(["-n", node.namespace, "addr", "add", "\(node.address)/24", "dev", "eth0"])
        try Self.ip(["-n", node.namespace, "link", "set", "eth0", "up"])
        nodes.append(node)
        return node
    }

    /// The command prefix that runs a program inside `node`'s network namespace, and nothing
    /// else: `nsenter --net=/var/run/netns/NAME`, which execs the program (so the process started
    /// is the program itself and signals reach it).
    ///
    /// Not `ip netns exec`: it also gives the program a mount namespace with a fresh sysfs on
    /// `/sys`, where the cgroup controllers mounted under `/sys/fs/cgroup` are gone, and a worker
    /// there refuses to start because its sandbox cannot limit memory and pids.
    func launcher(_ node: Node) -> [String] {
        [Self.nsenter, "--net=/var/run/netns/\(node.namespace)"]
    }

    static let nsenter = "/usr/bin/nsenter"

    /// Whether a TCP connection from `node` (`nil`: the host) to `host:port` is accepted
    /// within three seconds (bash's `/dev/tcp`).
    func connects(from node: Node?, to host: String, port: Int) throws -> Bool {
        let probe = ["/usr/bin/timeout", "3", "/bin/bash", "-c", "exec 3<>/dev/tcp/\(host)/\(port)"]
        let command = node.map { launcher($0) + probe } ?? probe
        return Self.execute(command).status == 0
    }

    /// The pids `ip netns pids` lists for a namespace.
    static func pids(in namespace: String) -> [Int32] {
        execute([(try? ipPath()) ?? "ip", "netns", "pids", namespace]).output.split(whereSeparator: \.isNewline).compactMap { Int32($0) }
    }

    /// The inode of a namespace's `ip netns` file: equal to the `net:[INODE]` of `/proc/PID/ns/net`
    /// for a process inside it.
    static func inode(of namespace: String) -> UInt64? {
        var info = stat()
        return stat("/var/run/netns/" + namespace, &info) == 0 ? UInt64(info.st_ino) : nil
    }

    /// Kills what still runs in the namespaces, then deletes the host's veth and the namespaces.
    func tearDown() {
        Self.remove(namespaces: created, links: [hostLink])
        created = []
    }

    deinit { tearDown() }

    // MARK: Stale runs

    /// Removes namespaces and host links of earlier runs whose test process is gone.
    static func removeStale() {
        guard let ip = try? ipPath() else { return }
        let namespaces = execute([ip, "netns", "list"]).output.split(whereSeparator: \.isNewline)
            .compactMap { $0.split(separator: " ").first.map(String.init) }
            .filter { isStale($0, prefix: namespacePrefix) }
        let links = execute([ip, "-o", "link", "show"]).output.split(whereSeparator: \.isNewline)
            .compactMap { line -> String? in
                let fields = line.split(separator: ":", maxSplits: 2)
                guard fields.count > 1 else { return nil }
                return String(fields[1].trimmingCharacters(in: .whitespaces).split(separator: "@").first ?? "")
            }
            .filter { isStale($0, prefix: linkPrefix) }
        remove(namespaces: namespaces, links: links)
    }

    /// Whether `name` is `PREFIX<pid>…` for a pid that no longer exists.
    static func isStale(_ name: String, prefix: String) -> Bool {
        guard name.hasPrefix(prefix) else { return false }
        let digits = name.dropFirst(prefix.count).prefix { $0.isNumber }
        guard let pid = Int32(digits), pid > 0, pid != getpid() else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    static func remove(namespaces: [String], links: [String]) {
        guard let ip = try? ipPath() else { return }
        for namespace in namespaces {
            for pid in pids(in: namespace) { kill(pid, SIGKILL) }
        }
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, namespaces.contains(where: { !pids(in: $0).isEmpty }) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        for link in links { _ = execute([ip, "link", "del", link]) }
        for namespace in namespaces.reversed() { _ = execute([ip, "netns", "del", namespace]) }
    }

    // MARK: Helpers

    private func addNamespace(_ name: String) throws {
        try Self.ip(["netns", "add", name])
        created.append(name)
    }

    /// The first `10.213.N.0/24` (from a pid-based start) that no host address or route mentions.
    private static func freeSubnet() throws -> Int {
        let ip = try ipPath()
        let used = execute([ip, "-o", "-4", "addr", "show"]).output + execute([ip, "-4", "route", "show", "table", "all"]).output
        let start = Int(getpid() % 250)
        for offset in 0..<250 {
            let candidate = (start + offset) % 250 + 1
            if !used.contains("10.213.\(candidate).") { return candidate }
        }
        throw ShoalProcessError("no free subnet in 10.213.0.0/16")
    }

    private static func probe() -> String? {
        guard geteuid() == 0 else { return "network namespaces need root" }
        guard let ip = try? ipPath() else { return "no `ip` command (iproute2)" }
        for tool in [nsenter, "/bin/bash", "/usr/bin/timeout"] where !FileManager.default.isExecutableFile(atPath: tool) {
            return "needs \(tool)"
        }
        let name = "\(namespacePrefix)\(getpid())-probe"
        let added = execute([ip, "netns", "add", name])
        guard added.status == 0 else { return "`ip netns add` does not work here: \(added.output)" }
        _ = execute([ip, "netns", "del", name])
        return nil
    }

    static func ipPath() throws -> String {
        guard let path = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first(where: FileManager.default.isExecutableFile(atPath:))
        else { throw ShoalProcessError("no `ip` command (iproute2)") }
        return path
    }

    /// Runs `ip ARGUMENTS`, throwing with its output when it fails.
    private static func ip(_ arguments: [String]) throws {
        let result = execute([try ipPath()] + arguments)
        guard result.status == 0 else {
            throw ShoalProcessError("ip \(arguments.joined(separator: " ")): exit \(result.status): \(result.output)")
        }
    }

    /// Runs a short command and returns its status and its stdout and stderr together.
    static func execute(_ command: [String]) -> (status: Int32, output: String) {
        SpawnedProcess.output(of: command)
    }
}

/// A `shoal worker` running inside a namespace of a ``NamespaceNetwork``.
struct NamespacedWorker {
    let name: String
    let node: NamespaceNetwork.Node
    let home: String
    let process: ShoalProcess.Running
    /// The worker's did:key.
    let id: String
    /// Its gateway, on the node's address.
    var url: String { "http://\(node.address):\(NamespacedWorker.port)" }
    /// Every node has a network of its own, so they all use the same port.
    static let port = 8421

    /// SIGTERM, then SIGKILL if it has not ended after `seconds`; returns how it ended.
    func stop(seconds: Double = 20) -> ShoalProcess.Result {
        if process.isRunning { process.kill(SIGTERM) }
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.kill(SIGKILL) }
        return process.wait()
    }
}

extension LocalPool {
    /// Starts `shoal worker` inside `node`'s namespace with a home of its own (run `prepare` on it
    /// first) and waits until it is ready in the requester's node list.
    func startWorker(
        _ name: String, on node: NamespaceNetwork.Node, network: NamespaceNetwork, arguments: [String],
        prepare: (ShoalProcess) throws -> Void = { _ in }
    ) throws -> NamespacedWorker {
        let home = folder.file(name)
        var shoal = try ShoalProcess(home: home)
        try prepare(shoal)
        let id = try shoal.run(["id"]).line
        shoal.launcher = network.launcher(node)
        let process = try shoal.start([
            "worker", "--requester", url, "--token", workerToken, "--label", "name=\(name)", "--slots", "1",
            "--drain-timeout", "10s",
        ] + arguments)
        let worker = NamespacedWorker(name: name, node: node, home: home, process: process, id: id)
        try waitUntil("\(name) joins from \(node.namespace)") {
            guard process.isRunning else { throw ShoalProcessError("\(name) ended: \(process.wait())") }
            guard let nodes = try? client.run(["node", "list", "--json"]).jsonArray() else { return false }
            return nodes.contains { $0["id"] as? String == id && $0["state"] as? String == "ready" }
        }
        return worker
    }
}

/// A TCP socket listening on `host` (connections are left in its backlog), closed on deinit.
final class LoopbackListener {
    let port: Int
    private let fd: Int32

    init(host: String = "127.0.0.1") throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ShoalProcessError("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw ShoalProcessError("bind/listen on \(host): \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}
