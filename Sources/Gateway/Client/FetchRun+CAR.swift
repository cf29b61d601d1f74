import AsyncHTTPClient
import BlockStore
import IPLD

extension FetchRun {
    /// What a CAR stream has delivered so far: the blocks it may still send, and those it sent.
    ///
    /// A depth-first CAR without duplicates sends the root first and then only blocks linked from
    /// blocks it already sent, so a section is accepted only when it is ``wanted``. This keeps a
    /// provider from making the fetch store blocks that are not part of the DAG.
    struct CARProgress {
        var wanted: Set<CID>
        var received: Set<CID> = []

        init(root: CID) {
            wanted = [root]
        }

        /// Adds the links of a received block (identity links resolve inline: their own links
        /// are wanted instead).
        mutating func want(_ links: [CID]) {
            var pending = links
            while let link = pending.popLast() {
                if link.multihash.code == .identity {
                    if link.codec != .raw, let inner = try? BlockLinks.of(link.multihash.digest, codec: link.codec) {
                        pending.append(contentsOf: inner)
                    }
                    continue
                }
                if !received.contains(link) { wanted.insert(link) }
            }
        }
    }

    /// Asks one provider for the whole DAG as a CAR, storing each verified block.
    ///
    /// - Returns: `true` when the CAR delivered the whole DAG; `false` after recording the
    ///   provider's failure (and dropping it, unless the stream merely ended early).
    func fetchCAR(from state: ProviderState) async throws -> Bool {
        var progress = CARProgress(root: root)
        do {
            let response = try await execute(Self.request(root, from: state.provider, car: true), timeout: fetcher.limits.carTimeout, to: state)
            try await Self.checkStatus(response, for: root)
            try checkContentType(response.headers.first(name: "Content-Type"))
            var decoder = CARStreamDecoder(limits: .init(
                maxHeaderBytes: fetcher.limits.maxCARHeaderBytes,
                maxSectionBytes: fetcher.verifier.maxBlockBytes + CARStreamDecoder.maxCIDLength
            ))
            var rootsChecked = false
            do {
                for try await chunk in response.body {
                    decoder.append(chunk)
                    while let section = try decoder.next() {
                        if !rootsChecked, let header = decoder.header {
                            try checkRoots(header)
                            rootsChecked = true
                        }
                        try accept(section, into: &progress, from: state)
                    }
                }
            } catch let error as GatewayError {
                throw error
            } catch let fatal as Fatal {
                throw fatal
            } catch {
                throw GatewayError(.truncated, "the CAR stream broke off after \(progress.received.count) blocks: \(Self.describe(error))")
            }
            try decoder.finish()
            if !rootsChecked, let header = decoder.header { try checkRoots(header) }
            guard progress.wanted.isEmpty else {
                throw GatewayError(.truncated, "the CAR ended with \(progress.wanted.count) linked blocks not sent (first: \(progress.wanted.first!))")
            }
            return true
        } catch let error as GatewayError {
            // A cancelled fetch is not the provider's failure.
            try Task.checkCancellation()
            // A stream that ended early came from a provider that may still hold other blocks;
            // any other failure means the provider cannot be trusted or reached.
            record(error, from: state, error.code == .truncated ? .demote : .drop)
            return false
        }
    }

    /// Verifies one section and stores it.
    private func accept(_ section: CARStreamDecoder.Section, into progress: inout CARProgress, from state: ProviderState) throws {
        let cid = section.cid
        if progress.received.contains(cid) {
            // A duplicate (a provider that ignored dups=n): harmless, but its bytes count.
            let block = try fetcher.verifier.verify(cid, section.bytes)
            try count(block, from: state)
            return
        }
        guard progress.wanted.remove(cid) != nil else {
            throw GatewayError(.badBlock, "CAR section \(section.index) is block \(cid), which is not linked from any block sent before it")
        }
        let block = try fetcher.verifier.verify(cid, section.bytes)
        let links = try links(of: block)
        try store(block)
        try count(block, from: state)
        progress.received.insert(cid)
        progress.want(links)
    }

    /// A CAR response must say it is a CAR v1 (the spec's `version` parameter, when present).
    private func checkContentType(_ value: String?) throws(GatewayError) {
        guard let value, let range = MediaRange(parsing: Substring(value)), range.type == MediaType.car else {
            throw GatewayError(.badBlock, "answered with Content-Type '\(value ?? "none")', not \(MediaType.car)")
        }
        if let version = range.parameters["version"], version != "1" {
            throw GatewayError(.badBlock, "answered with a CAR version \(version), not 1")
        }
    }

    /// The CAR header must name the requested root.
    private func checkRoots(_ header: CARHeader) throws(GatewayError) {
        guard header.roots.contains(root) else {
            let named = header.roots.prefix(3).map(\.string).joined(separator: ", ")
            throw GatewayError(.badBlock, "the CAR's roots [\(named)] do not include \(root)")
        }
    }
}
