import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ShoalTesting
import Spawning
import Testing

/// The pool across a real network: the requester on the host, each worker in a network namespace
/// of its own, joined by veth pairs and a bridge (``NamespaceNetwork``).
@Suite(.ownThread, 
    .enabled(if: NamespaceNetwork.unavailableReason == nil, "needs root, a working `ip netns add` (iproute2) and nsenter"),
    .serialized)
struct PoolNetworkNamespaceTests {
    /// A GET with a bearer token (a peer ticket); returns the body.
    static func get(_ url: String, token: String) async throws -> String {
        var request = URLRequest(url: URL(string: url)!, timeoutInterval: 10)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else { throw ShoalProcessError("GET \(url): \(status)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// `bytes` as lines of 64 hex digits.
    static func hexLines(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2 + bytes.count / 32 + 1)
        for (index, byte) in bytes.enumerated() {
            text += [digits[Int(byte >> 4)], digits[Int(byte & 15)]]
            if index % 32 == 31 { text.append(UInt8(ascii: "\n")) }
        }
        return String(decoding: text, as: UTF8.self) + "\n"
    }

    /// The value of the Prometheus sample `series` (name and labels as written) in `text`.
    static func sample(_ series: String, in text: String) -> Int64? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Int64($0.dropFirst(series.count + 1)) }
    }

    @Test func aTaskOnAnotherNamespaceFetchesItsInputAcrossTheNetworkAndItsResultComesBack() async throws {
        let network = try NamespaceNetwork()
        defer { network.tearDown() }
        let (nodeA, nodeB) = (try network.addNode("w1"), try network.addNode("w2"))
        let pool = try LocalPool(host: network.hostAddress)
        defer { pool.stop() }

        // A dataset of a few blocks, pinned on w1 only.
        let text = Self.hexLines(SplitMix64.bytes(seed: 213, count: 300_000))
        try pool.folder.write("corpus.txt", text: text)
        var corpus = ""
        // w1 listens on every address of its namespace and says where peers reach it; w2 listens
        // on its address only, which is then also the URL it announces.
        let holder = try pool.startWorker(
            "w1", on: nodeA, network: network,
            arguments: ["--listen", "0.0.0.0:\(NamespacedWorker.port)", "--advertise", "http://\(nodeA.address):\(NamespacedWorker.port)"]
        ) { corpus = try $0.run(["add", "-Q", pool.folder.file("corpus.txt")]).line }
        let runner = try pool.startWorker("w2", on: nodeB, network: network, arguments: ["--listen", "\(nodeB.address):\(NamespacedWorker.port)"])
        var stopped: [String: ShoalProcess.Result] = [:]
        defer { for worker in [runner, holder] where stopped[worker.name] == nil { _ = worker.stop() } }

        // Each worker is the `shoal` process itself (`nsenter` execs it), inside its namespace.
        let binary = try ShoalProcess.findBinary()
        for worker in [holder, runner] {
            let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(worker.process.pid)/exe")
            #expect(URL(fileURLWithPath: exe).resolvingSymlinksInPath() == URL(fileURLWithPath: binary).resolvingSymlinksInPath())
            let netns = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(worker.process.pid)/ns/net")
            let inode = try #require(NamespaceNetwork.inode(of: worker.node.namespace))
            #expect(netns == "net:[\(inode)]")
            #expect(netns != (try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")))
        }

        // The requester knows each worker by its address on the network.
        let nodes = try pool.client.run(["node", "list", "--json"]).jsonArray()
        let urls = Dictionary(uniqueKeysWithValues: nodes.compactMap { node in (node["id"] as? String).map { ($0, node["url"] as? String) } })
        #expect(urls[holder.id] == holder.url)
        #expect(urls[runner.id] == runner.url)

        // The task may only run on w2, so w2 fetches the input from w1's gateway.
        try? pool.folder.mkdir("project/tool")
        try pool.folder.write("project/tool/count.sh", text: "wc -c < /inputs/corpus > /outputs/out/bytes\n")
        try pool.folder.write("project/across.yaml", text: """
            version: 1
            name: across-namespaces
            inputs:
              corpus: \(corpus)
            tasks:
              - id: count
                tool: tool
                run: [sh, count.sh]
                inputs: {corpus: {from: inputs.corpus}}
                outputs: [out]
                constraints: ["name=w2"]
                locality: any
            """)
        let submitted = try pool.client.run(["job", "submit", pool.folder.file("project/across.yaml"), "--wait", "--json"])
        #expect(submitted.succeeded, "\(submitted)")
        let final = try #require(try submitted.json()["final"] as? [String: Any])
        let task = try #require((final["tasks"] as? [[String: Any]])?.first)
        #expect(task["state"] as? String == "succeeded")
        #expect(task["node"] as? String == runner.id)

        // The result comes back to the client on the host.
        let job = try #require(final["id"] as? String)
        let results = try pool.client.run(["job", "results", job, "-o", pool.folder.file("results")])
        #expect(results.succeeded, "\(results)")
        let counted = try String(contentsOfFile: pool.folder.file("results/count/out/bytes"), encoding: .utf8)
        #expect(counted.trimmingCharacters(in: .whitespacesAndNewlines) == String(text.utf8.count))

        // The bytes crossed the network: w2 fetched them, w1's gateway served them.
        let peerToken = try pool.peerTicket()
        let runnerMetrics = try await Self.get(runner.url + "/metrics", token: peerToken)
        let holderMetrics = try await Self.get(holder.url + "/metrics", token: peerToken)
        let fetched = try #require(Self.sample("shoal_worker_input_bytes_total{source=\"fetched\"}", in: runnerMetrics), "\(runnerMetrics)")
        #expect(fetched >= Int64(text.utf8.count))
        #expect(Self.sample("shoal_worker_input_bytes_total{source=\"local\"}", in: runnerMetrics) == 0)
        let served = try #require(Self.sample("shoal_worker_gateway_bytes_total", in: holderMetrics), "\(holderMetrics)")
        #expect(served >= Int64(text.utf8.count))

        // Both workers leave cleanly on SIGTERM delivered to the pid we started.
        for worker in [runner, holder] {
            let ended = worker.stop()
            stopped[worker.name] = ended
            #expect(ended.status == 0, "\(ended)")
            #expect(ended.stderr.contains("left the pool"), "\(ended)")
        }
    }

