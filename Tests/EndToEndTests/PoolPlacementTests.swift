import Foundation
import IPLD
import ShoalTesting
import Testing

/// Where the pool runs steps, proved with real processes on loopback: a requester and three
/// workers, a generated dataset pinned on one of them, and the workers' own `/metrics` saying
/// how many input bytes each read locally or fetched. Also the API's edge: tokens and a
/// malformed spec.
@Suite(.ownThread, .enabled(if: geteuid() == 0, "the sandbox needs root"), .serialized)
struct PoolPlacementTests {
    /// 600,000 bytes: three 256 KiB leaves under a dag-pb root.
    static let datasetSize = 600_000
    static let fetched = "shoal_worker_input_bytes_total{source=\"fetched\"}"
    static let local = "shoal_worker_input_bytes_total{source=\"local\"}"

    /// A pool of a requester and three workers, where `w3` alone holds the dataset.
    struct Fixture {
        let pool: LocalPool
        let dataset: [UInt8]
        let cid: String
        var holder: LocalPool.Worker { pool.worker("w3") }
        var others: [LocalPool.Worker] { [pool.worker("w1"), pool.worker("w2")] }

        init(serveArguments: [String] = []) throws {
            let pool = try LocalPool(extraServeArguments: serveArguments)
            dataset = try pool.writeDataset("dataset.bin", seed: 0x5EED_DA7A, count: PoolPlacementTests.datasetSize)
            // The holder joins last, so a scheduler blind to locality would not pick it by order.
            try pool.addWorker("w1")
            try pool.addWorker("w2")
            var cid = ""
            try pool.addWorker("w3") { shoal in
                cid = try shoal.run(["add", "-Q", pool.folder.file("dataset.bin")]).line
            }
            (self.pool, self.cid) = (pool, cid)
        }

        /// What `measure` writes: the dataset's size and its first 8 bytes in hex.
        var expectedReport: String {
            "bytes \(dataset.count) head \(dataset.prefix(8).map { String(format: "%02x", $0) }.joined())\n"
        }
    }

    /// `measure` reads the dataset; `report` reads only what `measure` wrote.
    static func twoSteps(_ cid: String, locality: String) -> String {
        """
        version: 1
        name: measure-and-report
        inputs:
          data: \(cid)
        tasks:
          - id: measure
            run: [sh, -c, 'wc -c < /inputs/data > /outputs/size/bytes && od -An -tx1 -N8 /inputs/data | tr -d " \\n" > /outputs/size/head']
            inputs: {data: {from: inputs.data}}
            outputs: [size]
            locality: \(locality)
          - id: report
            run: [sh, -c, 'printf "bytes %s head %s\\n" "$(cat /inputs/size/bytes)" "$(cat /inputs/size/head)" > /outputs/report/report.txt']
            inputs: {size: {from: measure.size}}
            outputs: [report]
            locality: \(locality)
        """
    }

    /// A job whose one task holds the dataset's holder (its only slot) until it is cancelled.
    static func blocker(_ cid: String) -> String {
        """
        version: 1
        name: blocker
        inputs:
          data: \(cid)
        tasks:
          - id: hold
            run: [sh, -c, 'sleep 600']
            inputs: {data: {from: inputs.data}}
            outputs: [out]
            locality: required
        """
    }

    /// Submits the blocker and waits until it runs on the holder.
    static func occupyHolder(_ fixture: Fixture) throws -> String {
        let pool = fixture.pool
        let job = try pool.submit(try pool.writeSpec(blocker(fixture.cid)))
        try waitUntil("the blocker runs on the holder", seconds: 120) {
            let task = try pool.task("hold", of: job)
            return task["state"] as? String == "running" && task["node"] as? String == fixture.holder.id
        }
        return job
    }

    /// Downloads the job's results and returns `report`'s file.
    static func report(of job: String, in pool: LocalPool) throws -> String {
        let folder = pool.folder.file("results-\(job.prefix(12))")
        let results = try pool.client.run(["job", "results", job, "-o", folder])
        guard results.succeeded else { throw ShoalProcessError("job results: \(results)") }
        return try String(contentsOfFile: folder + "/report/report/report.txt", encoding: .utf8)
    }

