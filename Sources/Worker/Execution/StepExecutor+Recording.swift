import BlockStore
import Foundation
import IPLD
import Orchestrator
import Provenance
import Sandbox
import UnixFS

extension StepExecutor {
    /// The cached outcome of a step whose recipe already ran here, or `nil` to run it.
    ///
    /// The original's outputs and logs are pinned again for this job (which also checks their
    /// DAGs are complete: a partial one means running instead), then a cached step is written.
    func reuse(_ assignment: StepAssignment) throws -> StepOutcome? {
        guard let hit = try Memoization.reusableStep(for: assignment.recipeCID, index: index, source: repo) else { return nil }
        let step = Memoization.cachedStep(
            reusing: hit, job: assignment.jobID, task: assignment.taskID, node: identity.didKey,
            at: ProvenanceTime.now(), parents: assignment.parents)
        let written: ProvenanceWriter.Written? = try repo.write { writer in
            do {
                try writer.pin(Array(hit.step.outputs.values) + [hit.step.stdout, hit.step.stderr])
            } catch let error as BlockStoreError where error.code == .pinMissingBlock {
                return nil
            }
            let written = try ProvenanceWriter(sink: writer, index: index, identity: identity)
                .write(recipe: assignment.recipe, step: step)
            try Self.pinDirectly(written, writer: writer)
            return written
        }
        guard let written else { return nil }
        return StepOutcome(
            jobID: assignment.jobID, taskID: assignment.taskID, attempt: assignment.attempt, status: .cached,
            exitCode: hit.step.exitCode, recipe: assignment.recipeCID, step: written.step,
            attestation: written.attestation, outputs: hit.step.outputs, stdout: hit.step.stdout, stderr: hit.step.stderr,
            original: hit.cid, node: identity.didKey.string)
    }

    /// Adds what a finished run produced and writes its step (or, without `recording`, only
    /// hashes its outputs).
    func store(
        _ assignment: StepAssignment, result: SandboxResult, judgement: Judgement, folder: String, started: Date,
        finished: Date, recording: Bool
    ) throws -> StepOutcome {
        let profile = try assignment.outputImport.profile()
        let node = identity.didKey.string
        let tail = judgement.succeeded ? nil : Self.tail(of: result.stderr.path, lines: configuration.stderrTailLines)
        var outcome = StepOutcome(
            jobID: assignment.jobID, taskID: assignment.taskID, attempt: assignment.attempt,
            status: judgement.succeeded ? .succeeded : .failed, reason: judgement.failure?.rawValue,
            message: judgement.message, exitCode: Self.exitCode(of: result), recipe: assignment.recipeCID, node: node,
            stderrTail: tail, outputBytes: result.outputBytes)
        guard recording else {
            if judgement.succeeded { outcome.outputs = try addOutputs(assignment.outputs, in: folder, profile: profile, sink: DiscardingBlockSink()) }
            return outcome
        }
        return try repo.write { writer in
            let importer = UnixFSImporter(profile: profile, sink: writer)
            let stdout = try importer.importPath(result.stdout.path).cid
            let stderr = try importer.importPath(result.stderr.path).cid
            let outputs = judgement.succeeded ? try addOutputs(assignment.outputs, in: folder, profile: profile, sink: writer) : [:]
            try writer.pin(outputs.keys.sorted().map { outputs[$0]! } + [stdout, stderr])
            let step = Step(
                recipe: assignment.recipeCID, outputs: outputs, stdout: stdout, stderr: stderr,
                exitCode: outcome.exitCode ?? -1, node: node, job: assignment.jobID, task: assignment.taskID,
                started: ProvenanceTime.string(from: started), finished: ProvenanceTime.string(from: finished),
                parents: assignment.parents,
                reason: judgement.failure.flatMap { $0 == .exitCode || $0 == .signaled ? nil : $0.rawValue },
                usage: ResourceUsage(
                    wallMs: Self.milliseconds(result.wallTime), userCpuMs: Self.milliseconds(result.userCPUTime),
                    systemCpuMs: Self.milliseconds(result.systemCPUTime), maxRssBytes: Int(result.peakMemory)))
            let written = try ProvenanceWriter(sink: writer, index: index, identity: identity)
                .write(recipe: assignment.recipe, step: step)
            try Self.pinDirectly(written, writer: writer)
            outcome.outputs = outputs
            outcome.stdout = stdout
            outcome.stderr = stderr
            outcome.step = written.step
            outcome.attestation = written.attestation
            return outcome
        }
    }

    /// Adds each output folder (hidden files included) and returns its CID by name.
    func addOutputs(_ names: [String], in folder: String, profile: ImportProfile, sink: any BlockSink) throws -> [String: CID] {
        let importer = UnixFSImporter(profile: profile, sink: sink)
        var outputs: [String: CID] = [:]
        for name in names {
            outputs[name] = try importer.importPath(
                folder + "/" + name, options: ImportOptions(recursive: true, includeHidden: true)).cid
        }
        return outputs
    }

    /// Pins the recipe, step and attestation blocks directly (their data DAGs are pinned on their
    /// own). A block already pinned recursively by someone else stays as it is.
    static func pinDirectly(_ written: ProvenanceWriter.Written, writer: RepoWriter) throws {
        let cids = [written.recipe, written.step, written.attestation]
        do {
            try writer.pin(cids, mode: .direct)
        } catch let error as BlockStoreError where error.code == .alreadyPinned {
            for cid in cids {
                do { try writer.pin(cid, mode: .direct) } catch let error as BlockStoreError where error.code == .alreadyPinned {}
            }
        }
    }

    /// The step's exit code: the code, 128 + N for signal N (as shells report it), `nil` when unknown.
    static func exitCode(of result: SandboxResult) -> Int? {
        switch result.termination {
        case .exited(let code): Int(code)
        case .signaled(let signal): 128 + Int(signal)
        case .unknown: nil
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
