import Foundation
import Sandbox
import ShoalTesting
import Testing

/// Where the package's `Runners/` and `Examples/` folders are.
enum PackagePaths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().standardizedFileURL
    static let runners = root.appendingPathComponent("Runners")
    static let examples = root.appendingPathComponent("Examples")

    /// The Python tools, all in the `datakit` bundle.
    static let datakitTools: Set<String> = ["dedupe", "evaluate", "split", "stats", "tokenize", "train-linear"]

    /// The folder holding one tool, e.g. `tool("dedupe")` (the `datakit` bundle) or `tool("hello")`.
    static func tool(_ name: String) -> String {
        runners.appendingPathComponent(datakitTools.contains(name) ? "datakit" : name).path
    }
}

/// Whether this process may build sandboxes (the launcher needs root).
let runningAsRoot = geteuid() == 0

/// What a test gives a runner as one input: a file or a folder of files.
enum RunnerInput: Sendable {
    /// A single file with this text.
    case file(String)
    /// A single file with these bytes.
    case bytes([UInt8])
    /// A folder of files: relative path → text.
    case folder([String: String])
}

/// A finished runner run: how it ended, its logs, and every output file read back.
struct RunnerRun: Sendable {
    let result: SandboxResult
    let stdout: String
    let stderr: String
    /// Output name → relative path → bytes.
    let outputs: [String: [String: [UInt8]]]

    var succeeded: Bool { result.succeeded }

    /// The text of one output file (empty when it is missing).
    func text(_ output: String, _ file: String) -> String {
        String(decoding: outputs[output]?[file] ?? [], as: UTF8.self)
    }

    /// One output file parsed as a JSON object.
    func json(_ output: String, _ file: String) throws -> [String: Any] {
        let bytes = try #require(outputs[output]?[file], "output \(output)/\(file) is missing; stderr: \(stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    /// The last line the tool wrote to stderr.
    var errorLine: String { stderr.split(separator: "\n").last.map(String.init) ?? "" }
}

/// Runs `command` of the tool folder `Runners/<tool>` in the real sandbox: the tool at `/tool`,
/// each input at `/inputs/<name>`, `params` (JSON text) at `$SHOAL_PARAMS`, `outputs` as writable
/// folders under `/outputs`, and `environment` on top of the sandbox's base environment.
func runTool(
    _ tool: String, _ command: [String], inputs: [String: RunnerInput] = [:], params: String? = nil,
    outputs: [String] = [], environment: [String: String] = [:]
) async throws -> RunnerRun {
    let scratch = try Scratch("runner")
    var spec = SandboxSpec(command: command)
    spec.toolDirectory = PackagePaths.tool(tool)
    spec.environment = environment
    for (name, input) in inputs.sorted(by: { $0.key < $1.key }) {
        spec.inputs[name] = try scratch.place(input, at: "inputs/\(name)")
    }
    if let params { spec.paramsFile = try scratch.place(.file(params), at: "params.json") }
    spec.outputsDirectory = scratch.path + "/outputs"
    spec.outputs = outputs
    spec.logDirectory = scratch.path + "/logs"
    spec.limits.timeout = .seconds(120)
    let result = try await Sandbox.run(spec)
    var read: [String: [String: [UInt8]]] = [:]
    for name in outputs {
        read[name] = try Scratch.tree(at: scratch.path + "/outputs/" + name)
    }
    return RunnerRun(
        result: result,
        stdout: (try? String(contentsOfFile: result.stdout.path, encoding: .utf8)) ?? "",
        stderr: (try? String(contentsOfFile: result.stderr.path, encoding: .utf8)) ?? "",
        outputs: read)
}

/// A temporary folder the sandbox user can read (mode 0755), removed when released.
final class Scratch: Sendable {
    let folder: TemporaryDirectory
    var path: String { folder.path }

    init(_ label: String) throws {
        folder = TemporaryDirectory(label)
        guard chmod(folder.path, 0o755) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// Writes `input` at `relative` and returns its path.
    func place(_ input: RunnerInput, at relative: String) throws -> String {
        let target = path + "/" + relative
        switch input {
        case .file(let text): try write(Array(text.utf8), to: target)
        case .bytes(let bytes): try write(bytes, to: target)
        case .folder(let files):
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            for (name, text) in files { try write(Array(text.utf8), to: target + "/" + name) }
        }
        return target
    }

    private func write(_ bytes: [UInt8], to file: String) throws {
        let parent = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
    }

    /// Every regular file under `folder`: relative path → bytes (empty when the folder is missing).
    static func tree(at folder: String) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return files }
        while let relative = walker.nextObject() as? String {
            var isFolder: ObjCBool = false
            let full = folder + "/" + relative
            if FileManager.default.fileExists(atPath: full, isDirectory: &isFolder), !isFolder.boolValue {
                files[relative] = Array(try Data(contentsOf: URL(fileURLWithPath: full)))
            }
        }
        return files
    }
}

/// Runs the same tool twice and expects byte-identical outputs (what memoization and
/// `verify --rerun` rely on); returns the first run.
@discardableResult
func runTwiceExpectingIdenticalOutputs(
    _ tool: String, _ command: [String], inputs: [String: RunnerInput] = [:], params: String? = nil,
    outputs: [String], sourceLocation: SourceLocation = #_sourceLocation
) async throws -> RunnerRun {
    let first = try await runTool(tool, command, inputs: inputs, params: params, outputs: outputs)
    let second = try await runTool(tool, command, inputs: inputs, params: params, outputs: outputs)
    #expect(first.succeeded, "\(tool): \(first.stderr)", sourceLocation: sourceLocation)
    #expect(first.outputs == second.outputs, "\(tool): two runs gave different outputs", sourceLocation: sourceLocation)
    #expect(first.stdout == second.stdout, sourceLocation: sourceLocation)
    return first
}

/// Expects a run that failed with exit code 2 and exactly one stderr line starting `prefix`.
func expectCleanFailure(
    _ run: RunnerRun, _ prefix: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(run.result.reason == .exited, sourceLocation: sourceLocation)
    #expect(run.result.exitCode == 2, "exit \(String(describing: run.result.exitCode)): \(run.stderr)", sourceLocation: sourceLocation)
    let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
    #expect(lines.count == 1, "expected one stderr line, got: \(run.stderr)", sourceLocation: sourceLocation)
    #expect(run.errorLine.hasPrefix(prefix), "\(run.errorLine)", sourceLocation: sourceLocation)
    #expect(!run.stderr.contains("Traceback"), sourceLocation: sourceLocation)
}
