import Foundation
import IPLD
import Orchestrator
import Sandbox
import Units

extension StepExecutor {
    /// The sandbox spec of an attempt: staged tool and inputs, output folders in the scratch
    /// folder, the params file, the recipe's env and limits, and the log folder.
    func sandboxSpec(for assignment: StepAssignment, scratch: String, recording: Bool, cache: ExportCache) throws -> SandboxSpec {
        let recipe = assignment.recipe
        var spec = SandboxSpec(command: recipe.run)
        spec.toolDirectory = try recipe.tool.map(cache.path(for:))
        for (name, cid) in recipe.inputs { spec.inputs[name] = try cache.path(for: cid) }
        try WorkerHome.makeFolder(scratch)
        spec.outputsDirectory = scratch + "/outputs"
        spec.outputs = assignment.outputs
        spec.environment = recipe.env
        spec.paramsFile = try writeParams(recipe.params, to: scratch + "/params.json")
        RecipeLimits.apply(recipe.limits, to: &spec)
        let logs = recording
            ? home.logs(job: assignment.jobID, task: assignment.taskID, attempt: assignment.attempt)
            : scratch + "/logs"
        try? FileManager.default.removeItem(atPath: logs)
        try WorkerHome.makeFolder(logs)
        spec.logDirectory = logs
        spec.isolation = configuration.isolation
        spec.userNamespace = configuration.userNamespace
        return spec
    }

    /// Writes the params as JSON (dag-json shapes for links and bytes), readable by the sandbox user.
    ///
    /// A plain write: the file lives only as long as the attempt, so it is never flushed to disk.
    func writeParams(_ params: IPLDMap, to path: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(params)
        } catch {
            throw WorkerError(.io, "cannot encode the params: \(error)")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WorkerError(.io, "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, 0o644)
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == data.count else {
            throw WorkerError(.io, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        return path
    }

    /// Why a finished run failed, if it did: a limit or exit status first, then the outputs.
    struct Judgement {
        var failure: StepFailure?
        var message: String?
        var succeeded: Bool { failure == nil }
    }

    func judge(_ result: SandboxResult, outputs: [String], folder: String) -> Judgement {
        switch result.reason {
        case .exited:
            if let code = result.exitCode, code != 0 {
                return Judgement(failure: .exitCode, message: "exited with code \(code)")
            }
        case .signaled:
            return Judgement(failure: .signaled, message: "killed by signal \(result.signal.map(String.init) ?? "?")")
        case .timeout: return Judgement(failure: .timeout, message: "ran past its time limit (stopped after \(HumanFormat.duration(result.wallTime)))")
        case .memory: return Judgement(failure: .memory, message: "ran out of memory (peak \(HumanFormat.bytes(UInt64(max(0, result.peakMemory)))))")
        case .pids: return Judgement(failure: .pids, message: "reached its process limit")
        case .outputTooLarge: return Judgement(failure: .outputTooLarge, message: "its outputs grew past their cap")
        case .cpuTime: return Judgement(failure: .cpuTime, message: "used up its CPU-time limit")
        case .launchFailed: return Judgement(failure: .launchFailed, message: result.message ?? "the command could not be started")
        case .cancelled: return Judgement(failure: .cancelled, message: "the run was cancelled")
        }
        for name in outputs {
            let path = folder + "/" + name
            if Self.isEmptyOrAbsent(path) {
                return Judgement(failure: .missingOutput, message: "exited 0 but wrote nothing to /outputs/\(name)")
            }
            do {
                try OutputCheck.verify(folder: path)
            } catch let error as SandboxError {
                let detail = error.message.hasPrefix(path) ? String(error.message.dropFirst(path.count + 2)) : error.message
                return Judgement(failure: .unsafeOutput, message: "/outputs/\(name): \(detail)")
            } catch {
                return Judgement(failure: .unsafeOutput, message: "/outputs/\(name): \(error)")
            }
        }
        return Judgement()
    }

    /// Whether `path` is missing or an empty folder.
    static func isEmptyOrAbsent(_ path: String) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            return access(path, F_OK) != 0
        }
        return entries.isEmpty
    }

    /// The last `lines` lines of a log file (reading at most its last 8 KiB).
    static func tail(of path: String, lines: Int) -> String? {
        guard lines > 0, let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > 8192 ? size - 8192 : 0
        try? handle.seek(toOffset: start)
        guard let data = try? handle.readToEnd(), !data.isEmpty else { return nil }
        var text = String(decoding: data, as: UTF8.self)
        if start > 0, let newline = text.firstIndex(of: "\n") { text = String(text[text.index(after: newline)...]) }
        let kept = text.split(separator: "\n", omittingEmptySubsequences: false)
        let trimmed = (kept.last == "" ? kept.dropLast() : kept[...]).suffix(lines)
        let result = trimmed.joined(separator: "\n")
        return result.isEmpty ? nil : result
    }
}
