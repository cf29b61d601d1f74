import BlockStore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import IPLD
import ShoalTesting
import Spawning
import Testing

/// The pool from the command line: a real `shoal serve`, real `shoal worker`s and the client
/// commands, as processes on loopback.
@Suite(.ownThread, .enabled(if: geteuid() == 0, "the sandbox needs root"), .serialized)
struct PoolCommandsTests {
    /// A client folder with a tool and a spec reading `input` (a CID held by a worker).
    static func writeSpec(_ pool: LocalPool, input: String, private isPrivate: Bool = false, script: String? = nil) throws -> String {
        let folder = pool.folder
        try? folder.mkdir("project/tool")
        let tool = script ?? "wc -l < /inputs/corpus > /outputs/out/lines\necho counted lines\n"
        try? FileManager.default.removeItem(atPath: folder.file("project/tool/count.sh"))
        try folder.write("project/tool/count.sh", text: tool)
        let name = "project/p-\(UUID().uuidString.prefix(8)).yaml"
        try folder.write(name, text: """
            version: 1
            name: count-lines
            inputs:
              corpus: \(isPrivate ? "{cid: \(input), private: true}" : input)
            tasks:
              - id: count
                tool: tool
                run: [sh, count.sh]
                inputs: {corpus: {from: inputs.corpus}}
                outputs: [out]
                locality: required
            """)
        return folder.file(name)
    }

