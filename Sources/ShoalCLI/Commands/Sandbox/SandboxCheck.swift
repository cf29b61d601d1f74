import ArgumentParser
import Sandbox

extension SandboxCommand {
    /// `shoal sandbox check [--json]`: which isolation features this host offers; fails if one
    /// that steps require is missing, saying how to fix it.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Report this host's isolation features (namespaces, cgroups, seccomp); fail if one is missing."
        )

        @OptionGroup var output: OutputOptions

        func run() async throws {
            let features = try await Sandbox.check()
            if output.json {
                try Output.json(features)
            } else {
                print(Self.summary(features))
            }
            if !features.canSandbox { throw ExitCode(1) }
        }

        static func summary(_ features: SandboxFeatures) -> String {
            func mark(_ ok: Bool) -> String { ok ? "yes" : "NO" }
            let namespaces = ["mount", "pid", "net", "ipc", "uts", "user", "cgroup"]
                .map { "\($0) \(mark(features.namespaces[$0] == true))" }.joined(separator: ", ")
            let controllers = ["memory", "pids", "cpu", "cpuacct"].map { name -> String in
                guard let controller = features.cgroupControllers[name], controller.hierarchy != "missing" else {
                    return "\(name) missing"
                }
                return "\(name) \(controller.hierarchy) \(controller.usable ? "usable" : "NOT usable")"
            }.joined(separator: ", ")
            var lines = [
                "kernel:      \(features.kernel)",
                "root:        \(mark(features.runningAsRoot))",
                "namespaces:  \(namespaces)",
                "seccomp:     \(mark(features.seccomp)) (libseccomp \(features.libseccompVersion))",
                "cgroups:     \(controllers)",
                "trial runs:  with user namespace: \(features.userNamespaceTrial); without: \(features.plainTrial)",
            ]
            if features.canSandbox {
                lines.append("ready:       sandboxed steps can run on this host")
            } else {
                lines.append("NOT READY:   steps are refused until these are fixed:")
                lines += features.missing.map { "  - \($0.feature): \($0.fix)" }
            }
            return lines.joined(separator: "\n")
        }
    }
}
