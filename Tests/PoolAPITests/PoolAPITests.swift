import Foundation
import PoolAPI
import Testing

/// The wire types against the written contract, `Specs/openapi.yaml`.
@Suite struct PoolAPITests {
    static let contract: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Specs/openapi.yaml")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    /// The path templates the contract declares (`/api/v1/jobs/{job}`), from its `paths:` block.
    static var contractPaths: Set<String> {
        Set(contract.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  /"), line.hasSuffix(":") else { return nil }
            return String(line.dropFirst(2).dropLast())
        })
    }

    /// Replaces concrete ids in a client path with the contract's `{name}` placeholders.
    static func template(_ path: String, _ placeholders: [String: String]) -> String {
        var out = path
        for (value, name) in placeholders { out = out.replacingOccurrences(of: value, with: "{\(name)}") }
        return out
    }

    @Test func everyPathTheClientsUseIsInTheContract() {
        let ids = ["J": "job", "N": "node", "E": "execution", "bafyC": "cid", "T": "token"]
        let used = [
            PoolAPI.Path.health, PoolAPI.Path.metrics, PoolAPI.Path.jobs, PoolAPI.Path.job("J"), PoolAPI.Path.cancel("J"),
            PoolAPI.Path.events("J"), PoolAPI.Path.logs("J"), PoolAPI.Path.nodes, PoolAPI.Path.join, PoolAPI.Path.challenge,
            PoolAPI.Path.heartbeat("N"), PoolAPI.Path.claim("N"), PoolAPI.Path.leave("N"), PoolAPI.Path.report("E"),
            PoolAPI.Path.executionLogs("E"), PoolAPI.Path.lineage("bafyC"), PoolAPI.Path.verify("bafyC"),
            PoolAPI.Path.blocks, PoolAPI.Path.tokens, PoolAPI.Path.token("T"), PoolAPI.Path.ipfs("bafyC"),
        ].map { Self.template($0, ids) }
        #expect(!Self.contractPaths.isEmpty)
        for path in used {
            #expect(Self.contractPaths.contains(path), "\(path) is not in Specs/openapi.yaml")
        }
    }

    @Test func messagesRoundTripThroughTheSharedCoders() throws {
        let join = JoinRequest(node: "did:key:z6Mk", url: "http://127.0.0.1:8421", labels: ["region": "eu"],
                               capacity: Capacity(slots: 2, milliCPU: 2000, memory: 1 << 30, disk: 1 << 34),
                               pins: [PinReport(cid: "bafy", size: 42, private: true)])
        let data = try PoolAPI.encoder.encode(join)
        #expect(try PoolAPI.decoder.decode(JoinRequest.self, from: data) == join)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""private":true"#))

        let status = JobStatus(id: "01j", name: "p", state: "running", created: Date(timeIntervalSince1970: 1_800_000_000),
                               tasks: [TaskStatus(id: "a", state: "succeeded", node: "did:key:z6Mk", attempts: 1,
                                                  outputs: ["out": "bafy"], step: "bafystep")])
        let json = try PoolAPI.encoder.encode(status)
        #expect(try PoolAPI.decoder.decode(JobStatus.self, from: json) == status)
        #expect(String(decoding: json, as: UTF8.self).contains(#""created":"2027-01-15T08:00:00Z""#))
    }

    @Test func aJobSummaryCountsItsTasksUnderTheContractsName() throws {
        let summary = JobSummary(id: "j", name: "p", state: "running", created: Date(timeIntervalSince1970: 0), taskCounts: ["running": 2])
        let text = String(decoding: try PoolAPI.encoder.encode(summary), as: UTF8.self)
        #expect(text.contains(#""tasks":{"running":2}"#))
        #expect(try PoolAPI.decoder.decode(JobSummary.self, from: Data(text.utf8)) == summary)
    }

    @Test func errorBodiesCarryDiagnostics() throws {
        let body = APIErrorBody(error: "invalid spec", diagnostics: [
            .init(location: .init(file: "p.yaml", line: 3, column: 5), path: "tasks[0].id", message: "duplicate"),
        ])
        #expect(try PoolAPI.decoder.decode(APIErrorBody.self, from: PoolAPI.encoder.encode(body)) == body)
    }
}
