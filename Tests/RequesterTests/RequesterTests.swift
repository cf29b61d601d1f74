import Foundation
import IPLD
import JobStore
import PoolAPI
import ShoalTesting
import Testing
@testable import Requester

/// The service as a whole: restart safety, metrics.
@Suite struct RequesterTests {
    @Test func aJobInterruptedByARestartFinishesOnTheSameHome() async throws {
        let home = TemporaryDirectory("requester-restart")
        let data = testBlock(81).cid
        let spec = oneTaskSpec(input: data, extra: """
              - id: b
                run: [sh, -c, "true"]
                inputs: {x: {from: a.out}}
                outputs: [done]
            """)
        // First life: the job starts, a node claims its first step, and the requester stops.
        let (job, worker, assignment): (String, FakeWorker, Assignment) = try await TestPool.with(home: home) { pool in
            let worker = FakeWorker(pool: pool)
            try await worker.join(slots: 2, pins: [PinReport(cid: data.string, size: 10)])
            let job = try await pool.submitJob(spec)
            let assignment = try await worker.claimOne()
            return (job, worker, assignment)
        }
        #expect(try JobStore(home: home.path).job(job).state == .running)
        // Second life on the same home: the node's credential still works, its lease is still
        // live, its report is taken, and the job goes on to its second step.
        try await TestPool.with(home: home) { pool in
            let revived = FakeWorker(pool: pool, identity: worker.identity, credential: worker.credential)
            try await revived.heartbeat(Heartbeat(running: [assignment.execution]))
            let report = try await revived.report(assignment)
            #expect(report.status == 200, "\(report.text)")
            let second = try await revived.claimOne()
            #expect(second.step.taskID == "b")
            #expect(second.step.recipe.inputs["x"] != nil)
            #expect(try await revived.report(second).status == 200)
            let end = try await pool.waitForEnd(job)
            #expect(end.state == "succeeded")
            #expect(end.tasks.map(\.attempts) == [1, 1])
        }
    }

    @Test func metricsExposeTheListedSeries() async throws {
        try await TestPool.with { pool in
            let data = testBlock(82).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            try await worker.heartbeat(Heartbeat(fetchedBytes: 0, localBytes: 4096))
            let job = try await pool.submitJob(oneTaskSpec(input: data))
            let assignment = try await worker.claimOne()
            #expect(try await worker.report(assignment, worker.failed(assignment, reason: "memory")).status == 200)
            try await pool.waitForEnd(job)
            // A reason no step failure has is counted, but not as a series of its own.
            let other = try await pool.submitJob(oneTaskSpec(input: data, name: "other"))
            let second = try await worker.claimOne()
            #expect(try await worker.report(second, worker.failed(second, reason: "made-up {\"}")).status == 200)
            try await pool.waitForEnd(other)
            let exchange = try await pool.send("GET", PoolAPI.Path.metrics, token: pool.admin)
            try exchange.expect(200)
            let text = exchange.text
            for series in [
                "shoal_queue_depth", "shoal_tasks{state=\"failed\"} 2", "shoal_jobs{state=\"failed\"} 2",
                "shoal_nodes{state=\"ready\"} 1", "shoal_placement_latency_seconds_bucket", "shoal_scheduler_pass_seconds_count",
                "shoal_placements_total{outcome=\"placed\"} 2", "shoal_input_bytes_total{source=\"local\"} 4096",
                "shoal_input_bytes_total{source=\"fetched\"} 0", "shoal_sandbox_failures_total{reason=\"memory\"} 1",
                "shoal_sandbox_failures_total{reason=\"other\"} 1",
                "shoal_executions_lost_total", "shoal_reports_total{disposition=\"recorded\"} 2", "shoal_gateway_bytes_total",
            ] {
                #expect(text.contains(series), "missing \(series) in:\n\(text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.contains("_bucket") }.joined(separator: "\n"))")
            }
            #expect(!text.contains("made-up"))
        }
    }
}
