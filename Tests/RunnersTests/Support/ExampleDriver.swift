import Foundation
import Pipeline
import Sandbox
import Testing

/// Runs an example spec's tasks one by one in the sandbox, in dependency order, wiring each task's
/// inputs to the local files or to the output folders of the tasks before it.
///
/// This checks that the examples' commands, parameters and limits work with the real tools and
/// the real sandbox, without a store: `shoal run` does the same with CIDs, memoization and
/// provenance, and has its own end-to-end tests.
struct ExampleDriver {
    let spec: PipelineSpec
    let scratch: Scratch

    init(example: String) throws {
        let url = PackagePaths.examples.appendingPathComponent(example).appendingPathComponent("pipeline.yaml")
        spec = try SpecLoader.load(contentsOf: url)
        scratch = try Scratch("example-\(example)")
    }

    /// Each task's outputs: task id → output name → relative path → bytes.
    struct Outcome {
        var outputs: [String: [String: [String: [UInt8]]]] = [:]
        var stdout: [String: String] = [:]

        func text(_ task: String, _ output: String, _ file: String) -> String {
            String(decoding: outputs[task]?[output]?[file] ?? [], as: UTF8.self)
        }

        func json(_ task: String, _ output: String, _ file: String) throws -> [String: Any] {
            let bytes = try #require(outputs[task]?[output]?[file], "\(task).\(output)/\(file) is missing")
            return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        }
    }

    /// Runs every task; a failing task fails the test and stops the run.
    func run() async throws -> Outcome {
        var outcome = Outcome()
        for id in try TaskGraph(spec).order {
            let task = try #require(spec.task(id))
            let rendered = try TemplateRenderer.render(task, inputCIDs: [:])
            var sandbox = SandboxSpec(command: rendered.run)
            sandbox.environment = rendered.env
            if case .path(let tool) = task.tool { sandbox.toolDirectory = tool.resolved }
            for input in task.inputs { sandbox.inputs[input.name] = try hostPath(of: input.source) }
            sandbox.paramsFile = try scratch.place(.bytes(try Self.json(task.params)), at: "params/\(id).json")
            sandbox.outputsDirectory = scratch.path + "/outputs/" + id
            sandbox.outputs = task.outputs
            sandbox.logDirectory = scratch.path + "/logs/" + id
            if let memory = task.resources.memory { sandbox.limits.memory = .init(bytes: memory.bytes) }
            sandbox.limits.timeout = task.resources.timeout?.duration ?? .seconds(120)

            let result = try await Sandbox.run(sandbox)
            let stderr = (try? String(contentsOfFile: result.stderr.path, encoding: .utf8)) ?? ""
            try #require(result.succeeded, "task \(id): \(result.reason) \(result.termination): \(stderr)")
            outcome.stdout[id] = (try? String(contentsOfFile: result.stdout.path, encoding: .utf8)) ?? ""
            for output in task.outputs {
                let folder = scratch.path + "/outputs/\(id)/\(output)"
                try OutputCheck.verify(folder: folder)
                outcome.outputs[id, default: [:]][output] = try Scratch.tree(at: folder)
            }
        }
        return outcome
    }

    private func hostPath(of source: InputRef) throws -> String {
        switch source {
        case .pipelineInput(let name):
            let input = try #require(spec.input(named: name))
            guard case .path(let path) = input.source else {
                Issue.record("example input \(name) is a CID; examples use local files")
                return ""
            }
            return path.resolved
        case .taskOutput(let task, let output):
            return scratch.path + "/outputs/\(task)/\(output)"
        }
    }

    /// The task's params as the JSON object a tool finds at `$SHOAL_PARAMS`.
    static func json(_ params: SpecMap) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object(params), options: [.sortedKeys]))
    }

    private static func object(_ map: SpecMap) -> [String: Any] {
        var object: [String: Any] = [:]
        for (key, value) in map { object[key] = plain(value) }
        return object
    }

    private static func plain(_ value: SpecValue) -> Any {
        switch value {
        case .string(let text): text
        case .int(let number): number
        case .float(let number): number
        case .bool(let flag): flag
        case .list(let items): items.map(plain)
        case .map(let map): object(map)
        }
    }
}