    /// A GET with an optional bearer token; returns the status.
    static func status(_ url: String, token: String? = nil) async throws -> Int {
        var request = URLRequest(url: URL(string: url)!)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    @Test func aJobFromTheCLIRunsWhereItsInputIsAndItsResultsComeBack() throws {
        let pool = try LocalPool()
        defer { pool.stop() }
        try pool.folder.write("corpus.txt", text: "a\nb\nc\n")
        var corpus = ""
        let holder = try pool.addWorker("w1") { shoal in
            corpus = try shoal.run(["add", "-Q", pool.folder.file("corpus.txt")]).line
        }
        try pool.addWorker("w2")
        let spec = try Self.writeSpec(pool, input: corpus)

        let submitted = try pool.client.run(["job", "submit", spec, "--wait", "--json"])
        #expect(submitted.succeeded, "\(submitted)")
        let final = try #require(try submitted.json()["final"] as? [String: Any])
        let job = try #require(final["id"] as? String)
        let task = try #require((final["tasks"] as? [[String: Any]])?.first)
        #expect(task["state"] as? String == "succeeded")
        #expect(task["node"] as? String == holder.id)  // compute went to the data
        let output = try #require((task["outputs"] as? [String: String])?["out"])

        let results = try pool.client.run(["job", "results", job, "-o", pool.folder.file("results")])
        #expect(results.succeeded, "\(results)")
        #expect(try String(contentsOfFile: pool.folder.file("results/count/out/lines"), encoding: .utf8) == "3\n")

        let logs = try pool.client.run(["job", "logs", job, "count"])
        #expect(logs.stdout == "counted lines\n", "\(logs)")
        let status = try pool.client.run(["job", "status", job, "--json"])
        #expect(try status.json()["state"] as? String == "succeeded")
        let listed = try pool.client.run(["job", "list", "--json"]).jsonArray()
        #expect(listed.map { $0["id"] as? String } == [job])

        // Lineage from the requester, and a verification done here from its blocks.
        let lineage = try pool.client.run(["lineage", output, "--requester", pool.url, "--format", "tree"])
        #expect(lineage.succeeded && lineage.stdout.contains("count"), "\(lineage)")
        let verified = try pool.client.run(["verify", output, "--requester", pool.url])
        #expect(verified.succeeded, "\(verified)")
        #expect(verified.stdout.contains("verdict: verified"))
    }

    @Test func aPoolResultIsRunAgainHereAndReproducesOrSaysWhatItLacks() throws {
        let pool = try LocalPool()
        defer { pool.stop() }
        try pool.folder.write("corpus.txt", text: "a\nb\nc\n")
        var corpus = ""
        try pool.addWorker("w1") { corpus = try $0.run(["add", "-Q", pool.folder.file("corpus.txt")]).line }
        let deterministic = try Self.writeSpec(pool, input: corpus)
        let submitted = try pool.client.run(["job", "submit", deterministic, "--wait", "--json"])
        #expect(submitted.succeeded, "\(submitted)")
        let final = try #require(try submitted.json()["final"] as? [String: Any])
        let task = try #require((final["tasks"] as? [[String: Any]])?.first)
        let output = try #require((task["outputs"] as? [String: String])?["out"])

        // The corpus lives on w1 only, and the requester does not pull datasets for an audit.
        let lacking = try pool.client.run(["verify", output, "--requester", pool.url, "--rerun"])
        #expect(lacking.status == 1, "\(lacking)")
        #expect(lacking.stdout.contains("verdict: verified"), "\(lacking)")
        #expect(lacking.stdout.contains("input 'corpus' (\(corpus)) is not whole here"), "\(lacking)")
        #expect(lacking.stdout.contains("must be added or fetched here"), "\(lacking)")

        // An auditor with the dataset but not the tool: the step runs on the auditor's machine (the
        // tool fetched through the requester) and gives the recorded output again; the audit's
        // pins are released after.
        var auditor = try ShoalProcess(home: pool.folder.file("auditor"))
        auditor.environment = pool.client.environment
        #expect(try auditor.run(["add", "-Q", pool.folder.file("corpus.txt")]).line == corpus)
        let pinned = try Set(auditor.run(["pin", "ls", "--json"]).jsonArray().compactMap { $0["cid"] as? String })
        #expect(pinned == [corpus])
        let blocksBefore = try #require(try auditor.run(["repo", "stat", "--json"]).json()["blocks"] as? Int)
        let rerun = try auditor.run(["verify", output, "--requester", pool.url, "--rerun", "--json"])
        #expect(rerun.succeeded, "\(rerun)")
        let document = try rerun.json()
        #expect(document["passed"] as? Bool == true)
        let reruns = try #require(document["reruns"] as? [[String: Any]])
        #expect(reruns.map { $0["task"] as? String } == ["count"])
        #expect(reruns.first?["reproduced"] as? Bool == true, "\(reruns)")
        let after = try Set(auditor.run(["pin", "ls", "--json"]).jsonArray().compactMap { $0["cid"] as? String })
        #expect(after == pinned)
        // The tool's blocks came (verified) through the requester; they stay until gc.
        let blocksAfter = try #require(try auditor.run(["repo", "stat", "--json"]).json()["blocks"] as? Int)
        #expect(blocksAfter > blocksBefore)

        // A step that does not reproduce fails the audit, naming the output that differs.
        let noisy = try Self.writeSpec(pool, input: corpus, script: "cat /proc/sys/kernel/random/uuid > /outputs/out/id\n")
        let second = try pool.client.run(["job", "submit", noisy, "--wait", "--json"])
        #expect(second.succeeded, "\(second)")
        let noisyTask = try #require(((try second.json()["final"] as? [String: Any])?["tasks"] as? [[String: Any]])?.first)
        let noisyOutput = try #require((noisyTask["outputs"] as? [String: String])?["out"])
        let differs = try auditor.run(["verify", noisyOutput, "--requester", pool.url, "--rerun"])
        #expect(differs.status == 1, "\(differs)")
        #expect(differs.stdout.contains("differs: out: recorded \(noisyOutput)"), "\(differs)")
    }

    @Test func aFailingJobExitsNonZeroNamingTheTaskAndItsStderr() throws {
        let pool = try LocalPool()
        defer { pool.stop() }
        try pool.folder.write("corpus.txt", text: "x\n")
        var corpus = ""
        try pool.addWorker("w1") { corpus = try $0.run(["add", "-Q", pool.folder.file("corpus.txt")]).line }
        let spec = try Self.writeSpec(pool, input: corpus, script: "echo 'no such column' >&2\nexit 3\n")
        let result = try pool.client.run(["job", "submit", spec, "--wait"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("task 'count' failed"), "\(result)")
        #expect(result.stderr.contains("| no such column"), "\(result)")
        #expect(result.stderr.contains("(full logs: shoal job logs "), "\(result)")
        let invalid = try pool.client.run(["job", "submit", pool.folder.file("nope.yaml")])
        #expect(invalid.status == 1)
        #expect(!invalid.stderr.contains("Fatal"))
    }

    @Test func logsFollowARunningTaskAndCancelStopsItOnItsWorker() throws {
        let pool = try LocalPool()
        defer { pool.stop() }
        try pool.folder.write("corpus.txt", text: "x\n")
        var corpus = ""
        let worker = try pool.addWorker("w1") { corpus = try $0.run(["add", "-Q", pool.folder.file("corpus.txt")]).line }
        // Two lines a little apart, then the task runs until it is cancelled.
        let spec = try Self.writeSpec(pool, input: corpus, script: "echo one\nsleep 0.5\necho two\nsleep 600\n")
        let job = try pool.client.run(["job", "submit", spec, "--json"]).json()["job"] as? [String: Any]
        let id = try #require(job?["id"] as? String)
        let follow = try pool.client.start(["job", "logs", id, "count", "--follow"])
        try waitUntil("the task writes its second line") {
            try pool.client.run(["job", "logs", id, "count"]).stdout == "one\ntwo\n"
        }
        let cancelled = try pool.client.run(["job", "cancel", id])
        #expect(cancelled.succeeded && cancelled.stdout.contains("cancelled"), "\(cancelled)")
        let followed = follow.wait()  // the stream ends with the task
        #expect(followed.stdout == "one\ntwo\n", "\(followed)")
        // The worker stopped the step: its execution ended there (its journal entry is gone)
        // long before the step's own 600 s.
        try waitUntil("the worker stops the step") {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: worker.home + "/agent/executions")) ?? []
            return entries.isEmpty
        }
        let status = try pool.client.run(["job", "status", id, "--json"]).json()
        #expect(status["state"] as? String == "cancelled")
    }

