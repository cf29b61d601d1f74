import AsyncHTTPClient
import BlockStore
import IPLD
import NIOCore

extension FetchRun {
    /// Walks the DAG in the store from the root and fetches each missing block alone
    /// (`?format=raw`), so a provider only has to supply what is missing.
    ///
    /// The walk is depth-first; raw blocks that are held are not read (they have no links),
    /// other held blocks are read and verified to find their links.
    func fillMissingBlocks() async throws {
        var stack = [root]
        var seen: Set<CID> = []
        while let cid = stack.popLast() {
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
            } else {
                block = try await fetchRaw(cid)
            }
            stack.append(contentsOf: try links(of: block).reversed())
        }
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

    /// Fetches one block from the first provider that has it, verifies it and stores it.
    ///
    /// - Throws: ``GatewayError/Code/fetchFailed`` listing every failure when no provider can
    ///   supply it.
    private func fetchRaw(_ cid: CID) async throws -> Block {
        for state in active {
            do {
                let response = try await execute(request(cid, from: state.provider, car: false), timeout: fetcher.limits.blockTimeout, to: state)
                try await checkStatus(response, for: cid)
                let body: [UInt8]
                do {
                    var buffer = try await response.body.collect(upTo: fetcher.verifier.maxBlockBytes)
                    body = buffer.readBytes(length: buffer.readableBytes) ?? []
                } catch is NIOTooManyBytesError {
                    throw GatewayError(.tooLarge, "sent more than \(fetcher.verifier.maxBlockBytes) bytes for block \(cid)")
                } catch {
                    throw GatewayError(.unavailable, "the response for \(cid) broke off: \(Self.describe(error))")
                }
                let block = try fetcher.verifier.verify(cid, body)
                try store(block)
                try count(block, from: state)
                return block
            } catch let error as GatewayError {
                // A provider without this block may have others; any other failure drops it.
                record(error, from: state, error.code == .missingBlock ? .keep : .drop)
            }
        }
        let failures = summary.failures
        let tried = failures.isEmpty ? "no providers were given" : failures.map(\.description).joined(separator: "; ")
        throw Fatal(error: GatewayError(.fetchFailed, "cannot fetch \(root): no provider supplied block \(cid) (\(tried))", failures: failures))
    }
}
