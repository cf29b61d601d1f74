import BlockStore
import Foundation
import IPLD
import JobStore
import Orchestrator
import Pipeline
import PoolAPI

/// Accepts a submitted spec: validates it, checks that every CID it names can be had, and
/// stores the job.
///
/// The spec arrives as text and is loaded with local paths refused (a client adds its files,
/// uploads their blocks and names them by CID); every validation problem comes back as a
/// diagnostic with its line. A tool or input CID must be complete in the requester's store
/// (it is pinned there for the job) or pinned by some node of the pool (compute-to-data: a
/// dataset only a worker holds). A `private` input must be pinned by a node: the requester
/// never holds or moves private data.
struct JobIntake: Sendable {
    let repo: Repo
    let store: JobStore
    let registry: PoolRegistry

    /// A job intake stored, with what its drive and placement can start from.
    struct Accepted: Sendable {
        /// The job's record and resolved spec (equal to what loading the stored copy gives).
        var entry: JobCatalog.Entry
        /// The recipes built for the tasks' recipe keys, so the first drive does not build them again.
        var recipes: SubmittedRecipes

        var job: JobRecord { entry.job }
        var spec: PipelineSpec { entry.spec }

        /// What `GET /api/v1/jobs/{job}` shows until the drive starts, built without reading the store.
        var status: JobStatus { JobStatusBuilder.submitted(entry.job, tasks: entry.spec.tasks.map(\.id)) }
    }

    /// Stores the job and returns its record with its resolved spec and the recipes built for it.
    ///
    /// - Throws: ``RequesterError/Code/badRequest`` with diagnostics for an invalid spec, or
    ///   naming the first CID that cannot be had.
    func accept(_ submission: JobSubmission) throws -> Accepted {
        let file = submission.file ?? "spec.yaml"
        let spec: PipelineSpec
        do {
            spec = try SpecLoader.load(
                text: submission.spec, file: file, baseDirectory: nil, defaultName: Self.defaultName(file),
                options: SpecLoader.Options(allowsLocalPaths: false, checksPathsExist: false))
        } catch {
            let diagnostics = error.diagnostics.map { diagnostic in
                APIErrorBody.Diagnostic(
                    location: diagnostic.location.map { .init(file: $0.file, line: $0.line, column: $0.column) },
                    path: diagnostic.path, message: diagnostic.message)
            }
            let count = diagnostics.count
            let summary = count == 0 ? error.message : "the spec has \(count) problem\(count == 1 ? "" : "s")"
            throw RequesterError(.badRequest, "invalid spec: \(summary)", diagnostics: diagnostics)
        }
        let prepared: PreparedJob
        do {
            prepared = try JobPreparation.hashOnly(spec)
        } catch {
            throw RequesterError(.badRequest, "invalid spec: \(error)")
        }
        try checkCIDs(spec)
        let options = JobOptions(keepGoing: submission.options?.keepGoing ?? false, noCache: submission.options?.noCache ?? false)
        let (record, recipes) = try prepared.submitKeepingRecipes(to: store, specFile: file, options: options)
        return Accepted(entry: JobCatalog.Entry(job: record, spec: prepared.spec), recipes: recipes)
    }

    /// Every named CID is held here (then pinned) or pinned by a node; private ones by a node.
    func checkCIDs(_ spec: PipelineSpec) throws {
        var local: [(label: String, cid: CID)] = []
        for input in spec.inputs {
            guard case .cid(let cid) = input.source else { continue }
            let label = "input '\(input.name)' \(cid)"
            if input.isPrivate {
                guard registry.isPinned(cid) else {
                    throw RequesterError(.badRequest, "private \(label) is pinned by no node of the pool (private data never moves: run a worker that holds it)")
                }
            } else if try repo.has(cid) {
                local.append((label, cid))
            } else if !registry.isPinned(cid) {
                throw RequesterError(.badRequest, "\(label) is neither uploaded (POST \(PoolAPI.Path.blocks)) nor pinned by any node of the pool")
            }
        }
        for task in spec.tasks {
            guard case .cid(let cid)? = task.tool else { continue }
            let label = "the tool of task '\(task.id)' \(cid)"
            if try repo.has(cid) {
                local.append((label, cid))
            } else if !registry.isPinned(cid) {
                throw RequesterError(.badRequest, "\(label) is neither uploaded (POST \(PoolAPI.Path.blocks)) nor pinned by any node of the pool")
            }
        }
        for (label, cid) in local {
            do {
                // Pinning checks the whole DAG is here and keeps gc off it while the job runs.
                _ = try repo.pin(cid, name: "job input")
            } catch let error as BlockStoreError {
                if registry.isPinned(cid) { continue }
                throw RequesterError(.badRequest, "\(label) is not complete in the requester's store: \(error.message)")
            }
        }
    }

    static func defaultName(_ file: String) -> String {
        let base = file.split(separator: "/").last.map(String.init) ?? file
        return base.split(separator: ".").first.map(String.init) ?? "job"
    }
}