    @Test func nodeListAndTokensFromTheCLI() throws {
        let pool = try LocalPool()
        defer { pool.stop() }
        let w1 = try pool.addWorker("w1")
        let nodes = try pool.client.run(["node", "list", "--json"]).jsonArray()
        #expect(nodes.map { $0["id"] as? String } == [w1.id])
        #expect((nodes.first?["labels"] as? [String: String]) == ["name": "w1"])
        #expect(nodes.first?["url"] as? String == w1.url)
        let table = try pool.client.run(["node", "list"])
        #expect(table.stdout.contains("STATE") && table.stdout.contains("ready") && table.stdout.contains("name=w1"), "\(table)")
        // SLOTS is used/total, known from the join on (the worker joined with one slot).
        #expect(table.stdout.split(separator: "\n").last?.contains(" 0/1 ") == true, "\(table)")
        #expect(nodes.first?["usedSlots"] as? Int == 0)

        let created = try pool.client.run(["token", "create", "--role", "client", "--note", "ci", "--json"]).json()
        let (id, secret) = (try #require(created["id"] as? String), try #require(created["token"] as? String))
        var asClient = pool.client
        asClient.environment["SHOAL_TOKEN"] = secret
        #expect(try asClient.run(["node", "list"]).succeeded)
        let forbidden = try asClient.run(["token", "list"])
        #expect(forbidden.status == 1 && forbidden.stderr.contains("403"), "\(forbidden)")
        let listed = try pool.client.run(["token", "list", "--json"]).jsonArray()
        #expect(listed.contains { $0["id"] as? String == id && $0["note"] as? String == "ci" })
        #expect(try pool.client.run(["token", "revoke", id]).succeeded)
        let revoked = try asClient.run(["node", "list"])
        #expect(revoked.status == 1 && revoked.stderr.contains("401"), "\(revoked)")
    }

    @Test func aWorkersGatewayNeedsAPeerTicketAndAPrivateInputNeverLeavesItsWorker() async throws {
        let pool = try LocalPool()
        defer { pool.stop() }
        try pool.folder.write("secret.csv", text: "patient,1\npatient,2\n")
        let scrape = "scrape-\(UUID().uuidString)"
        try pool.folder.write("metrics.token", text: scrape + "\n")
        var secret = ""
        let holder = try pool.addWorker("w1", arguments: ["--metrics-token-file", pool.folder.file("metrics.token")]) { shoal in
            secret = try shoal.run(["add", "-Q", pool.folder.file("secret.csv")]).line
            #expect(try shoal.run(["pin", "add", "--private", secret]).succeeded)
        }
        try pool.addWorker("w2")
        // The worker's gateway answers nothing without a peer ticket of the pool (and a ticket gets
        // no private block: 404).
        #expect(try await Self.status("\(holder.url)/ipfs/\(secret)?format=raw") == 401)
        #expect(try await Self.status("\(holder.url)/ipfs/\(secret)?format=raw", token: pool.adminToken) == 401)
        #expect(try await Self.status("\(holder.url)/ipfs/\(secret)?format=raw", token: try pool.peerTicket()) == 404)
        #expect(try await Self.status("\(holder.url)/healthz") == 200)
        // The scrape token opens /metrics, and nothing else.
        #expect(try await Self.status("\(holder.url)/metrics", token: scrape) == 200)
        #expect(try await Self.status("\(holder.url)/ipfs/\(secret)?format=raw", token: scrape) == 401)
        try pool.folder.write("short.token", text: "short\n")
        let refused = try ShoalProcess(home: pool.folder.file("w9")).run([
            "worker", "--requester", pool.url, "--token", pool.workerToken, "--metrics-token-file", pool.folder.file("short.token"),
        ])
        #expect(refused.status != 0 && refused.stderr.contains("at least 16 characters"), "\(refused)")

        // A job on the private input runs on its holder, and its result comes back; the input does not.
        let spec = try Self.writeSpec(pool, input: secret, private: true)
        let submitted = try pool.client.run(["job", "submit", spec, "--wait", "--json"])
        #expect(submitted.succeeded, "\(submitted)")
        let task = try #require(((try submitted.json()["final"] as? [String: Any])?["tasks"] as? [[String: Any]])?.first)
        #expect(task["node"] as? String == holder.id)
        #expect(try await Self.status("\(pool.url)/ipfs/\(secret)?format=raw", token: pool.adminToken) == 404)
        #expect(try !Repo(home: pool.requesterHome).has(try CID(secret)))
        #expect(try !Repo(home: pool.worker("w2").home).has(try CID(secret)))
    }

    @Test func sigtermStopsAWorkerCleanlyAndItLeavesThePool() throws {
        let pool = try LocalPool()
        defer { pool.stop() }
        let worker = try pool.addWorker("w1")
        let process = try #require(worker.process)
        process.kill(SIGTERM)
        let ended = process.wait()
        #expect(ended.status == 0, "\(ended)")
        #expect(ended.stderr.contains("left the pool"), "\(ended)")
        let nodes = try pool.client.run(["node", "list", "--json"]).jsonArray()
        #expect(nodes.first?["state"] as? String == "down")
    }

    @Test func devClusterStartsAPoolAndStopsEveryProcess() throws {
        let folder = TemporaryDirectory("dev-cluster")
        let shoal = try ShoalProcess(home: folder.file("home"))
        let port = try freePort(count: 3)
        let cluster = try shoal.start(["dev-cluster", "--workers", "2", "--base-port", String(port), "--folder", folder.file("nodes")])
        defer { if cluster.isRunning { cluster.kill(SIGKILL) } }
        _ = try waitForFile(folder.file("home/config.json"), process: cluster, seconds: 120)
        let nodes = try shoal.run(["node", "list", "--json"]).jsonArray()
        #expect(nodes.count == 2)
        #expect(Set(nodes.compactMap { ($0["labels"] as? [String: String])?["name"] }) == ["w1", "w2"])
        // The workers' token is not on their command lines, which every user can read.
        let workerLines = Self.commandLines().filter { $0.contains("worker") && $0.contains("127.0.0.1:\(port + 1)") }
        #expect(workerLines.count == 1, "\(workerLines)")
        #expect(!workerLines.contains { $0.contains("shoal_") || $0.contains("--token") }, "\(workerLines)")
        cluster.kill(SIGTERM)
        let ended = cluster.wait()
        #expect(ended.status == 0, "\(ended)")
        #expect(ended.stdout.contains("dev cluster running"))
        #expect(!FileManager.default.fileExists(atPath: folder.file("home/config.json")))
        // Nothing is left listening.
        let after = try shoal.run(["node", "list", "--requester", "http://127.0.0.1:\(port)", "--token", "x"])
        #expect(after.status == 1 && after.stderr.contains("unreachable"), "\(after)")

        // Started again on the same homes: the first start's worker token is revoked, not piled up.
        let again = try shoal.start(["dev-cluster", "--workers", "1", "--base-port", String(port), "--folder", folder.file("nodes")])
        defer { if again.isRunning { again.kill(SIGKILL) } }
        _ = try waitForFile(folder.file("home/config.json"), process: again, seconds: 120)
        let tokens = try shoal.run(["token", "list", "--json"]).jsonArray().filter { $0["note"] as? String == "dev-cluster" }
        #expect(tokens.count == 2, "\(tokens)")
        #expect(tokens.filter { $0["revoked"] == nil }.count == 1, "\(tokens)")
        again.kill(SIGTERM)
        #expect(again.wait().status == 0)
    }

    @Test func aNodeThatCannotStartSaysWhyInOneClearLine() throws {
        let pool = try LocalPool()
        defer { pool.stop() }
        let address = "127.0.0.1:\(pool.port)"
        let serve = try ShoalProcess(home: pool.folder.file("second")).run(["serve", "--listen", address])
        #expect(serve.status == 1, "\(serve)")
        #expect(serve.stderr.hasSuffix("error: cannot listen on \(address): address already in use\n"), "\(serve)")
        var worker = try ShoalProcess(home: pool.folder.file("worker"))
        worker.environment = pool.client.environment
        let joined = try worker.run(["worker", "--listen", address])
        #expect(joined.status == 1, "\(joined)")
        #expect(joined.stderr.hasSuffix("error: cannot listen on \(address): address already in use\n"), "\(joined)")
        // A worker whose token the requester refuses stops its gateway cleanly: no errors about
        // its own shutdown around the one that matters.
        let refused = try worker.run(["worker", "--listen", "127.0.0.1:0", "--token", "shoal_bogus"])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("401 unauthorized"), "\(refused)")
        #expect(!refused.stderr.contains("HummingbirdCore"), "\(refused)")
    }

    /// Every process's command line, arguments joined by spaces.
    static func commandLines() -> [String] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { Int($0) != nil } ?? []
        return pids.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
            return String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs openssl to make a certificate"))
    func anHTTPSRequesterIsReachedWithItsCACertificate() throws {
        let certs = TemporaryDirectory("tls")
        let made = SpawnedProcess.output(of: [
            "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", certs.file("key.pem"), "-out", certs.file("cert.pem"),
        ])
        try #require(made.status == 0, "\(made.output)")
        let pool = try LocalPool(extraServeArguments: ["--tls-cert", certs.file("cert.pem"), "--tls-key", certs.file("key.pem")], scheme: "https")
        defer { pool.stop() }
        var trusted = pool.client
        trusted.environment["SHOAL_CA_CERT"] = certs.file("cert.pem")
        try waitUntil("the https requester answers") { try trusted.run(["node", "list"]).succeeded }
        let untrusted = try pool.client.run(["node", "list"])
        #expect(untrusted.status == 1 && untrusted.stderr.contains("TLS"), "\(untrusted)")
    }
}
