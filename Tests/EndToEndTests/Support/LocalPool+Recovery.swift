import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ShoalTesting

/// Crashing and restarting the pool's processes, for the recovery tests: kill -9 a worker or the
/// requester, start it again on the same home (and port), and read what they logged.
extension LocalPool {
    /// kill -9 of worker `name` (no drain, no leave: its steps die with it); returns how it ended.
    @discardableResult
    func crashWorker(_ name: String) -> ShoalProcess.Result? {
        guard let index = workers.firstIndex(where: { $0.name == name }), let process = workers[index].process else { return nil }
        process.kill(SIGKILL)
        let ended = process.wait()
        workers[index].process = nil
        return ended
    }

    /// Starts worker `name` again on its home and port (the arguments `addWorker` uses, plus
    /// `arguments`) and, with `waitForJoin`, waits until it has joined.
    @discardableResult
    func restartWorker(_ name: String, arguments: [String] = [], waitForJoin: Bool = true) throws -> Worker {
        guard let index = workers.firstIndex(where: { $0.name == name }) else { throw ShoalProcessError("no worker \(name)") }
        let worker = workers[index]
        precondition(worker.process == nil, "\(name) is still running")
        let process = try worker.shoal.start([
            "worker", "--requester", url, "--token", workerToken, "--listen", "127.0.0.1:\(worker.port)", "--label", "name=\(name)",
            "--slots", "1", "--drain-timeout", "10s",
        ] + arguments)
        workers[index].process = process
        guard waitForJoin else { return workers[index] }
        try waitUntil("\(name) joins again", seconds: 120) {
            guard process.isRunning else { throw ShoalProcessError("\(name) ended: \(process.wait())") }
            return process.stderrSoFar.contains("joined the pool")
        }
        return workers[index]
    }

    /// kill -9 of the requester; returns how it ended.
    @discardableResult
    func crashRequester() -> ShoalProcess.Result? {
        guard let requester else { return nil }
        requester.kill(SIGKILL)
        let ended = requester.wait()
        self.requester = nil
        return ended
    }

    /// Starts `shoal serve` again on the requester's home and port (with the flags `init` uses)
    /// and waits until it answers.
    func restartRequester(extraServeArguments: [String] = []) throws {
        precondition(requester == nil, "the requester is still running")
        let serve = try ShoalProcess(home: requesterHome)
        let process = try serve.start(["serve", "--listen", "127.0.0.1:\(port)", "--heartbeat", "1s", "--lease", "10s"] + extraServeArguments)
        requester = process
        try waitUntil("the restarted requester answers", seconds: 120) {
            guard process.isRunning else { throw ShoalProcessError("the requester ended: \(process.wait())") }
            return try client.run(["node", "list", "--json"]).succeeded
        }
    }

    /// What worker `name` logged so far (its current process).
    func log(of name: String) -> String { worker(name).process?.stderrSoFar ?? "" }

    /// Waits until `job` has ended (succeeded, failed or cancelled) and returns its status.
    func waitForJob(_ job: String, seconds: Double = 180) throws -> [String: Any] {
        var status: [String: Any] = [:]
        try waitUntil("job \(job) ends", seconds: seconds) {
            guard let current = try? self.jobStatus(job) else { return false }
            status = current
            return ["succeeded", "failed", "cancelled"].contains(current["state"] as? String ?? "")
        }
        return status
    }

    /// An HTTP request to the requester; returns the status and body.
    func request(_ method: String, _ path: String, token: String, json: Any? = nil) async throws -> (status: Int, body: [String: Any]) {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, body)
    }
}
