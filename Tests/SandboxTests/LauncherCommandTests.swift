import Foundation
import Testing

@testable import Sandbox

@Suite struct LauncherCommandTests {
    @Test func aSpecBecomesTheLauncherCommandLine() throws {
        let folder = try TemporaryFolder("command")
        defer { folder.remove() }
        try folder.write("tool/run.py", "print(1)")
        try folder.write("data/x.txt", "x")
        try folder.write("params.json", "{}")
        // A symlinked input is resolved here: the launcher refuses symlinks as sources.
        try FileManager.default.createSymbolicLink(atPath: folder.child("data-link"), withDestinationPath: folder.child("data"))
        var spec = SandboxSpec(command: ["python3", "run.py", "--flag"])
        spec.toolDirectory = folder.child("tool")
        spec.inputs = ["b": folder.child("data-link"), "a": folder.child("data/x.txt")]
        spec.paramsFile = folder.child("params.json")
        spec.outputsDirectory = folder.child("outputs")
        spec.outputs = ["model"]
        spec.environment = ["EPOCHS": "5"]
        spec.network = .loopback
        spec.limits.cpus = 1.5
        spec.limits.cpuTime = .milliseconds(1500)
        spec.limits.pids = 64
        spec.limits.outputBytes = .mebibytes(1)
        let command = try LauncherCommand(spec: spec, parentPID: 77, stagingRoot: "/unused", runID: "r1")
        #expect(command.stagingDirectory == nil)
        #expect(command.arguments == [
            "--parent-pid", "77", "--network", "loopback", "--userns", "auto", "--timeout-ms", "600000",
            "--memory", "536870912", "--pids", "64", "--cpu-millis", "1500", "--cpu-time", "2",
            "--tmp-size", "268435456", "--open-files", "1024", "--output-cap", "1048576", "--file-size", "1048577",
            "--cwd", "/tool",
            "--ro", folder.child("tool"), "/tool",
            "--ro", folder.child("data/x.txt"), "/inputs/a",
            "--ro", folder.child("data"), "/inputs/b",
            "--ro", folder.child("params.json"), "/inputs/.params.json",
            "--output", folder.child("outputs/model"), "/outputs/model",
            "--env", "EPOCHS=5", "--env", "HOME=/tmp", "--env", "LANG=C.UTF-8",
            "--env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "--env", "SHOAL_INPUTS=/inputs", "--env", "SHOAL_OUTPUTS=/outputs", "--env", "SHOAL_PARAMS=/inputs/.params.json",
            "--", "python3", "run.py", "--flag",
        ])
        #expect(FileManager.default.fileExists(atPath: folder.child("outputs")), "the outputs folder is created")
    }

    @Test func noLimitMeansNoOption() throws {
        var spec = SandboxSpec(command: ["true"])
        spec.limits.timeout = nil
        spec.limits.memory = nil
        spec.limits.pids = nil
        spec.limits.outputBytes = nil
        let arguments = try LauncherCommand(spec: spec, parentPID: 1, stagingRoot: "/unused", runID: "r").arguments
        for option in ["--timeout-ms", "--memory", "--pids", "--output-cap", "--file-size", "--cpu-millis", "--cpu-time"] {
            #expect(!arguments.contains(option), "\(option)")
        }
    }

    @Test func aMissingHostPathIsNamed() {
        var spec = SandboxSpec(command: ["true"])
        spec.inputs = ["corpus": "/nonexistent/corpus"]
        #expect { try LauncherCommand(spec: spec, parentPID: 1, stagingRoot: "/tmp", runID: "r") } throws: { error in
            let error = error as? SandboxError
            return error?.code == .invalidSpec && error?.message == "input 'corpus': /nonexistent/corpus: No such file or directory"
        }
    }

    @Test func insecureRunsPointTheVariablesAtAStagingFolder() throws {
        let folder = try TemporaryFolder("staging")
        defer { folder.remove() }
        try folder.write("data.txt", "x")
        var spec = SandboxSpec(command: ["true"])
        spec.isolation = .insecureNoSandbox
        spec.inputs = ["data": folder.child("data.txt")]
        spec.outputsDirectory = folder.child("outputs")
        spec.outputs = ["out"]
        let command = try LauncherCommand(spec: spec, parentPID: 1, stagingRoot: folder.path, runID: "r9")
        let staging = folder.child("shoal-insecure-r9")
        #expect(command.stagingDirectory == staging)
        #expect(command.arguments.contains("--insecure"))
        #expect(command.arguments.contains("SHOAL_INPUTS=\(staging)/inputs"))
        #expect(command.arguments.contains("SHOAL_OUTPUTS=\(staging)/outputs"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: staging + "/inputs/data") == folder.child("data.txt"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: staging + "/outputs/out") == folder.child("outputs/out"))
        let cwd = command.arguments[command.arguments.firstIndex(of: "--cwd")! + 1]
        #expect(cwd == staging)
    }
}
