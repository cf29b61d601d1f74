import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PoolAPI
import Provenance
import ShoalTesting

/// What the placement tests need beyond ``LocalPool``: the pool's Prometheus pages, direct HTTP
/// calls (to see status codes and bodies the CLI would turn into messages), job states polled
/// through the CLI, and a generated dataset.
extension LocalPool {
    /// A peer ticket naming the requester itself, signed with the requester's key (read from its
    /// home, as the requester signs the tickets of its own fetches): what a worker's gateway and
    /// `/metrics` accept.
    func peerTicket(lifetime: Duration = .seconds(120)) throws -> String {
        let key = try NodeIdentity.load(from: NodeIdentity.keyPath(home: requesterHome))
        return try PeerTicket(node: key.didKey, pool: key.didKey, issued: Date(), lifetime: lifetime).signed(with: key)
    }

    /// A worker's `/metrics`, scraped from its gateway with a peer ticket.
    func metrics(of worker: Worker) async throws -> PrometheusPage {
        try await PrometheusPage.scrape(worker.url + "/metrics", token: try peerTicket())
    }

    /// The requester's `/metrics`, scraped with the admin token (it serves clients and admins).
    func requesterMetrics() async throws -> PrometheusPage {
        try await PrometheusPage.scrape(url + "/metrics", token: adminToken)
    }

    /// `shoal job status JOB --json` (through the CLI, as a user would look).
    func jobStatus(_ job: String) throws -> [String: Any] {
        let result = try client.run(["job", "status", job, "--json"])
        guard result.succeeded else { throw ShoalProcessError("job status \(job) failed: \(result)") }
        return try result.json()
    }

    /// One task of `shoal job status JOB --json`.
    func task(_ id: String, of job: String) throws -> [String: Any] {
        let tasks = try jobStatus(job)["tasks"] as? [[String: Any]] ?? []
        guard let task = tasks.first(where: { $0["id"] as? String == id }) else {
            throw ShoalProcessError("job \(job) has no task \(id)")
        }
        return task
    }

    /// Submits a spec without waiting; returns the job's id.
    func submit(_ spec: String) throws -> String {
        let result = try client.run(["job", "submit", spec, "--json"])
        guard result.succeeded, let job = try result.json()["job"] as? [String: Any], let id = job["id"] as? String else {
            throw ShoalProcessError("job submit \(spec) failed: \(result)")
        }
        return id
    }

    /// The job's events (`GET /api/v1/jobs/{job}/events`) as `(kind, task, message, time)`; the
    /// API gives times in whole seconds.
    func events(of job: String) async throws -> [(kind: String, task: String?, message: String, time: Date?)] {
        let (status, body) = try await HTTPCall.send("GET", url + "/api/v1/jobs/\(job)/events", token: adminToken)
        guard status == 200, let events = try JSONSerialization.jsonObject(with: body) as? [[String: Any]] else {
            throw ShoalProcessError("events of \(job): HTTP \(status)")
        }
        let times = ISO8601DateFormatter()
        return events.map {
            ($0["kind"] as? String ?? "", $0["task"] as? String, $0["message"] as? String ?? "",
             ($0["time"] as? String).flatMap(times.date(from:)))
        }
    }

    /// Writes `count` SplitMix64 bytes to `name` in the pool's folder and returns them.
    func writeDataset(_ name: String, seed: UInt64, count: Int) throws -> [UInt8] {
        let bytes = SplitMix64.bytes(seed: seed, count: count)
        try folder.write(name, bytes)
        return bytes
    }

    /// Writes a spec (YAML) under a fresh name in the pool's folder and returns its path.
    func writeSpec(_ text: String) throws -> String {
        let name = "spec-\(UUID().uuidString.prefix(8)).yaml"
        try folder.write(name, text: text)
        return folder.file(name)
    }
}

/// One scrape of a Prometheus text page: every sample by its series (`name{label="value"}`).
struct PrometheusPage: CustomStringConvertible {
    let samples: [String: Double]
    let text: String

    init(text: String) {
        self.text = text
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        self.samples = samples
    }

    /// The value of a series, such as `shoal_worker_input_bytes_total{source="fetched"}`.
    subscript(_ series: String) -> Double? { samples[series] }

    var description: String { text }

    static func scrape(_ url: String, token: String) async throws -> PrometheusPage {
        let (status, body) = try await HTTPCall.send("GET", url, token: token)
        guard status == 200 else { throw ShoalProcessError("GET \(url): HTTP \(status)") }
        return PrometheusPage(text: String(decoding: body, as: UTF8.self))
    }
}

/// A plain HTTP request with an optional bearer token, for asserting status codes and bodies.
enum HTTPCall {
    static func send(
        _ method: String, _ url: String, token: String? = nil, json body: Data? = nil
    ) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}

/// Polls `condition` for `seconds` and fails as soon as it does not hold: for "stays so for a
/// good while" (a waiting task is not placed elsewhere), where a single look proves nothing.
func holdsFor(_ what: String, seconds: Double, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        guard try condition() else { throw ShoalProcessError("stopped holding: \(what)") }
        Thread.sleep(forTimeInterval: 0.25)
    }
}
