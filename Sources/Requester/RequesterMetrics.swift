import Foundation
import Gateway
import JobStore
import Orchestrator
import Prometheus

/// The requester's Prometheus series, exposed at `GET /metrics`.
///
/// | series | kind | what |
/// | --- | --- | --- |
/// | `shoal_queue_depth` | gauge | executions waiting for placement |
/// | `shoal_tasks{state}` | gauge | tasks of every job by state |
/// | `shoal_jobs{state}` | gauge | jobs by state |
/// | `shoal_nodes{state}` | gauge | pool nodes by state |
/// | `shoal_placement_latency_seconds` | histogram | from a task's attempt queued to placed on a node |
/// | `shoal_scheduler_pass_seconds` | histogram | one call of the scheduler over the queue |
/// | `shoal_placements_total{outcome}` | counter | placement decisions: placed, failed |
/// | `shoal_input_bytes_total{source}` | counter | input bytes workers read locally or fetched (from heartbeats) |
/// | `shoal_sandbox_failures_total{reason}` | counter | reported failed steps by reason |
/// | `shoal_executions_lost_total` | counter | executions whose lease expired or whose node restarted |
/// | `shoal_reports_total{disposition}` | counter | reports: recorded, duplicate, conflict |
/// | `shoal_gateway_bytes_total` | counter | block bytes served on `/ipfs` |
///
/// Gauges of stored state (tasks, jobs) are read from the store when the page is rendered.
final class RequesterMetrics: GatewayMetrics, Sendable {
    let registry = PrometheusCollectorRegistry()
    let queueDepth: Gauge
    let placementLatency: DurationHistogram
    let schedulerPass: DurationHistogram
    let lostExecutions: Counter
    let gatewayBytes: Counter

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30), .seconds(120), .seconds(600),
    ]

    init() {
        queueDepth = registry.makeGauge(descriptor: Self.named("shoal_queue_depth", "Executions waiting for placement"))
        placementLatency = registry.makeDurationHistogram(
            descriptor: Self.named("shoal_placement_latency_seconds", "Time from a task attempt queued to placed on a node"),
            buckets: Self.latencyBuckets)
        schedulerPass = registry.makeDurationHistogram(
            descriptor: Self.named("shoal_scheduler_pass_seconds", "Duration of one scheduler call over the queue"),
            buckets: [.microseconds(100), .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .seconds(1)])
        lostExecutions = registry.makeCounter(descriptor: Self.named("shoal_executions_lost_total", "Executions lost with their node"))
        gatewayBytes = registry.makeCounter(descriptor: Self.named("shoal_gateway_bytes_total", "Block bytes served on /ipfs"))
        // Series that should appear before their first event, so a scrape shows them at zero.
        for source in ["local", "fetched"] { _ = inputBytes(source) }
        for outcome in ["placed", "failed"] { _ = placements(outcome) }
        for disposition in ["recorded", "duplicate", "conflict"] { _ = reports(disposition) }
        _ = sandboxFailures("exit-code")
    }

    func inputBytes(_ source: String) -> Counter {
        registry.makeCounter(descriptor: Self.named("shoal_input_bytes_total", "Input bytes workers read locally or fetched"), labels: [("source", source)])
    }

    func placements(_ outcome: String) -> Counter {
        registry.makeCounter(descriptor: Self.named("shoal_placements_total", "Placement decisions"), labels: [("outcome", outcome)])
    }

    func reports(_ disposition: String) -> Counter {
        registry.makeCounter(descriptor: Self.named("shoal_reports_total", "Execution reports"), labels: [("disposition", disposition)])
    }

    /// Failed steps by reason. A reason is a label value, so only the known ones are kept (a
    /// node could otherwise create a series for any text it sends); the rest count as `other`.
    func sandboxFailures(_ reason: String) -> Counter {
        let label = StepFailure(rawValue: reason) != nil ? reason : "other"
        return registry.makeCounter(
            descriptor: Self.named("shoal_sandbox_failures_total", "Failed steps by reason"), labels: [("reason", label)])
    }

    /// The exposition text, with the stored-state gauges refreshed first.
    func render(store: JobStore, nodes: [NodeRecord]) throws -> String {
        let tasks = try store.taskCountsByState()
        for state in TaskState.allCases {
            registry.makeGauge(descriptor: Self.named("shoal_tasks", "Tasks by state"), labels: [("state", state.rawValue)])
                .set(Double(tasks[state] ?? 0))
        }
        let jobs = try store.jobCountsByState()
        for state in JobState.allCases {
            registry.makeGauge(descriptor: Self.named("shoal_jobs", "Jobs by state"), labels: [("state", state.rawValue)])
                .set(Double(jobs[state] ?? 0))
        }
        for state in NodeState.allCases {
            registry.makeGauge(descriptor: Self.named("shoal_nodes", "Pool nodes by state"), labels: [("state", state.rawValue)])
                .set(Double(nodes.filter { $0.state == state }.count))
        }
        return registry.emitToString()
    }

    /// A series name with its help text (the unit is part of the name).
    static func named(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    // MARK: GatewayMetrics

    func served(_ response: ServedResponse) {
        gatewayBytes.increment(by: Int64(response.bytes))
    }
}