    @Test func aTwoStepPipelineRunsEntirelyOnTheHolderAndFetchesNothing() async throws {
        let fixture = try Fixture()
        let pool = fixture.pool
        defer { pool.stop() }

        let submitted = try pool.client.run(["job", "submit", try pool.writeSpec(Self.twoSteps(fixture.cid, locality: "preferred")), "--wait", "--json"])
        #expect(submitted.succeeded, "\(submitted)")
        let final = try #require(try submitted.json()["final"] as? [String: Any])
        let job = try #require(final["id"] as? String)
        let tasks = try #require(final["tasks"] as? [[String: Any]])
        #expect(tasks.map { $0["id"] as? String } == ["measure", "report"])
        for task in tasks {
            #expect(task["state"] as? String == "succeeded", "\(task)")
            #expect(task["node"] as? String == fixture.holder.id, "\(task)")
        }
        #expect(try Self.report(of: job, in: pool) == fixture.expectedReport)

        // Every worker fetched nothing; the holder read the dataset (and measure's output) locally.
        let holderMetrics = try await pool.metrics(of: fixture.holder)
        #expect(holderMetrics[Self.fetched] == 0, "\(holderMetrics)")
        #expect((holderMetrics[Self.local] ?? 0) >= Double(Self.datasetSize), "\(holderMetrics)")
        #expect(holderMetrics["shoal_worker_executions_total{status=\"succeeded\"}"] == 2, "\(holderMetrics)")
        for worker in fixture.others {
            let metrics = try await pool.metrics(of: worker)
            #expect(metrics[Self.fetched] == 0, "\(worker.name): \(metrics)")
            #expect(metrics[Self.local] == 0, "\(worker.name): \(metrics)")
        }
        // The requester sums what the heartbeats report: local bytes arrive, fetched stay zero.
        var requester = try await pool.requesterMetrics()
        let deadline = Date().addingTimeInterval(60)
        while (requester["shoal_input_bytes_total{source=\"local\"}"] ?? 0) < Double(Self.datasetSize), Date() < deadline {
            try await Task.sleep(for: .milliseconds(250))
            requester = try await pool.requesterMetrics()
        }
        #expect((requester["shoal_input_bytes_total{source=\"local\"}"] ?? 0) >= Double(Self.datasetSize), "\(requester)")
        #expect(requester["shoal_input_bytes_total{source=\"fetched\"}"] == 0, "\(requester)")
    }

    @Test func aRequiredTaskWaitsForItsBusyHolderAndRunsThereOnceItIsFree() async throws {
        // A short preferred window, so a `required` task that behaved like a `preferred` one
        // would be seen moving to a free worker well within the watch below.
        let fixture = try Fixture(serveArguments: ["--preferred-window", "1s"])
        let pool = fixture.pool
        defer { pool.stop() }
        let blocker = try Self.occupyHolder(fixture)

        let job = try pool.submit(try pool.writeSpec(Self.twoSteps(fixture.cid, locality: "required")))
        try waitUntil("measure waits for the holder", seconds: 60) {
            (try pool.task("measure", of: job)["reason"] as? String)?.contains("waiting") == true
        }
        let waiting = try pool.task("measure", of: job)
        let reason = try #require(waiting["reason"] as? String)
        #expect(reason.contains("holder \(fixture.holder.id) busy") && reason.contains("required"), "\(reason)")
        // Two free workers stand by, and still the task stays queued, on no node.
        try holdsFor("measure stays queued while its holder is busy", seconds: 8) {
            let task = try pool.task("measure", of: job)
            return task["state"] as? String == "ready" && task["node"] == nil
        }
        for worker in fixture.others {
            let metrics = try await pool.metrics(of: worker)
            #expect(metrics["shoal_worker_executions_running"] == 0, "\(worker.name): \(metrics)")
            #expect(metrics[Self.fetched] == 0, "\(worker.name): \(metrics)")
        }

        let cancelled = try pool.client.run(["job", "cancel", blocker])
        #expect(cancelled.succeeded, "\(cancelled)")
        try waitUntil("the job ends", seconds: 180) {
            ["succeeded", "failed", "cancelled"].contains(try pool.jobStatus(job)["state"] as? String ?? "")
        }
        let final = try pool.jobStatus(job)
        #expect(final["state"] as? String == "succeeded", "\(final)")
        for task in final["tasks"] as? [[String: Any]] ?? [] {
            #expect(task["node"] as? String == fixture.holder.id, "\(task)")
        }
        #expect(try Self.report(of: job, in: pool) == fixture.expectedReport)
        for worker in fixture.others {
            let metrics = try await pool.metrics(of: worker)
            #expect(metrics[Self.local] == 0 && metrics[Self.fetched] == 0, "\(worker.name): \(metrics)")
        }
    }

