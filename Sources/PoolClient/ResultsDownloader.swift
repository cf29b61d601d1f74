import BlockStore
import Foundation
import Gateway
import IPLD
import PoolAPI

/// `shoal job results JOB -o DIR`: every output of a job, fetched and written as files.
///
/// Each output DAG is fetched through the requester's trustless gateway (`GET /ipfs/{cid}` as a
/// CAR) with ``Gateway/BlockFetcher``, which verifies every block against its CID before storing
/// it, into the local repository (pinned, so a second download is free). Then the UnixFS
/// exporter writes it to `DIR/<task>/<output>`. An output path that already exists is refused
/// before anything is fetched, so results never overwrite files.
///
/// ```swift
/// let written = try await ResultsDownloader(client: client, repo: repo).download(job: id, to: "results")
/// for file in written { print(file.path, file.cid) }
/// ```
public struct ResultsDownloader: Sendable {
    public let client: PoolClient
    public let repo: Repo

    public init(client: PoolClient, repo: Repo) {
        self.client = client
        self.repo = repo
    }

    /// One output written.
    public struct Written: Sendable, Hashable, Encodable {
        public var task: String
        public var output: String
        public var cid: String
        public var path: String
        /// Block bytes fetched from the requester (0 when the DAG was already here).
        public var fetchedBytes: Int
        /// File bytes written.
        public var bytes: UInt64
    }

    /// Fetches and writes every output of job `id` under `folder`.
    ///
    /// - Parameter tasks: only these tasks (default: every task with outputs).
    /// - Throws: ``PoolClientError`` when the job cannot be read or an output cannot be
    ///   fetched (`notFound` when the job has no outputs yet), or a file system error.
    public func download(job id: String, to folder: String, tasks: Set<String>? = nil) async throws -> [Written] {
        let status = try await client.job(id)
        var planned: [(task: String, output: String, cid: CID, path: String)] = []
        for task in status.tasks where tasks?.contains(task.id) ?? true {
            for (name, text) in (task.outputs ?? [:]).sorted(by: { $0.key < $1.key }) {
                let cid: CID
                do {
                    cid = try CID(text)
                } catch {
                    throw PoolClientError(.badResponse, "task '\(task.id)' output '\(name)' is not a CID: \(text)")
                }
                planned.append((task.id, name, cid, folder + "/" + task.id + "/" + name))
            }
        }
        if planned.isEmpty {
            throw PoolClientError(.notFound, "job \(id) has no outputs (it is \(status.state))")
        }
        for item in planned where FileManager.default.fileExists(atPath: item.path) {
            throw PoolClientError(.configuration, "\(item.path) already exists; choose another folder")
        }
        let fetcher = BlockFetcher(repo: repo, client: client.blocks)
        let provider = GatewayProvider(url: client.configuration.url, token: client.configuration.token, name: "requester")
        var written: [Written] = []
        for item in planned {
            let summary: FetchSummary
            do {
                summary = try await fetcher.fetch(item.cid, from: [provider], pin: true, pinName: "job \(id) \(item.task).\(item.output)")
            } catch let error as GatewayError {
                throw PoolClientError(.unreachable, "cannot fetch \(item.task).\(item.output) (\(item.cid)): \(error)")
            }
            try FileManager.default.createDirectory(atPath: folder + "/" + item.task, withIntermediateDirectories: true)
            let bytes = try repo.unixfs.get(item.cid, to: item.path)
            written.append(Written(
                task: item.task, output: item.output, cid: item.cid.string, path: item.path, fetchedBytes: summary.bytesFetched,
                bytes: bytes))
        }
        return written
    }
}
