import AsyncHTTPClient
import BlockStore
import IPLD
import Logging
import NIOCore

extension FetchRun {
    /// Raw leaves fetched together: they have no links, so the walk need not wait for them.
    static let leafBatch = 64
    /// Raw requests in flight at once (AsyncHTTPClient keeps up to 8 connections per host).
    static let concurrentRequests = 8

    /// Walks the DAG in the store from the root and fetches each missing block alone
    /// (`?format=raw`), so a provider only has to supply what is missing.
    ///
    /// The walk is depth-first. Held raw blocks are not read (they have no links); other held
    /// blocks are read and verified to find their links. A missing block with links is fetched
    /// at once (the walk needs it); missing raw leaves are collected and fetched
    /// ``concurrentRequests`` at a time.
    func fillMissingBlocks() async throws {
        var stack = [root]
        var seen: Set<CID> = []
        var leaves: [CID] = []
        while let cid = stack.popLast() {
            try Task.checkCancellation()
            guard seen.insert(cid).inserted else { continue }
            if cid.multihash.code == .identity {
                if cid.codec != .raw { stack.append(contentsOf: try links(of: Block(trusted: cid, bytes: cid.multihash.digest)).reversed()) }
                continue
            }
            let block: Block
            if let held = try heldBlock(cid) {
                summary.blocksAlreadyHeld += 1
                guard let held = held else { continue }
                block = held
            } else if cid.codec == .raw {
                leaves.append(cid)
                if leaves.count >= Self.leafBatch {
                    try await fetchLeaves(leaves)
                    leaves.removeAll(keepingCapacity: true)
                }
                continue
            } else {
                block = try await take(Self.fetchRaw(cid, from: active, using: rawContext), for: cid)
            }
            stack.append(contentsOf: try links(of: block).reversed())
        }
        try await fetchLeaves(leaves)
    }

    /// `nil` when the block is not in the store; `.some(nil)` when it is a held raw block
    /// (no need to read it); otherwise the held block, verified.
    private func heldBlock(_ cid: CID) throws -> Block?? {
        do {
            guard try writer.has(cid) else { return nil }
            if cid.codec == .raw { return .some(nil) }
            let bytes = try writer.block(cid)
            guard cid.verifies(bytes) else {
                throw BlockStoreError(.corrupt, "block \(cid) in the store does not match its hash; run `shoal repo verify`")
            }
            return Block(trusted: cid, bytes: bytes)
        } catch let error as IPLDError where error.code == .blockNotFound {
            return nil  // removed between the check and the read
        } catch {
            throw Fatal(error: error)
        }
    }

    /// Fetches raw leaves, several at a time, from the providers in good standing when the
    /// batch starts.
    private func fetchLeaves(_ cids: [CID]) async throws {
        guard !cids.isEmpty else { return }
        let providers = active
        let context = rawContext
        try await withThrowingTaskGroup(of: (CID, [RawAttempt]).self) { group in
            var next = 0
            func launch() {
                let cid = cids[next]
                next += 1
                group.addTask { (cid, await Self.fetchRaw(cid, from: providers, using: context)) }
            }
            while next < min(cids.count, Self.concurrentRequests) { launch() }
            while let (cid, attempts) = try await group.next() {
                // Bookkeeping and storing stay on this task, one block at a time.
                _ = try take(attempts, for: cid)
                if next < cids.count { launch() }
            }
        }
    }

    // MARK: One block

    /// What a raw request needs, without the fetch's mutable state.
    struct RawContext: Sendable {
        let client: HTTPClient
        let verifier: BlockVerifier
        let timeout: TimeAmount
        let logger: Logger
    }

    var rawContext: RawContext {
        RawContext(client: fetcher.client, verifier: fetcher.verifier, timeout: fetcher.limits.blockTimeout, logger: fetcher.logger)
    }

    /// One provider asked for one block, and what it answered.
    struct RawAttempt: Sendable {
        let provider: ProviderState
        let result: Result<Block, GatewayError>
    }

    /// Asks `providers` in order for `cid` until one sends it, verified.
    static func fetchRaw(_ cid: CID, from providers: [ProviderState], using context: RawContext) async -> [RawAttempt] {
        var attempts: [RawAttempt] = []
        for state in providers where !Task.isCancelled {
            do {
                let block = try await requestRaw(cid, from: state.provider, using: context)
                attempts.append(RawAttempt(provider: state, result: .success(block)))
                break
            } catch {
                attempts.append(RawAttempt(provider: state, result: .failure(error)))
            }
        }
        return attempts
    }

    /// One raw request: status, size limit, hash.
    private static func requestRaw(_ cid: CID, from provider: GatewayProvider, using context: RawContext) async throws(GatewayError) -> Block {
        let response: HTTPClientResponse
        do {
            response = try await context.client.execute(request(cid, from: provider, car: false), timeout: context.timeout, logger: context.logger)
        } catch {
            throw GatewayError(.unavailable, "no response: \(describe(error))")
        }
        try await checkStatus(response, for: cid)
        let body: [UInt8]
        do {
            var buffer = try await response.body.collect(upTo: context.verifier.maxBlockBytes)
            body = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch is NIOTooManyBytesError {
            throw GatewayError(.tooLarge, "sent more than \(context.verifier.maxBlockBytes) bytes for block \(cid)")
        } catch {
            throw GatewayError(.unavailable, "the response for \(cid) broke off: \(describe(error))")
        }
        return try context.verifier.verify(cid, body)
    }

    /// Records the attempts for one block (dropping providers that failed it, keeping those that
    /// merely lack it), stores the block that arrived, and returns it.
    ///
    /// - Throws: ``GatewayError/Code/fetchFailed`` listing every failure so far when no
    ///   provider supplied it.
    private func take(_ attempts: [RawAttempt], for cid: CID) throws -> Block {
        try Task.checkCancellation()
        for attempt in attempts {
            summary.providers[attempt.provider.index].requests += 1
            switch attempt.result {
            case .success(let block):
                try store(block)
                try count(block, from: attempt.provider)
                return block
            case .failure(let error):
                record(error, from: attempt.provider, error.code == .missingBlock ? .keep : .drop)
            }
        }
        let failures = summary.failures
        let tried = failures.isEmpty ? "no providers were given" : failures.map(\.description).joined(separator: "; ")
        throw Fatal(error: GatewayError(.fetchFailed, "cannot fetch \(root): no provider supplied block \(cid) (\(tried))", failures: failures))
    }
}
