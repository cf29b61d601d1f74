import Units
import ArgumentParser
import Foundation
import Sandbox

extension SandboxCommand {
    /// `shoal sandbox run [options] -- CMD ARGS...`: runs one command the way a worker runs a step.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run a command in the step sandbox (for operators and debugging).",
            discussion: """
                The command sees --tool at /tool, each --input at /inputs/NAME (read-only), each --output \
                at /outputs/NAME (kept in --outputs-dir/NAME) and a private /tmp; nothing else of this host. \
                Its stdout and stderr are shown as it runs (or, with --json, only kept in the log files). \
                The exit status is the command's; 128+N if a signal N ended it; 124 on timeout; \
                125 for another limit; 127 if it could not be started.
                """
        )

        @Option(name: .customLong("input"), help: ArgumentHelp("Mount PATH read-only at /inputs/NAME.", valueName: "NAME=PATH"))
        var inputs: [String] = []

        @Option(name: .customLong("output"), help: ArgumentHelp("A writable /outputs/NAME.", valueName: "NAME"))
        var outputs: [String] = []

        @Option(name: .customLong("outputs-dir"), help: "Host folder that receives the outputs.")
        var outputsDirectory = "outputs"

        @Option(help: "Host folder mounted read-only at /tool (also the working folder).")
        var tool: String?

        @Option(help: "JSON params file, mounted at /inputs/.params.json ($SHOAL_PARAMS).")
        var params: String?

        @Option(name: .customLong("env"), help: ArgumentHelp("Add a variable to the step's environment.", valueName: "KEY=VALUE"))
        var environment: [String] = []

        @Option(help: "Memory limit of the whole step.")
        var memory = "512MiB"

        @Option(help: "Processes and threads alive at once.")
        var pids = 256

        @Option(help: "Wall-clock limit (e.g. 30s, 10m).")
        var timeout = "10m"

        @Option(help: "CPU bandwidth in cores (e.g. 1.5).")
        var cpus: Double?

        @Option(name: .customLong("output-cap"), help: "Total size of all outputs.")
        var outputCap = "1GiB"

        @Option(name: .customLong("tmp-size"), help: "Size of the writable /tmp.")
        var tmpSize = "256MiB"

        @Option(help: "none (no network at all) or loopback (only the sandbox's own lo).")
        var network = "none"

        @Option(name: .customLong("logs"), help: "Folder for stdout.log and stderr.log (default: a new temporary folder).")
        var logDirectory: String?

        @Flag(name: .customLong("insecure-no-sandbox"), help: "Run WITHOUT isolation, directly on this host (debugging only).")
        var insecure = false

        @OptionGroup var output: OutputOptions

        @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
        var command: [String] = []

        func validate() throws {
            if command.isEmpty { throw ValidationError("give the command after --, e.g. shoal sandbox run -- echo hello") }
            _ = try makeSpec()
        }

        /// The spec these options describe.
        func makeSpec() throws -> SandboxSpec {
            var spec = SandboxSpec(command: command)
            do {
                for input in inputs {
                    guard let equals = input.firstIndex(of: "="), equals != input.startIndex else {
                        throw ValidationError("--input expects NAME=PATH, got '\(input)'")
                    }
                    spec.inputs[String(input[..<equals])] = String(input[input.index(after: equals)...])
                }
                for variable in environment {
                    guard let equals = variable.firstIndex(of: "="), equals != variable.startIndex else {
                        throw ValidationError("--env expects KEY=VALUE, got '\(variable)'")
                    }
                    spec.environment[String(variable[..<equals])] = String(variable[variable.index(after: equals)...])
                }
                guard let network = SandboxNetwork(rawValue: network) else {
                    throw ValidationError("--network expects none or loopback, got '\(network)'")
                }
                spec.network = network
                spec.outputs = outputs
                spec.outputsDirectory = outputs.isEmpty ? nil : outputsDirectory
                spec.toolDirectory = tool
                spec.paramsFile = params
                spec.logDirectory = logDirectory
                spec.limits.memory = try ByteSize(parsing: memory)
                spec.limits.pids = pids
                spec.limits.timeout = try Duration(parsing: timeout)
                spec.limits.cpus = cpus
                spec.limits.outputBytes = try ByteSize(parsing: outputCap)
                spec.limits.tmpSize = try ByteSize(parsing: tmpSize)
                spec.isolation = insecure ? .insecureNoSandbox : .sandboxed
                try spec.validate()
            } catch let error as SandboxError {
                throw ValidationError(error.message)
            }
            return spec
        }

        func run() async throws {
            let spec = try makeSpec()
            if insecure {
                Output.note(
                    """
                    !!! WARNING: --insecure-no-sandbox: the command runs DIRECTLY ON THIS HOST as uid \(geteuid()), \
                    with no namespaces, no seccomp filter and full access to this machine. Never use it for steps \
                    you do not trust. !!!
                    """)
            } else {
                try await Sandbox.requireFeatures()
            }
            let process = try await Sandbox.start(spec, streamOutput: !output.json)
            let result = try await withTaskCancellationHandler {
                for await chunk in process.output {
                    if chunk.stream == .stdout { Output.write(chunk.bytes) } else { Output.writeStandardError(chunk.bytes) }
                }
                return try await process.result()
            } onCancel: {
                process.cancel()
            }
            if output.json {
                try Output.json(result)
            } else {
                Output.note(Self.summary(result))
            }
            let status = Self.exitStatus(result)
            if status != 0 { throw ExitCode(status) }
        }

        /// The exit status for a result (documented in the command's help).
        static func exitStatus(_ result: SandboxResult) -> Int32 {
            if result.reason == .launchFailed { return 127 }
            if result.reason == .exited, let code = result.exitCode { return code }
            if let signal = result.signal { return 128 + signal }
            return result.reason == .timeout ? 124 : 125
        }

        /// One line for a person: how it ended and what it used.
        static func summary(_ result: SandboxResult) -> String {
            let ending: String
            switch (result.reason, result.termination) {
            case (.exited, .exited(let code)): ending = "exited with code \(code)"
            case (.signaled, .signaled(let signal)): ending = "killed by signal \(signal)"
            case (let reason, _): ending = "stopped: \(reason.rawValue)" + (result.message.map { " (\($0))" } ?? "")
            }
            var parts = [
                "sandbox: \(ending)",
                String(format: "wall %.2fs", result.wallTime.secondsValue),
                String(format: "cpu %.2fs", result.cpuTime.secondsValue),
                "peak memory \(ByteSize(bytes: result.peakMemory / 1024 * 1024))",
                "outputs \(result.outputBytes) bytes",
            ]
            if result.stdout.truncated || result.stderr.truncated { parts.append("logs truncated") }
            if !result.isolated { parts.append("NOT ISOLATED") }
            parts.append("logs in \((result.stdout.path as NSString).deletingLastPathComponent)")
            return parts.joined(separator: " · ")
        }
    }
}
