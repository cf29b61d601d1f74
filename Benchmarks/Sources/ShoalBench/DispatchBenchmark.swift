import ArgumentParser
import Foundation
import JobStore
import Logging
import PoolAPI
import PoolClient
import Requester
import Scheduling

/// Requester dispatch end to end: a real ``Requester/Requester`` in this process, simulated
/// workers that join over HTTP on loopback, long-poll claims, report success at once and
/// heartbeat, and jobs of trivial independent tasks submitted through the client API.
///
/// Two phases, each on a fresh requester home with the production timings
/// (``Requester/RequesterConfiguration`` defaults):
/// - **burst**: every job is submitted back to back; tasks/s from the first submit to the last
///   job recorded as succeeded. Submit→start latency here is mostly queueing behind the burst.
/// - **paced**: jobs are submitted at `--pace` × the burst's task rate, so the pool is not
///   saturated and submit→start measures dispatch itself (the latency target).
///
/// Submit time is taken just before `POST /api/v1/jobs`; start is when a worker's claim
/// returns the assignment. The requester's own timestamps of each execution (created, placed,
/// claimed) split the latency into intake, placement and claim.
///
/// Baselines in the same run: the pure scheduler placing the same number of input-less tasks
/// on the same number of nodes (`Scheduler.place`, one call), and the HTTP floor: `GET /healthz`
/// round trips from as many concurrent clients as there are workers (each task costs a worker
/// at least two requests, a claim and a report).
struct DispatchBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch",
        abstract: "Requester dispatch: tasks/s and submit→start latency with simulated workers over HTTP.")

    @Option(help: "Simulated workers.") var workers = 50
    @Option(help: "Slots (concurrent steps) per worker.") var slots = 4
    @Option(help: "Jobs per phase.") var jobs = 100
    @Option(help: "Independent tasks per job.") var tasksPerJob = 100
    @Option(help: "Offered load of the paced phase, as a fraction of the burst's tasks/s.") var pace = 0.5
    @Option(help: "Phases to run: burst, paced, or both.") var phases = "both"

    func run() async throws {
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first ?? "?"
        let defaults = RequesterConfiguration(home: "/nonexistent")
        print("dispatch: \(workers) workers × \(slots) slots, \(jobs) jobs × \(tasksPerJob) tasks = \(jobs * tasksPerJob) tasks")
        print("  requester defaults: placementInterval \(defaults.placementInterval), reaperInterval \(defaults.reaperInterval), "
            + "lease \(defaults.lease), heartbeat \(defaults.heartbeat), jobConcurrency \(defaults.jobConcurrency)")
        print("  load average (1 min) at start: \(load) on \(ProcessInfo.processInfo.activeProcessorCount) cores")

        let total = jobs * tasksPerJob
        let schedulerRate = schedulerBaseline(tasks: total)
        print(String(format: "baseline: Scheduler.place, %d tasks on %d nodes, one call: %.0f placements/s", total, workers, schedulerRate))
        let httpRate = try await httpFloor(requests: 2 * total)
        print(String(format: "baseline: GET /healthz from %d clients: %.0f requests/s → %.0f tasks/s at 2 requests per task",
                     workers, httpRate, httpRate / 2))

        var burstRate: Double?
        if phases == "both" || phases == "burst" {
            let result = try await DispatchRun(benchmark: self, interval: nil).run()
            result.print(title: "burst (all jobs submitted back to back)", schedulerRate: schedulerRate, httpRate: httpRate)
            burstRate = result.tasksPerSecond
        }
        if phases == "both" || phases == "paced" {
            let offered = (burstRate ?? 1_000) * pace
            let interval = Double(tasksPerJob) / offered
            let result = try await DispatchRun(benchmark: self, interval: interval).run()
            result.print(
                title: String(format: "paced (one job every %.1f ms: %.0f tasks/s offered)", interval * 1000, offered),
                schedulerRate: schedulerRate, httpRate: httpRate)
        }
    }

    /// Placements per second of one `Scheduler.place` call over the same shape of pool.
    private func schedulerBaseline(tasks: Int) -> Double {
        let now = Date()
        let nodes = (0..<workers).map { n in
            NodeSnapshot(id: "w\(n)", total: Resources(slots: tasks), free: Resources(slots: tasks), pins: [:])
        }
        let demands = (0..<tasks).map { t in
            TaskDemand(key: TaskKey(job: "j\(t / tasksPerJob)", task: "t\(t % tasksPerJob)"), locality: .any, readySince: now)
        }
        var placed = 0
        let seconds = (0..<3).map { _ in
            Measure.seconds {
                placed = Scheduler.place(tasks: demands, nodes: nodes, now: now).filter { $0.node != nil }.count
            }
        }.min()!
        return Double(placed) / seconds
    }

    /// `GET /healthz` round trips per second from `workers` concurrent clients of a running requester.
    private func httpFloor(requests: Int) async throws -> Double {
        try await BenchRequester.with { url, _ in
            let clients = try (0..<workers).map { _ in try PoolClient.make(.init(url: url)) }
            let perClient = requests / workers
            let start = Measure.now()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in clients {
                    group.addTask { for _ in 0..<perClient { _ = try await client.health() } }
                }
                try await group.waitForAll()
            }
            let seconds = Measure.now() - start
            for client in clients { try? await client.shutdown() }
            return Double(perClient * workers) / seconds
        }
    }
}

