import Foundation
import Hummingbird
import PoolAPI
import Testing
@testable import Requester

/// The contract: every route served is in `Specs/openapi.yaml`, and every route there is served.
@Suite struct RequesterRoutesTests {
    /// `(method, path template)` of every operation in the contract.
    static let contract: Set<String> = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Specs/openapi.yaml")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        var operations: Set<String> = []
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("components:") { break }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if let current = path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast().uppercased()
                if ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"].contains(method) { operations.insert("\(method) \(current)") }
            }
        }
        return operations
    }()

    @Test func everyServedRouteIsInTheContractAndEveryContractRouteIsServed() async throws {
        try await TestPool.with { pool in
            let served = Set(RequesterRoutes(requester: pool.requester).register(on: Router(context: RequesterContext.self)).map(\.description))
            #expect(Self.contract.count >= 20)
            #expect(served.subtracting(Self.contract).isEmpty, "served but not in openapi.yaml: \(served.subtracting(Self.contract).sorted())")
            #expect(Self.contract.subtracting(served).isEmpty, "in openapi.yaml but not served: \(Self.contract.subtracting(served).sorted())")
        }
    }

    @Test func probingEveryContractRouteReachesAHandler() async throws {
        try await TestPool.with { pool in
            let worker = FakeWorker(pool: pool)
            try await worker.join()
            let values = ["job": "0000000000zzzz", "node": worker.node, "execution": "xnosuchexecution", "cid": testBlock(1).cid.string, "token": "nosuchtoken"]
            for operation in Self.contract.sorted() {
                let parts = operation.split(separator: " ", maxSplits: 1)
                var path = String(parts[1])
                for (name, value) in values { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
                if path.hasSuffix("/claim") { path += "?wait=0" }
                let token = path.contains("/nodes/\(worker.node)/") || path.contains("/executions/") ? worker.credential : pool.admin
                let exchange = try await pool.send(String(parts[0]), path, token: token, body: parts[0] == "POST" ? Array("{}".utf8) : nil)
                #expect(exchange.status != 405, "\(operation)")
                #expect(exchange.error?.error.hasPrefix("no route") != true, "\(operation) is not served: \(exchange.text)")
                #expect(exchange.status < 500, "\(operation): \(exchange.status) \(exchange.text)")
            }
            // An unknown route is a 404 that says so.
            let unknown = try await pool.send("GET", "/api/v1/nothing", token: pool.admin)
            #expect(unknown.status == 404)
            #expect(unknown.error?.error.hasPrefix("no route") == true)
        }
    }

    @Test func bodiesHaveTheSharedShapes() async throws {
        try await TestPool.with { pool in
            let data = testBlock(2).cid
            let worker = FakeWorker(pool: pool)
            let joined = try await worker.join(pins: [PinReport(cid: data.string, size: 5)])
            #expect(joined.heartbeatSeconds == 1 && joined.leaseSeconds == 120)
            let created = try await pool.submit(oneTaskSpec(input: data))
            let json = try JSONSerialization.jsonObject(with: Data(created.body)) as? [String: Any]
            #expect(json?["id"] is String && json?["state"] as? String == "queued" || json?["state"] as? String == "running")
            let task = (json?["tasks"] as? [[String: Any]])?.first
            #expect(task?["id"] as? String == "a")
            #expect(task?["attempts"] is Int)
            let claimed = try await pool.send("POST", PoolAPI.Path.claim(worker.node) + "?wait=10", token: worker.credential)
            let assignment = (try JSONSerialization.jsonObject(with: Data(claimed.body)) as? [[String: Any]])?.first
            #expect(assignment?["execution"] is String && assignment?["leaseExpires"] is String)
            let step = assignment?["step"] as? [String: Any]
            for key in ["jobID", "taskID", "attempt", "recipeCID", "recipeBlock", "outputs", "cache", "parents", "outputImport"] {
                #expect(step?[key] != nil, "StepAssignment lacks \(key)")
            }
            let error = try await pool.send("GET", PoolAPI.Path.job("0000000000zzzz"), token: pool.admin)
            #expect(error.status == 404)
            #expect((try JSONSerialization.jsonObject(with: Data(error.body)) as? [String: Any])?["error"] is String)
        }
    }
}
