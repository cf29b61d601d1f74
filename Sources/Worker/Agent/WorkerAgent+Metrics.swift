import Orchestrator
import Synchronization

/// How the assignments this agent ran ended, for its `/metrics`.
final class OutcomeCounters: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    func count(_ ending: AssignmentRunner.Ending, reason: String?) {
        let key: String = switch ending {
        case .reported(let status, _): status.rawValue + (reason.map { "|" + $0 } ?? "")
        case .leaseLost: "lease-lost"
        case .stopped: "stopped"
        case .refused: "refused"
        }
        counts.withLock { $0[key, default: 0] += 1 }
    }

    var snapshot: [String: Int] { counts.withLock { $0 } }
}

extension WorkerAgent {
    /// The worker's Prometheus text: input bytes by source, executions, outcomes by status and
    /// failure reason, and what its gateway served.
    func metricsText() async -> String {
        let totals = counters.totals
        let gateway = served.totals
        let running = await table.runningIDs.count
        var lines = [
            "# HELP shoal_worker_input_bytes_total Input bytes of steps, read from this node's store or fetched from peers.",
            "# TYPE shoal_worker_input_bytes_total counter",
            "shoal_worker_input_bytes_total{source=\"local\"} \(totals.localBytes)",
            "shoal_worker_input_bytes_total{source=\"fetched\"} \(totals.fetchedBytes)",
            "# HELP shoal_worker_executions_running Steps running now.",
            "# TYPE shoal_worker_executions_running gauge",
            "shoal_worker_executions_running \(running)",
            "# HELP shoal_worker_slots Steps this node runs at once.",
            "# TYPE shoal_worker_slots gauge",
            "shoal_worker_slots \(table.slots)",
            "# HELP shoal_worker_executions_total Executions by how they ended (status, and reason for failures).",
            "# TYPE shoal_worker_executions_total counter",
        ]
        for (key, count) in outcomes.snapshot.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
            let reason = parts.count > 1 ? ",reason=\"\(parts[1])\"" : ""
            lines.append("shoal_worker_executions_total{status=\"\(parts[0])\"\(reason)} \(count)")
        }
        lines += [
            "# HELP shoal_worker_gateway_responses_total Trustless gateway responses sent to peers.",
            "# TYPE shoal_worker_gateway_responses_total counter",
            "shoal_worker_gateway_responses_total{format=\"raw\"} \(gateway.rawResponses)",
            "shoal_worker_gateway_responses_total{format=\"car\"} \(gateway.carResponses)",
            "# HELP shoal_worker_gateway_bytes_total Block bytes the gateway sent to peers.",
            "# TYPE shoal_worker_gateway_bytes_total counter",
            "shoal_worker_gateway_bytes_total \(gateway.bytes)",
            "# HELP shoal_worker_gateway_refused_total Gateway requests refused, by HTTP status.",
            "# TYPE shoal_worker_gateway_refused_total counter",
        ]
        for (status, count) in gateway.refused.sorted(by: { $0.key < $1.key }) {
            lines.append("shoal_worker_gateway_refused_total{status=\"\(status)\"} \(count)")
        }
        lines += [
            "# HELP shoal_worker_peer_requests_total Requests the gateway accepted, by the node its peer ticket names.",
            "# TYPE shoal_worker_peer_requests_total counter",
        ]
        for (node, count) in peers.reads.sorted(by: { $0.key < $1.key }) {
            lines.append("shoal_worker_peer_requests_total{node=\"\(node)\"} \(count)")
        }
        lines += [
            "# HELP shoal_worker_peer_tickets_refused_total Bearer tokens the gateway refused, by reason.",
            "# TYPE shoal_worker_peer_tickets_refused_total counter",
        ]
        for (reason, count) in peers.refusals.sorted(by: { $0.key < $1.key }) {
            lines.append("shoal_worker_peer_tickets_refused_total{reason=\"\(reason)\"} \(count)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