/// One phase: a fresh requester, the workers, the submissions, and what was measured.
struct DispatchRun {
    let benchmark: DispatchBenchmark
    /// Seconds between job submissions; `nil` submits back to back.
    let interval: Double?

    struct Result {
        var tasks: Int
        var seconds: Double
        /// From the first submit to the last claim that returned an assignment.
        var startSpan: Double
        var latencies: [Double]
        /// Per execution: submit → created, created → placed, placed → claimed (requester clock),
        /// claimed → started (the claim's answer written, sent and read by the worker).
        var intake: [Double], placement: [Double], claim: [Double], answer: [Double]
        var placementPasses: Int
        /// CPU time of the whole process (requester, simulated workers, client) during the phase.
        var cpuSeconds: Double

        var tasksPerSecond: Double { Double(tasks) / seconds }

        func print(title: String, schedulerRate: Double, httpRate: Double) {
            Swift.print("\(title):")
            Swift.print(String(format: "  %d tasks in %.2f s → %.0f tasks/s (%.2fx the HTTP floor; the pure scheduler places %.0fx faster)",
                               tasks, seconds, tasksPerSecond, tasksPerSecond / (httpRate / 2), schedulerRate / tasksPerSecond))
            Swift.print(String(format: "  all tasks started %.2f s after the first submit (%.0f starts/s); the rest is recording the reports",
                               startSpan, Double(tasks) / startSpan))
            Swift.print("  submit→start: p50 \(ms(latencies, 0.5)), p90 \(ms(latencies, 0.9)), p99 \(ms(latencies, 0.99)), max \(ms(latencies, 1))")
            Swift.print("    submit→queued (intake, coordinator):  p50 \(ms(intake, 0.5)), p99 \(ms(intake, 0.99))")
            Swift.print("    queued→placed (placement loop):       p50 \(ms(placement, 0.5)), p99 \(ms(placement, 0.99))")
            Swift.print("    placed→claimed (claim long-poll):     p50 \(ms(claim, 0.5)), p99 \(ms(claim, 0.99))")
            Swift.print("    claimed→started (answer to the worker): p50 \(ms(answer, 0.5)), p99 \(ms(answer, 0.99))")
            Swift.print("  placement passes (requester metrics): \(placementPasses)")
            Swift.print(String(format: "  CPU of this process (requester, workers, client; user + system): %.1f s, %.2f ms per task",
                               cpuSeconds, cpuSeconds * 1000 / Double(tasks)))
        }

        private func ms(_ samples: [Double], _ q: Double) -> String {
            String(format: "%.1f ms", Measure.quantile(samples, q) * 1000)
        }
    }

    func run() async throws -> Result {
        let total = benchmark.jobs * benchmark.tasksPerJob
        let recorder = StartRecorder(expected: total)
        let cpuBefore = Self.processCPUSeconds()
        let ((seconds, submitted, passes), home) = try await BenchRequester.with { url, admin in
            let workerToken = try await PoolClient.with(.init(url: url, token: admin)) { try await $0.createToken(role: .worker).token }
            var joined: [SimulatedWorker] = []
            for _ in 0..<benchmark.workers {
                joined.append(try await SimulatedWorker.join(url: url, token: workerToken, slots: benchmark.slots, recorder: recorder))
            }
            let workers = joined
            let (seconds, submitted) = try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in workers { group.addTask { await worker.run() } }
                let measured = try await PoolClient.with(.init(url: url, token: admin)) { client in
                    try await submitAll(client, recorder: recorder)
                }
                group.cancelAll()
                return measured
            }
            for worker in workers { try? await worker.client.shutdown() }
            let passes = try await PoolClient.with(.init(url: url, token: admin)) { client in
                Self.counter("shoal_scheduler_pass_seconds", in: try await client.metrics())
            }
            return (seconds, submitted, passes)
        }

