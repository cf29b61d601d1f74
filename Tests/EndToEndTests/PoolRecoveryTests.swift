import BlockStore
import Foundation
import IPLD
import JobStore
import PoolAPI
import Provenance
import ShoalTesting
import Testing

/// The pool when things break: a worker killed mid-step, the requester killed mid-job, a peer
/// serving a corrupted block. Real `shoal serve` / `shoal worker` processes on loopback, killed
/// with SIGKILL and started again on the same homes.
@Suite(.ownThread, .enabled(if: geteuid() == 0, "the sandbox needs root"), .serialized)
struct PoolRecoveryTests {
    /// The names in `folder` (none when it does not exist).
    static func entries(_ folder: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    }

    /// A join challenge from the requester, asked for with the worker token.
    static func challenge(_ pool: LocalPool) async throws -> JoinChallenge {
        let answer = try await pool.request("POST", "/api/v1/nodes/challenge", token: pool.workerToken)
        #expect(answer.status == 200, "\(answer.body)")
        return try PoolAPI.decoder.decode(JoinChallenge.self, from: JSONSerialization.data(withJSONObject: answer.body))
    }

    /// A message as the JSON object ``LocalPool/request(_:_:token:json:)`` sends.
    static func json(_ message: some Encodable) throws -> Any {
        try JSONSerialization.jsonObject(with: PoolAPI.encoder.encode(message))
    }

    /// A project folder with a spec of `tasks` (YAML list items) reading input `corpus`.
    static func writeSpec(_ pool: LocalPool, corpus: String, tasks: String, tool: String? = nil) throws -> String {
        let folder = pool.folder
        try? folder.mkdir("project/tool")
        if let tool { try folder.write("project/tool/step.sh", text: tool) }
        let name = "project/p-\(UUID().uuidString.prefix(8)).yaml"
        try folder.write(name, text: """
            version: 1
            name: recovery
            inputs:
              corpus: \(corpus)
            tasks:
            \(tasks)
            """)
        return folder.file(name)
    }

    // MARK: A worker killed mid-step

    /// Pins a corpus of `lines` lines on two workers, submits a one-task job counting them whose
    /// step prints `started`, sleeps 8 s, then writes the count and prints `finished`, and waits
    /// until the step has started; returns the job id and the corpus CID.
    static func startSlowCount(in pool: LocalPool, lines: Int) throws -> (job: String, corpus: String) {
        try pool.folder.write("corpus.txt", text: (0..<lines).map { "line \($0)\n" }.joined())
        var corpus = ""
        for name in ["w1", "w2"] {  // the dataset is pinned on both
            try pool.addWorker(name) { corpus = try $0.run(["add", "-Q", pool.folder.file("corpus.txt")]).line }
        }
        let spec = try writeSpec(pool, corpus: corpus, tasks: """
              - id: count
                tool: tool
                run: [sh, step.sh]
                inputs: {corpus: {from: inputs.corpus}}
                outputs: [out]
                locality: required
            """, tool: "echo started\nsleep 8\nwc -l < /inputs/corpus > /outputs/out/lines\necho finished\n")
        let job = try pool.submit(spec)
        try waitUntil("the step starts", seconds: 120) {
            try pool.client.run(["job", "logs", job, "count"]).stdout.contains("started")
        }
        return (job, corpus)
    }