    @Test func aPreferredTaskRunsElsewhereAfterTheWindowAndFetchesVerifiedBlocks() async throws {
        let fixture = try Fixture(serveArguments: ["--preferred-window", "2s"])
        let pool = fixture.pool
        defer { pool.stop() }
        _ = try Self.occupyHolder(fixture)
        var before: [String: Double] = [:]
        for worker in fixture.others { before[worker.name] = try await pool.metrics(of: worker)[Self.fetched] ?? -1 }
        let servedBefore = try await pool.metrics(of: fixture.holder)["shoal_worker_gateway_bytes_total"] ?? -1

        let submitted = try pool.client.run(["job", "submit", try pool.writeSpec(Self.twoSteps(fixture.cid, locality: "preferred")), "--wait", "--json"])
        #expect(submitted.succeeded, "\(submitted)")
        let final = try #require(try submitted.json()["final"] as? [String: Any])
        let job = try #require(final["id"] as? String)
        let measure = try #require((final["tasks"] as? [[String: Any]])?.first { $0["id"] as? String == "measure" })
        let node = try #require(measure["node"] as? String)
        let fetcher = try #require(fixture.others.first { $0.id == node }, "measure ran on \(node), not on a free worker")
        #expect(try Self.report(of: job, in: pool) == fixture.expectedReport)

        // It was placed past the window, for its busy holder. (A placement pass that saw it
        // inside the window logged it waiting for that window; whether one ran that soon after it
        // was ready depends on the machine's load, so it is not required.)
        let events = try await pool.events(of: job).filter { $0.task == "measure" }
        let placed = try #require(events.first { $0.kind == "task.placed" }, "\(events)")
        #expect(placed.message.contains("busy past the 2s preferred window"), "\(events)")
        #expect(events.filter { $0.kind == "task.waiting" }.allSatisfy { $0.message.contains("preferred") }, "\(events)")
        // Not before the window: queued at q, placed at p ≥ q + 2 s (whole seconds keep that order).
        let queued = try #require(events.first { $0.kind == "task.queued" }?.time, "\(events)")
        #expect(try #require(placed.time).timeIntervalSince(queued) >= 2, "\(events)")

        // The dataset came over the wire, from the holder's gateway, into the fetcher's store.
        let metrics = try await pool.metrics(of: fetcher)
        let fetched = (metrics[Self.fetched] ?? 0) - (before[fetcher.name] ?? 0)
        #expect(fetched >= Double(Self.datasetSize), "\(fetcher.name): \(metrics)")
        let served = (try await pool.metrics(of: fixture.holder)["shoal_worker_gateway_bytes_total"] ?? 0) - servedBefore
        #expect(served >= Double(Self.datasetSize), "holder served \(served) bytes")
        let verified = try fetcher.shoal.run(["repo", "verify"])
        #expect(verified.succeeded, "\(verified)")
        let copy = try fetcher.shoal.run(["cat", fixture.cid])
        #expect(copy.succeeded && copy.stdoutBytes == fixture.dataset, "\(fetcher.name) does not hold the whole dataset")
    }

