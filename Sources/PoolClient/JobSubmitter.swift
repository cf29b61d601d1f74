import BlockStore
import Foundation
import IPLD
import Orchestrator
import Pipeline
import PoolAPI

/// `shoal job submit`: turns a spec file with local paths into a job on the requester.
///
/// In order, so that bad input never reaches the requester and nothing half-done is submitted:
/// 1. loads and validates the spec locally (every problem with its file and line);
/// 2. adds its tool folders and local inputs to the local repository and pins them
///    (``Orchestrator/JobPreparation/addLocalPaths(_:progress:)``, the same importer and
///    settings as `shoal run`), leaving the CIDs the spec names alone: in the pool, workers
///    hold those;
/// 3. uploads the added DAGs to the requester as **one** CAR (`POST /api/v1/blocks`), streamed
///    from a temporary file. A private input is a CID a worker holds, never a local path, so it
///    is never part of the upload;
/// 4. submits the spec in its canonical form with every path replaced by its CID
///    (``Orchestrator/StoredSpec``), so the requester and the workers see exactly the recipe
///    keys the client computed.
///
/// ```swift
/// let submitted = try await JobSubmitter(client: client, repo: repo).submit(specFile: "pipeline.yaml")
/// print(submitted.job.id, submitted.upload?.blocks ?? 0)
/// ```
public struct JobSubmitter: Sendable {
    public let client: PoolClient
    public let repo: Repo

    public init(client: PoolClient, repo: Repo) {
        self.client = client
        self.repo = repo
    }

    /// What a submission did.
    public struct Submitted: Sendable, Encodable {
        /// The job as the requester accepted it.
        public var job: JobStatus
        /// The roots uploaded (tools and inputs from local paths).
        public var uploadedRoots: [String]
        /// What the upload stored (`nil` when nothing had to be uploaded).
        public var upload: BlockUpload?
        /// File bytes read while adding local paths.
        public var addedBytes: UInt64
    }

    /// Loads, adds, uploads and submits the spec at `specFile`.
    ///
    /// - Throws: ``Pipeline/PipelineError`` for a spec that does not load (with diagnostics);
    ///   ``Orchestrator/OrchestratorError`` for a path that cannot be added; ``PoolClientError``
    ///   when the requester refuses the upload or the job (a 400 carries the requester's diagnostics).
    public func submit(
        specFile: String, options: JobSubmission.Options = .init(), progress: (@Sendable (UInt64) -> Void)? = nil
    ) async throws -> Submitted {
        let spec = try SpecLoader.load(contentsOf: URL(fileURLWithPath: specFile))
        let prepared = try JobPreparation(repo: repo).addLocalPaths(spec) { bytes in progress?(bytes) }
        let roots = Self.uploadRoots(spec: spec, prepared: prepared)
        let upload = roots.isEmpty ? nil : try await upload(roots)
        let text = try StoredSpec.encode(prepared.spec)
        let name = URL(fileURLWithPath: specFile).lastPathComponent
        let job = try await client.submit(JobSubmission(spec: text, file: name, options: options))
        return Submitted(job: job, uploadedRoots: roots.map(\.string), upload: upload, addedBytes: prepared.addedBytes)
    }

    /// The DAGs to upload: what was added from local paths, never a private input.
    static func uploadRoots(spec: PipelineSpec, prepared: PreparedJob) -> [CID] {
        let privateCIDs = Set(prepared.spec.inputs.filter(\.isPrivate).compactMap { input -> CID? in
            if case .cid(let cid) = input.source { return cid }
            return nil
        })
        return prepared.addedRoots.filter { !privateCIDs.contains($0) }
    }

    /// Writes the DAGs under `roots` to one CAR in the home's cache and uploads it.
    func upload(_ roots: [CID]) async throws -> BlockUpload {
        let folder = repo.home + "/cache/uploads"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/\(getpid())-\(UInt64.random(in: 0 ... .max)).car"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try CARWriter(path: path, roots: roots)
        for root in roots { _ = try repo.exportCAR(root: root, into: writer) }
        try writer.finish()
        return try await client.uploadBlocks(carFile: path)
    }
}