        let cpu = Self.processCPUSeconds() - cpuBefore
        // Join the client's times with the requester's own record of each execution.
        let store = try JobStore(home: home.path)
        let executions = try store.executions(in: [.reported])
        var latencies: [Double] = [], intake: [Double] = [], placement: [Double] = [], claim: [Double] = [], answer: [Double] = []
        let starts = recorder.starts
        for execution in executions {
            guard let submit = submitted[execution.jobID] else { continue }
            if let start = starts[execution.id] { latencies.append(start - submit) }
            intake.append(execution.created.timeIntervalSince1970 - submit)
            if let placed = execution.placed {
                placement.append(placed.timeIntervalSince(execution.created))
                if let claimed = execution.claimed { claim.append(claimed.timeIntervalSince(placed)) }
            }
            if let claimed = execution.claimed, let start = starts[execution.id] { answer.append(start - claimed.timeIntervalSince1970) }
        }
        home.remove()
        guard executions.count == total, latencies.count == total else {
            throw ValidationError("expected \(total) reported executions with a start, found \(executions.count) / \(latencies.count)")
        }
        return Result(
            tasks: total, seconds: seconds, startSpan: (starts.values.max() ?? 0) - (submitted.values.min() ?? 0), latencies: latencies, intake: intake, placement: placement, claim: claim, answer: answer,
            placementPasses: passes, cpuSeconds: cpu)
    }

    /// User + system CPU seconds of this process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// Submits every job (paced or not), waits until all succeeded; returns the seconds from the
    /// first submit to the moment all were seen succeeded, and each job's submit time.
    private func submitAll(_ client: PoolClient, recorder: StartRecorder) async throws -> (Double, [String: Double]) {
        var times: [String: Double] = [:]
        let start = Date().timeIntervalSince1970
        for j in 0..<benchmark.jobs {
            if let interval {
                let due = start + Double(j) * interval
                let wait = due - Date().timeIntervalSince1970
                if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
            }
            let submitted = Date().timeIntervalSince1970
            let status = try await client.submit(JobSubmission(spec: spec(j), file: "bench-\(j).yaml"))
            times[status.id] = submitted
        }
        try await recorder.waitForAll()
        // Every task started and reported; now every job must be recorded as succeeded. The list
        // holds the newest 1,000 jobs at most: older ones are asked one by one (with more than
        // 1,000 jobs, waiting for the list alone to show them all never ended).
        var pending = Set(times.keys)
        func check(_ id: String, _ state: String) throws {
            if state == "failed" || state == "cancelled" { throw BenchFailure("job \(id) \(state)") }
            if state == "succeeded" { pending.remove(id) }
        }
        while !pending.isEmpty {
            let listed = try await client.jobs(limit: 1000)
            for summary in listed where pending.contains(summary.id) { try check(summary.id, summary.state) }
            let seen = Set(listed.map(\.id))
            for id in pending.filter({ !seen.contains($0) }) { try check(id, try await client.job(id).state) }
            if !pending.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        }
        let seconds = Date().timeIntervalSince1970 - (times.values.min() ?? start)
        return (seconds, times)
    }

    /// A job of independent trivial tasks; every command differs, so no step is a cache hit.
    private func spec(_ job: Int) -> String {
        var text = "version: 1\nname: bench-\(job)\ntasks:\n"
        for t in 0..<benchmark.tasksPerJob {
            text += "  - id: t\(t)\n    run: [sh, -c, \"echo \(job)-\(t)\"]\n    outputs: [out]\n"
        }
        return text
    }

    /// The value of a Prometheus counter or histogram count named `name` (summed over labels).
    static func counter(_ name: String, in text: String) -> Int {
        var sum = 0.0
        for line in text.split(separator: "\n") where line.hasPrefix(name + "_count") || line.hasPrefix(name + " ") || line.hasPrefix(name + "{") {
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { sum += value }
        }
        return Int(sum)
    }
}

/// A requester on a fresh home in this process, on `127.0.0.1:0`, with the default timings.
enum BenchRequester {
    static func with<T: Sendable>(_ body: @Sendable (_ url: String, _ admin: String) async throws -> T) async throws -> (T, TemporaryHome) {
        let home = try TemporaryHome()
        var logger = Logger(label: "shoal.bench.requester")
        logger.logLevel = .warning
        let configuration = RequesterConfiguration(home: home.path, host: "127.0.0.1", port: 0, logger: logger)
        let requester = try Requester(configuration: configuration)
        let result = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await requester.run() }
            let url = await requester.url()
            guard !url.isEmpty else { throw ValidationError("the requester did not start") }
            let admin = try String(contentsOfFile: requester.adminTokenPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            do {
                let result = try await body(url, admin)
                await requester.shutdown()
                try await group.waitForAll()
                return result
            } catch {
                await requester.shutdown()
                try? await group.waitForAll()
                throw error
            }
        }
        return (result, home)
    }

    static func with<T: Sendable>(_ body: @Sendable (_ url: String, _ admin: String) async throws -> T) async throws -> T {
        let (result, home): (T, TemporaryHome) = try await with(body)
        home.remove()
        return result
    }
}

/// A directory under /tmp for one requester home.
struct TemporaryHome: Sendable {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "shoal-bench-dispatch-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