    @Test func routesNeedAValidTokenAndHealthDoesNot() async throws {
        let pool = try LocalPool()
        defer { pool.stop() }
        let worker = try pool.addWorker("w1")
        let cid = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"  // the empty raw block
        let bogus = "bogus-\(UUID().uuidString)"

        #expect(try await HTTPCall.send("GET", pool.url + "/healthz").status == 200)
        let routes: [(String, String)] = [
            ("GET", "/api/v1/jobs"), ("POST", "/api/v1/jobs"), ("GET", "/api/v1/nodes"), ("GET", "/metrics"),
            ("POST", "/api/v1/tokens"), ("POST", "/api/v1/nodes/join"), ("GET", "/ipfs/\(cid)?format=raw"),
        ]
        for (method, path) in routes {
            for token in [nil, bogus] {
                let body = method == "POST" ? Data("{}".utf8) : nil
                let status = try await HTTPCall.send(method, pool.url + path, token: token, json: body).status
                #expect(status == 401, "\(method) \(path) with \(token == nil ? "no" : "an invalid") token: \(status)")
            }
        }
        // The same routes open with a valid token (so the 401s above are the tokens' doing).
        #expect(try await HTTPCall.send("GET", pool.url + "/api/v1/jobs", token: pool.adminToken).status == 200)
        #expect(try await HTTPCall.send("GET", pool.url + "/metrics", token: pool.adminToken).status == 200)

        // A worker's gateway: health for anyone; blocks and metrics for a peer ticket of the pool only.
        #expect(try await HTTPCall.send("GET", worker.url + "/healthz").status == 200)
        for token in [nil, bogus, pool.adminToken, pool.workerToken] {
            #expect(try await HTTPCall.send("GET", worker.url + "/metrics", token: token).status == 401)
            #expect(try await HTTPCall.send("GET", worker.url + "/ipfs/\(cid)?format=raw", token: token).status == 401)
        }
        #expect(try await HTTPCall.send("GET", worker.url + "/metrics", token: try pool.peerTicket()).status == 200)
    }

    @Test func aMalformedSpecIsRefusedWithEveryProblemAndNoJobIsCreated() async throws {
        let pool = try LocalPool()
        defer { pool.stop() }
        let spec = """
            version: 1
            name: broken
            tasks:
              - id: first
                run: [sh, -c, 'true']
                inputs: {x: {from: nowhere.out}}
                outputs: [out]
              - id: second
                outputs: [out]
                colour: blue
            """
        let submission = try JSONSerialization.data(withJSONObject: ["spec": spec, "file": "bad.yaml"])
        let (status, body) = try await HTTPCall.send("POST", pool.url + "/api/v1/jobs", token: pool.adminToken, json: submission)
        #expect(status == 400, "\(String(decoding: body, as: UTF8.self))")
        let answer = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect((answer["error"] as? String)?.contains("invalid spec") == true, "\(answer)")
        let diagnostics = try #require(answer["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count >= 3, "\(diagnostics)")
        for diagnostic in diagnostics {
            let location = diagnostic["location"] as? [String: Any]
            #expect(location?["file"] as? String == "bad.yaml", "\(diagnostic)")
            #expect((location?["line"] as? Int ?? 0) > 0, "\(diagnostic)")
            #expect(!(diagnostic["message"] as? String ?? "").isEmpty, "\(diagnostic)")
        }
        let messages = diagnostics.map { "\($0["path"] ?? "") \($0["message"] ?? "")" }.joined(separator: "\n")
        #expect(messages.contains("nowhere"), "\(messages)")
        #expect(messages.contains("colour"), "\(messages)")
        #expect(messages.contains("run"), "\(messages)")

        // The CLI refuses the same file, printing its problems with their lines.
        try pool.folder.write("bad.yaml", text: spec)
        let submitted = try pool.client.run(["job", "submit", pool.folder.file("bad.yaml")])
        #expect(submitted.status == 1, "\(submitted)")
        #expect(submitted.stderr.contains("bad.yaml:6"), "\(submitted)")
        #expect(submitted.stderr.contains("nowhere") && submitted.stderr.contains("colour"), "\(submitted)")
        #expect(!submitted.stderr.contains("Fatal"))

        // A spec valid here but refused by the requester (its input is pinned by no node): the
        // CLI prints the requester's 400.
        let unheld = try pool.writeSpec(Self.blocker("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"))
        let refused = try pool.client.run(["job", "submit", unheld])
        #expect(refused.status == 1 && refused.stderr.contains("nor pinned by any node"), "\(refused)")

        // None of them made a job.
        let (listed, jobs) = try await HTTPCall.send("GET", pool.url + "/api/v1/jobs", token: pool.adminToken)
        #expect(listed == 200)
        #expect((try JSONSerialization.jsonObject(with: jobs) as? [Any])?.isEmpty == true, "\(String(decoding: jobs, as: UTF8.self))")
        #expect(try pool.client.run(["job", "list", "--json"]).jsonArray().isEmpty)
    }
}