    @Test func aNamespaceIsAnotherNetworkItCannotReachTheHostsLoopback() throws {
        let network = try NamespaceNetwork()
        defer { network.tearDown() }
        let node = try network.addNode("w1")
        let loopback = try LoopbackListener()
        let onNetwork = try LoopbackListener(host: network.hostAddress)
        // The probe works: the host reaches both, the namespace reaches the host over the veth...
        #expect(try network.connects(from: nil, to: "127.0.0.1", port: loopback.port))
        #expect(try network.connects(from: node, to: network.hostAddress, port: onNetwork.port))
        // ...but 127.0.0.1 inside the namespace is its own: the host's loopback is out of reach.
        #expect(try !network.connects(from: node, to: "127.0.0.1", port: loopback.port))
    }

    @Test func aWorkerStartedWithIpNetnsExecSaysToEnterOnlyTheNetworkNamespace() throws {
        let network = try NamespaceNetwork()
        defer { network.tearDown() }
        let node = try network.addNode("w1")
        let folder = TemporaryDirectory("netns-exec")
        var shoal = try ShoalProcess(home: folder.file("home"))
        // `ip netns exec` remounts /sys, so the cgroup controllers the sandbox needs are not there.
        shoal.launcher = [try NamespaceNetwork.ipPath(), "netns", "exec", node.namespace]
        let result = try shoal.run([
            "worker", "--requester", "http://\(network.hostAddress):1", "--token", "x", "--listen", "\(node.address):\(NamespacedWorker.port)",
        ])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("nsenter --net=/run/netns/NAME"), "\(result)")
        #expect(!result.stderr.contains("mount -t cgroup"), "\(result)")
    }

    @Test func tearDownAndTheNextRunRemoveNamespacesAndLinks() throws {
        let ip = try NamespaceNetwork.ipPath()
        let listNamespaces = { NamespaceNetwork.execute([ip, "netns", "list"]).output }
        let listLinks = { NamespaceNetwork.execute([ip, "-o", "link", "show"]).output }

        let network = try NamespaceNetwork()
        _ = try network.addNode("w1")
        #expect(listNamespaces().contains(network.tag + "-w1"))
        network.tearDown()
        #expect(!listNamespaces().contains(network.tag + "-"), "\(listNamespaces())")
        #expect(!listLinks().contains(": \(network.hostLink)"), "\(listLinks())")

        // What a crashed run (a pid that is gone) left behind is removed by the next one.
        let gone = try SpawnedProcess(executable: "/bin/true", arguments: [], environment: [:])
        gone.wait()
        let (namespace, link) = ("\(NamespaceNetwork.namespacePrefix)\(gone.pid)-1-w1", "\(NamespaceNetwork.linkPrefix)\(gone.pid)x1")
        defer { NamespaceNetwork.remove(namespaces: [namespace], links: [link]) }
        #expect(NamespaceNetwork.execute([ip, "netns", "add", namespace]).status == 0)
        #expect(NamespaceNetwork.execute([ip, "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", namespace]).status == 0)
        NamespaceNetwork.removeStale()
        #expect(!listNamespaces().contains(namespace), "\(listNamespaces())")
        #expect(!listLinks().contains(": \(link)"), "\(listLinks())")
    }
}
