import BlockStore
import Foundation
import Hummingbird
import IPLD
import JobStore
import PoolAPI
import Provenance

/// Nodes, lineage and verification from the provenance the requester holds, and block uploads.
extension RequesterRoutes {
    func nodes(_ context: RequesterContext) throws -> Response {
        _ = try context.authentication.require(Self.clientRoles)
        // The requester's own count, right from the join: heartbeats report `free` later.
        var running: [String: Int] = [:]
        var used: [String: Int] = [:]
        for execution in try requester.store.activeExecutions() {
            guard let node = execution.node else { continue }
            used[node, default: 0] += 1
            if execution.state.holdsLease { running[node, default: 0] += 1 }
        }
        return try JSONResponse.make(requester.registry.infos(running: running, used: used))
    }

    func lineage(_ request: Request, _ context: RequesterContext) async throws -> Response {
        _ = try context.authentication.require(Self.clientRoles)
        let cid = try Self.cid(context)
        let format = try Self.query(request, "format").map { text -> LineageFormat in
            guard let format = LineageFormat(rawValue: text) else {
                throw RequesterError(.badRequest, "format must be one of \(LineageFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return format
        } ?? .json
        let depth = try Self.query(request, "depth").map { text -> Int in
            guard let depth = Int(text), depth >= 0 else { throw RequesterError(.badRequest, "depth must be a whole number") }
            return depth
        }
        let (repo, index) = (requester.repo, requester.store.provenanceIndex)
        let graph = try await offloadBulk { try Lineage.walk(from: cid, source: repo, index: index, maxDepth: depth) }
        let text = graph.rendered(as: format)
        return JSONResponse.text(text, contentType: format == .json ? "application/json; charset=utf-8" : "text/plain; charset=utf-8")
    }

    func verify(_ context: RequesterContext) async throws -> Response {
        _ = try context.authentication.require(Self.clientRoles)
        let cid = try Self.cid(context)
        // The data DAGs stay on the workers: the requester checks the provenance it holds.
        let verifier = Verifier(
            source: requester.repo, index: requester.store.provenanceIndex, trusted: requester.registry.didKeys(), checkData: false)
        let report = try await offloadBulk { try verifier.verify(cid) }
        return try JSONResponse.make(report.document)
    }

    /// `POST /api/v1/blocks`: streams the CAR to a temporary file (413 past the limit), then
    /// imports it with the block store's verifying import. A block that does not match its CID,
    /// a missing root or bad framing is a 400 and pins nothing. Then every root whose whole DAG
    /// is here is pinned recursively; when one is not (a step links outputs that stay on the
    /// worker), every block of the upload is pinned directly instead, so uploaded provenance is
    /// kept without the data it names.
    func uploadBlocks(_ request: Request, _ context: RequesterContext) async throws -> Response {
        _ = try context.authentication.require([.client, .admin, .node])
        let limit = requester.configuration.limits.blockUpload
        let path = requester.uploads.newFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw RequesterError(.internalError, "cannot store the upload")
        }
        var total = 0
        do {
            defer { try? handle.close() }
            for try await chunk in request.body {
                total += chunk.readableBytes
                guard total <= limit else { throw RequesterError(.tooLarge, "the CAR is over the upload limit of \(limit) bytes") }
                try handle.write(contentsOf: Data(chunk.readableBytesView))
            }
        }
        guard total > 0 else { throw RequesterError(.badRequest, "the body is empty; send a CAR v1 stream") }
        let repo = requester.repo
        let summary: CARImportSummary
        do {
            summary = try await offloadBulk { try repo.importCAR(from: path, pin: false) }
            try await offloadBulk { try Self.pinUpload(path: path, roots: summary.roots, in: repo) }
            if summary.newBlocks > 0 {
                let privateData = requester.privateData
                try await offloadBulk { privateData.refresh(rewalk: true) }
            }
        } catch let error as BlockStoreError {
            throw RequesterError(.badRequest, "the CAR was refused: \(error.message)")
        }
        return try JSONResponse.make(BlockUpload(roots: summary.roots.map(\.string), blocks: summary.blocks, newBlocks: summary.newBlocks))
    }

    static func pinUpload(path: String, roots: [CID], in repo: Repo) throws {
        try repo.write { writer in
            var complete = true
            for root in roots {
                do {
                    _ = try writer.pin(root, name: "upload")
                } catch let error as BlockStoreError where error.code == .pinMissingBlock {
                    complete = false
                }
            }
            if !complete {
                let reader = try CARReader(path: path)
                while let section = try reader.next() { _ = try writer.pin(section.cid, mode: .direct, name: "upload") }
            }
        }
    }

    static func cid(_ context: RequesterContext) throws -> CID {
        let text = try parameter(context, "cid")
        do {
            return try CID(text)
        } catch {
            throw RequesterError(.badRequest, "'\(text)' is not a CID")
        }
    }
}

extension RequesterRoutes {
    func createToken(_ request: Request, _ context: RequesterContext) async throws -> Response {
        _ = try context.authentication.require([.admin])
        let body = try await JSONResponse.decode(TokenRequest.self, from: request, limit: requester.configuration.limits.jsonBody)
        guard body.role != .node else {
            throw RequesterError(.badRequest, "node credentials are issued when a worker joins; create a worker token instead")
        }
        let (record, token) = try requester.tokens.create(role: body.role, note: body.note)
        return try JSONResponse.make(TokenCreated(id: record.id, role: body.role, token: token), status: .created)
    }

    func listTokens(_ context: RequesterContext) throws -> Response {
        _ = try context.authentication.require([.admin])
        return try JSONResponse.make(requester.tokens.list().map(Self.info))
    }

    /// Revokes a token and the node credentials obtained with it; the nodes left without a
    /// credential are taken out of the pool at once (marked down, their running steps handed
    /// back to the queue) instead of holding their leases until they run out.
    func revokeToken(_ context: RequesterContext) throws -> Response {
        _ = try context.authentication.require([.admin])
        let id = try Self.parameter(context, "token")
        let revocation = try requester.tokens.revoke(id: id)
        for node in revocation.nodes where requester.registry.node(node)?.record.state != .down {
            let returned = try takeOut(node, reason: "the node's credential was revoked")
            requester.configuration.logger.notice("node \(node) taken out of the pool: its credential was revoked with token \(id); \(returned) running step(s) handed back")
        }
        return try JSONResponse.make(Self.info(revocation.token))
    }

    static func info(_ record: TokenRecord) -> TokenInfo {
        TokenInfo(id: record.id, role: TokenRole(rawValue: record.role) ?? .client, note: record.note, created: record.created, revoked: record.revoked)
    }
}
