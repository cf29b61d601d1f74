import AsyncHTTPClient
import BlockStore
import IPLD
import Logging
import NIOCore

/// The state of one ``BlockFetcher`` fetch: which providers are still trusted, what arrived, and
/// the summary. Lives on the fetch's task only.
final class FetchRun {
    /// A provider and where it stands.
    struct ProviderState: Sendable {
        let provider: GatewayProvider
        /// Its position in ``FetchSummary/providers``.
        let index: Int
    }

    let root: CID
    let fetcher: BlockFetcher
    let writer: RepoWriter
    /// Providers still asked, in order; a dropped one leaves this list.
    var active: [ProviderState]
    var summary: FetchSummary

    init(root: CID, providers: [GatewayProvider], fetcher: BlockFetcher, writer: RepoWriter) {
        self.root = root
        self.fetcher = fetcher
        self.writer = writer
        self.active = providers.enumerated().map { ProviderState(provider: $0.element, index: $0.offset) }
        self.summary = FetchSummary(root: root, providers: providers)
    }

    /// A condition that ends the whole fetch, not just one provider's part.
    struct Fatal: Error {
        let error: any Error
    }

    /// Fetches the DAG: a CAR from each provider until one delivers or part of the DAG is
    /// stored, then the missing blocks one by one.
    func fetch() async throws {
        do {
            if try !writer.has(root) {
                // Each provider gets one CAR attempt; a demoted one is not asked twice.
                for provider in active {
                    try Task.checkCancellation()
                    let before = summary.newBlocks + summary.blocksFetched
                    if try await fetchCAR(from: provider) { return }
                    if summary.newBlocks + summary.blocksFetched > before { break }
                }
            }
            try await fillMissingBlocks()
        } catch let fatal as Fatal {
            throw fatal.error
        }
    }

    // MARK: Provider bookkeeping

    /// What happens to a provider after a failure.
    enum Disposition {
        /// Never asked again (it sent a bad block, or cannot be reached).
        case drop
        /// Asked after the others (its CAR ended early: it may still hold other blocks).
        case demote
        /// Stays where it is (it lacks one block).
        case keep
    }

    /// Records a failure and applies `disposition` to the provider.
    func record(_ failure: GatewayError, from state: ProviderState, _ disposition: Disposition) {
        let entry = ProviderFailure(provider: state.provider.description, code: failure.code, message: failure.message)
        summary.failures.append(entry)
        fetcher.logger.info("fetch \(root): \(entry)")
        guard disposition != .keep, let position = active.firstIndex(where: { $0.index == state.index }) else { return }
        active.remove(at: position)
        if disposition == .drop {
            summary.providers[state.index].dropped = entry
        } else {
            active.append(state)
        }
    }

    /// Counts a verified block received from a provider; enforces the total-bytes limit.
    func count(_ block: Block, from state: ProviderState) throws {
        summary.blocksFetched += 1
        summary.bytesFetched += block.bytes.count
        summary.providers[state.index].blocks += 1
        summary.providers[state.index].bytes += block.bytes.count
        if summary.bytesFetched > fetcher.limits.maxTotalBytes {
            throw Fatal(error: GatewayError(.tooLarge, "fetching \(root) received more than \(fetcher.limits.maxTotalBytes) bytes; stopped"))
        }
    }

    /// Stores a verified block.
    func store(_ block: Block) throws {
        do {
            if try writer.store(block) { summary.newBlocks += 1 }
        } catch {
            throw Fatal(error: error)
        }
    }

    /// The links of a verified block; a block that verifies but cannot be decoded is the same
    /// from every provider, so it ends the fetch.
    func links(of block: Block) throws -> [CID] {
        do {
            return try BlockLinks.of(block.bytes, codec: block.cid.codec)
        } catch {
            throw Fatal(error: GatewayError(.undecodable, "block \(block.cid) cannot be decoded to find its links: \(error)"))
        }
    }

    // MARK: HTTP

    /// A request for `cid` from `provider` in `format` (`raw` or `car`).
    static func request(_ cid: CID, from provider: GatewayProvider, car: Bool) -> HTTPClientRequest {
        let query = car ? "format=car&dag-scope=all" : "format=raw"
        var request = HTTPClientRequest(url: provider.url(for: cid, query: query))
        request.headers.add(name: "Accept", value: car ? "\(MediaType.car); version=1; order=dfs; dups=n" : MediaType.raw)
        if let token = provider.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        return request
    }

    /// Sends a request; a failure to get a response becomes ``GatewayError/Code/unavailable``.
    func execute(_ request: HTTPClientRequest, timeout: TimeAmount, to state: ProviderState) async throws(GatewayError) -> HTTPClientResponse {
        summary.providers[state.index].requests += 1
        do {
            return try await fetcher.client.execute(request, timeout: timeout, logger: fetcher.logger)
        } catch {
            throw GatewayError(.unavailable, "no response: \(Self.describe(error))")
        }
    }

    /// Checks a response's status: 200 passes; 404 and 412 are a missing block; anything else
    /// (401, 403, 5xx…) makes the provider unavailable.
    static func checkStatus(_ response: HTTPClientResponse, for cid: CID) async throws(GatewayError) {
        switch response.status.code {
        case 200:
            return
        case 404, 412:
            throw GatewayError(.missingBlock, "does not have \(cid) (HTTP \(response.status.code))")
        default:
            let body = (try? await response.body.collect(upTo: 1024)).map { String(buffer: $0) } ?? ""
            let reason = body.split(whereSeparator: \.isNewline).first.map { ": " + $0.prefix(200) } ?? ""
            throw GatewayError(.unavailable, "answered HTTP \(response.status.code)\(reason)")
        }
    }

    /// A short description of a transport error (AsyncHTTPClient's and NIO's).
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .readTimeout: return "no bytes received within the idle timeout"
            case .deadlineExceeded: return "the request took longer than allowed"
            case .connectTimeout: return "connection timed out"
            case .remoteConnectionClosed: return "the connection was closed early"
            default: return "\(error)"
            }
        }
        return "\(error)"
    }
}