    @Test func aWorkerKilledMidStepIsReplacedAndOnlyTheOtherNodesResultIsRecorded() async throws {
        let pool = try LocalPool()
        defer { pool.stop() }
        let (job, corpus) = try Self.startSlowCount(in: pool, lines: 4)
        let running = try pool.task("count", of: job)
        #expect(running["state"] as? String == "running")
        let victim = try #require(pool.workers.first { $0.id == running["node"] as? String })
        let survivor = try #require(pool.workers.first { $0.id != victim.id })
        let journal = victim.home + "/agent/executions", work = victim.home + "/work"
        #expect(Self.entries(journal).count == 1 && Self.entries(work).count == 1, "the victim runs the step")

        let crashed = try #require(pool.crashWorker(victim.name))
        #expect(crashed.status == 128 + SIGKILL)
        // The dead process left its journal entry and its scratch folder behind.
        #expect(Self.entries(journal).count == 1 && Self.entries(work).count == 1)

        let final = try pool.waitForJob(job)
        #expect(final["state"] as? String == "succeeded", "\(final)")
        let task = try pool.task("count", of: job)
        #expect(task["state"] as? String == "succeeded")
        #expect(task["node"] as? String == survivor.id)
        #expect(task["attempts"] as? Int == 2)
        let outputs = try #require(task["outputs"] as? [String: String])
        #expect(outputs.count == 1)
        let output = try #require(outputs["out"])
        let step = try #require(task["step"] as? String)

        // The requester's record: attempt 1 lost on the victim, attempt 2 reported by the survivor.
        let executions = try JobStore(home: pool.requesterHome).executions(job: job, task: "count").sorted { $0.attempt < $1.attempt }
        #expect(executions.map(\.state) == [.lost, .reported])
        #expect(executions.map(\.node) == [victim.id, survivor.id])
        let lost = try #require(executions.first)

        #expect(try pool.client.run(["job", "results", job, "-o", pool.folder.file("results")]).succeeded)
        #expect(try String(contentsOfFile: pool.folder.file("results/count/out/lines"), encoding: .utf8) == "4\n")
        // One step made the output: the survivor's.
        let lineage = try pool.client.run(["lineage", output, "--requester", pool.url, "--format", "json"]).json()
        let steps = (lineage["nodes"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "step" }
        #expect(steps.map { $0["cid"] as? String } == [step], "\(lineage)")
        #expect(steps.first?["node"] as? String == survivor.id)
        let verified = try pool.client.run(["verify", output, "--requester", pool.url])
        #expect(verified.succeeded && verified.stdout.contains("verdict: verified"), "\(verified)")

        // The shared worker token alone cannot take over the victim's name: a join without a
        // proof, or signed by another key, is refused.
        let join = JoinRequest(
            node: victim.id, url: victim.url, labels: ["name": victim.name],
            capacity: Capacity(slots: 1, milliCPU: 1000, memory: 0, disk: 0))
        let unsigned = try await pool.request("POST", "/api/v1/nodes/join", token: pool.workerToken, json: Self.json(join))
        #expect(unsigned.status == 401, "\(unsigned.body)")
        let impostor = NodeIdentity.generate()
        var forged = join
        forged.proof = try JoinRequest(node: impostor.didKey.string, url: victim.url, capacity: join.capacity)
            .signed(with: impostor, challenge: try await Self.challenge(pool)).proof
        let refused = try await pool.request("POST", "/api/v1/nodes/join", token: pool.workerToken, json: Self.json(forged))
        #expect(refused.status == 401, "\(refused.body)")

        // A late report of the lost attempt, in the victim's name and with a valid credential of
        // its node, is refused (409), and the recorded result stays the survivor's. The credential
        // comes from a join signed with the victim's own key, read from its home: the genuine node
        // coming back (a stalled process, say) while its attempt was already given away.
        let key = try NodeIdentity.load(from: NodeIdentity.keyPath(home: victim.home))
        let genuine = try join.signed(with: key, challenge: try await Self.challenge(pool))
        let joined = try await pool.request("POST", "/api/v1/nodes/join", token: pool.workerToken, json: Self.json(genuine))
        #expect(joined.status == 200, "\(joined.body)")
        let credential = try #require(joined.body["credential"] as? String)
        let late = try await pool.request("POST", "/api/v1/executions/\(lost.id)/report", token: credential, json: [
            "outcome": [
                "jobID": job, "taskID": "count", "attempt": lost.attempt, "status": "succeeded", "recipe": corpus,
                "outputs": ["out": corpus], "outputBytes": 8, "node": victim.id,
            ] as [String: Any],
        ])
        #expect(late.status == 409, "\(late.body)")
        let after = try pool.task("count", of: job)
        #expect(after["outputs"] as? [String: String] == ["out": output] && after["node"] as? String == survivor.id)
        #expect(try JobStore(home: pool.requesterHome).execution(lost.id)?.state == .lost)

        // Started again on its home, the victim joins and removes what its dead process left.
        let restarted = try pool.restartWorker(victim.name)
        let log = pool.log(of: restarted.name)
        #expect(log.contains("cleaned up execution \(lost.id)"), "\(log)")
        #expect(Self.entries(journal).isEmpty)
        #expect(Self.entries(work).isEmpty)
        let nodes = try pool.client.run(["node", "list", "--json"]).jsonArray()
        #expect(nodes.first { $0["id"] as? String == victim.id }?["state"] as? String == "ready")
        #expect(try pool.jobStatus( job)["state"] as? String == "succeeded")
    }

    // MARK: The requester killed mid-job

    @Test func aRequesterKilledMidJobIsRestartedAndTheJobFinishesWithNothingLost() throws {
        let pool = try LocalPool()
        defer { pool.stop() }
        try pool.folder.write("corpus.txt", text: "a\nb\nc\n")
        var corpus = ""
        let worker = try pool.addWorker("w1") { corpus = try $0.run(["add", "-Q", pool.folder.file("corpus.txt")]).line }
        let spec = try Self.writeSpec(pool, corpus: corpus, tasks: """
              - id: count
                run: [sh, -c, "wc -l < /inputs/corpus > /outputs/out/lines"]
                inputs: {corpus: {from: inputs.corpus}}
                outputs: [out]
              - id: report
                tool: tool
                run: [sh, step.sh]
                inputs: {lines: {from: count.out}}
                outputs: [report]
            """, tool: "echo started\nsleep 8\necho \"lines: $(cat /inputs/lines/lines)\" > /outputs/report/report.txt\necho finished\n")
        let job = try pool.submit(spec)
        try waitUntil("the second step starts", seconds: 120) {
            try pool.client.run(["job", "logs", job, "report"]).stdout.contains("started")
        }
        let before = try pool.jobStatus( job)
        let count = try #require((before["tasks"] as? [[String: Any]])?.first { $0["id"] as? String == "count" })
        #expect(count["state"] as? String == "succeeded")
        let countOutputs = try #require(count["outputs"] as? [String: String])
        let countStep = try #require(count["step"] as? String)

        let crashed = try #require(pool.crashRequester())
        #expect(crashed.status == 128 + SIGKILL)
        // The worker notices and keeps its step running.
        try waitUntil("the worker loses the requester", seconds: 60) { pool.log(of: "w1").contains("heartbeat failed") }
        try pool.restartRequester()

        let final = try pool.waitForJob(job)
        #expect(final["state"] as? String == "succeeded", "\(final)")
        let tasks = try #require(final["tasks"] as? [[String: Any]])
        let first = try #require(tasks.first { $0["id"] as? String == "count" })
        #expect(first["outputs"] as? [String: String] == countOutputs)
        #expect(first["step"] as? String == countStep)
        #expect(first["attempts"] as? Int == 1)
        let second = try #require(tasks.first { $0["id"] as? String == "report" })
        #expect(second["state"] as? String == "succeeded")
        #expect(second["node"] as? String == worker.id)
        #expect(second["attempts"] as? Int == 1, "the running step carried on through the restart")
        let report = try #require((second["outputs"] as? [String: String])?["report"])

        #expect(try pool.client.run(["job", "list", "--json"]).jsonArray().map { $0["id"] as? String } == [job])
        #expect(try pool.client.run(["job", "results", job, "-o", pool.folder.file("results")]).succeeded)
        #expect(try String(contentsOfFile: pool.folder.file("results/report/report/report.txt"), encoding: .utf8) == "lines: 3\n")
        #expect(try pool.client.run(["job", "logs", job, "report"]).stdout == "started\nfinished\n")
        // Both steps are on the output's lineage, as the requester knows it.
        let lineage = try pool.client.run(["lineage", report, "--requester", pool.url, "--format", "json"]).json()
        let steps = (lineage["nodes"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "step" }
        #expect(Set(steps.compactMap { $0["task"] as? String }) == ["count", "report"], "\(lineage)")
        #expect(worker.process?.isRunning == true)
        // It reported the step once the requester was back.
        let log = pool.log(of: "w1")
        let lostContact = try #require(log.range(of: "heartbeat failed", options: .backwards))
        #expect(log[lostContact.upperBound...].contains("succeeded reported"), "\(log)")
    }

    // MARK: A worker that dies while the requester is down

    @Test func aWorkerThatDiesWhileTheRequesterIsDownRejoinsAndItsStepRunsAgain() throws {
        let pool = try LocalPool()
        defer { pool.stop() }
        let job = try Self.startSlowCount(in: pool, lines: 2).job
        let victim = try #require(pool.workers.first { $0.id == (try? pool.task("count", of: job))?["node"] as? String })
        let journal = victim.home + "/agent/executions"
        #expect(Self.entries(journal).count == 1)

        pool.crashRequester()
        pool.crashWorker(victim.name)
        // Back first, the worker cleans up, then waits for the requester.
        try pool.restartWorker(victim.name, waitForJoin: false)
        try waitUntil("the worker waits for the requester", seconds: 60) { pool.log(of: victim.name).contains("cannot join yet") }
        #expect(pool.log(of: victim.name).contains("cleaned up execution"))
        #expect(Self.entries(journal).isEmpty)
        try pool.restartRequester()
        try waitUntil("the worker joins", seconds: 60) { pool.log(of: victim.name).contains("joined the pool") }

        let final = try pool.waitForJob(job)
        #expect(final["state"] as? String == "succeeded", "\(final)")
        let task = try pool.task("count", of: job)
        #expect(task["attempts"] as? Int == 2)
        let executions = try JobStore(home: pool.requesterHome).executions(job: job, task: "count").sorted { $0.attempt < $1.attempt }
        #expect(executions.map(\.state) == [.lost, .reported])
        #expect(executions.first?.node == victim.id)
        #expect(try pool.client.run(["job", "results", job, "-o", pool.folder.file("results")]).succeeded)
        #expect(try String(contentsOfFile: pool.folder.file("results/count/out/lines"), encoding: .utf8) == "2\n")
        let nodes = try pool.client.run(["node", "list", "--json"]).jsonArray()
        #expect(nodes.filter { $0["state"] as? String == "ready" }.count == 2, "\(nodes)")
    }

    // MARK: A peer serving a corrupted block

    @Test func aCorruptedBlockOnOneProviderIsRefusedAndTheInputComesFromAnother() throws {
        let pool = try LocalPool()
        defer { pool.stop() }
        // About 600 KB of text: three 256 KiB leaves under one root.
        var text = ""
        var row = 0
        while text.utf8.count < 600_000 {
            text += "row \(row) \(SplitMix64.bytes(seed: UInt64(row), count: 8).map { String($0, radix: 16) }.joined())\n"
            row += 1
        }
        try pool.folder.mkdir("project/data")
        try pool.folder.write("project/data/corpus.txt", text: text)
        let corpus = try pool.client.run(["add", "-Q", "--only-hash", pool.folder.file("project/data/corpus.txt")]).line

        // The holder's copy of the middle leaf is corrupted on disk before it starts.
        var corrupted: CID?
        let holder = try pool.addWorker("w1") { shoal in
            #expect(try shoal.run(["add", "-Q", pool.folder.file("project/data/corpus.txt")]).line == corpus)
            let repo = try Repo(home: shoal.home)
            let root = try CID(corpus)
            let leaves = try BlockLinks.of(try repo.block(root), codec: root.codec)
            try #require(leaves.count == 3)
            let path = repo.blocks.filePath(for: leaves[1].multihash)
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[1000] ^= 0xFF
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            corrupted = leaves[1]
        }
        let bad = try #require(corrupted)
        let fetcher = try pool.addWorker("w2")
        // The step must run on w2, which holds nothing: its providers are the holder (first) and
        // the requester, which keeps the copy uploaded with the job.
        let spec = try Self.writeSpec(pool, corpus: "data/corpus.txt", tasks: """
              - id: digest
                run: [sh, -c, "cp /inputs/corpus /outputs/out/copy"]
                inputs: {corpus: {from: inputs.corpus}}
                outputs: [out]
                locality: any
                constraints: ["name=w2"]
            """)
        let submitted = try pool.client.run(["job", "submit", spec, "--wait", "--json"])
        #expect(submitted.succeeded, "\(submitted)")
        let final = try #require(try submitted.json()["final"] as? [String: Any])
        let job = try #require(final["id"] as? String)
        let task = try #require((final["tasks"] as? [[String: Any]])?.first)
        #expect(task["node"] as? String == fetcher.id)
        #expect(try pool.client.run(["job", "results", job, "-o", pool.folder.file("results")]).succeeded)
        #expect(try String(contentsOfFile: pool.folder.file("results/digest/out/copy"), encoding: .utf8) == text)

        // The holder refused to serve its corrupt block; the fetcher recorded the holder's
        // failure and got the rest elsewhere.
        let holderLog = pool.log(of: "w1")
        #expect(holderLog.contains("stored block \(bad) does not match its hash"), "\(holderLog)")
        let fetcherLog = pool.log(of: "w2")
        #expect(fetcherLog.contains("fetch \(corpus): \(holder.url)"), "\(fetcherLog)")
        #expect(fetcherLog.contains("fetched input 'corpus' \(corpus)"), "\(fetcherLog)")

        // What the fetcher stored is sound.
        pool.stop()
        let verified = try fetcher.shoal.run(["repo", "verify"])
        #expect(verified.succeeded, "\(verified)")
        let repo = try Repo(home: fetcher.home)
        #expect(bad.verifies(try repo.block(bad)))
        #expect(try repo.pins(mode: .recursive).contains { $0.cid == (try CID(corpus)) })
    }
}
