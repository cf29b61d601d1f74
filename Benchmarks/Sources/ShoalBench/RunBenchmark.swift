import ArgumentParser
import Foundation
import Sandbox
import Spawning

/// `shoal-bench run`: end-to-end latency of `shoal run` (a real process, sandboxed and signed)
/// for a one-task `true` pipeline, a two-task chain and a ten-task chain, against `Sandbox.run`
/// of `true` (the per-task floor) and, with `--dvc`, against DVC 3.67 running the same shapes.
///
/// Build first in the repository root: `swift build -c release` (for `shoal` and `shoal-sandbox`).
/// DVC is installed with pip into a virtual environment under /tmp by this benchmark (`--dvc`),
/// never in CI.
struct RunBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "End-to-end latency of `shoal run` (first run, warm --no-cache, cached re-run) and DVC's for the same shapes."
    )

    @Option(help: "Measured runs of each kind (the median is reported).")
    var iterations = 15

    @Option(help: "Path of the release `shoal` (default: ../.build/release/shoal).")
    var shoal: String?

    @Flag(help: "Also run DVC 3.67 on the same shapes (installs it into --dvc-venv with pip if missing).")
    var dvc = false

    @Option(help: "Virtual environment for DVC.")
    var dvcVenv = "/tmp/shoal-bench-dvc-venv"

    func run() async throws {
        let binary = shoal ?? Self.repositoryPath(".build/release/shoal")
        guard access(binary, X_OK) == 0 else {
            throw ValidationError("no shoal at \(binary): run `swift build -c release` in the repository root first")
        }
        let launcher = URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("shoal-sandbox").path
        setenv(Sandbox.launcherVariable, launcher, 1)
        let work = NSTemporaryDirectory() + "shoal-bench-run-\(getpid())"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        try Self.writeSpecs(in: work)

        print("shoal run, \(iterations) runs of each kind (median, p90); machine load \(Self.loadAverage())")
        let floor = try await sandboxFloor()
        var rows: [(String, [Double])] = [("Sandbox.run true (in-process floor per task)", floor)]
        let runner = ShoalRunner(binary: binary, folder: work)

        for (name, spec, tasks) in [("1 task (true)", "one.yaml", 1), ("2-task chain", "two.yaml", 2), ("10-task chain", "chain10.yaml", 10)] {
            var fresh: [Double] = [], warm: [Double] = [], cached: [Double] = []
            let warmHome = work + "/home-warm-\(tasks)"
            try runner.run(spec, home: warmHome)   // first run in the warm home (not measured)
            for index in 0..<iterations {
                fresh.append(try runner.run(spec, home: work + "/home-fresh-\(tasks)-\(index)"))
                warm.append(try runner.run(spec, home: warmHome, arguments: ["--no-cache"]))
                cached.append(try runner.run(spec, home: warmHome))
                try? FileManager.default.removeItem(atPath: work + "/home-fresh-\(tasks)-\(index)")
            }
            rows.append(("\(name): first run, new home", fresh))
            rows.append(("\(name): run again --no-cache", warm))
            rows.append(("\(name): cached re-run", cached))
        }
        Self.printTable(rows)
        let chain = rows.first { $0.0 == "10-task chain: first run, new home" }!.1
        let chainWarm = rows.first { $0.0 == "10-task chain: run again --no-cache" }!.1
        let median = { (samples: [Double]) in Measure.quantile(samples, 0.5) }
        print(String(format: "per task, 10-task chain first run: %.1f ms end to end; warm --no-cache: %.1f ms; Sandbox.run floor %.1f ms",
                     median(chain) * 100, median(chainWarm) * 100, median(floor) * 1000))
        print(String(format: "per-task overhead over Sandbox.run (warm): %.1f ms",
                     (median(chainWarm) / 10 - median(floor)) * 1000))

        guard dvc else { return }
        let dvcRows = try DVCRunner(venv: dvcVenv, folder: work + "/dvc").measure(iterations: iterations)
        Self.printTable(dvcRows)
        let dvcNoop = median(dvcRows[0].1), dvcChain = median(dvcRows[1].1)
        let shoalNoop = median(rows.first { $0.0 == "2-task chain: cached re-run" }!.1)
        print(String(format: "ratio DVC / shoal: 2-stage no-op re-run %.1fx (%.0f ms / %.0f ms); 10-stage first run %.1fx (%.0f ms / %.0f ms)",
                     dvcNoop / shoalNoop, dvcNoop * 1000, shoalNoop * 1000, dvcChain / median(chain), dvcChain * 1000, median(chain) * 1000))
    }

    /// `Sandbox.run` of `true` in this process: what one task cannot go below.
    func sandboxFloor() async throws -> [Double] {
        let logs = NSTemporaryDirectory() + "shoal-bench-floor-\(getpid())"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: logs) }
        var spec = SandboxSpec(command: ["true"])
        spec.logDirectory = logs
        var samples: [Double] = []
        for index in 0..<(iterations + 5) {
            let start = Measure.now()
            let result = try await Sandbox.run(spec)
            guard result.succeeded else { throw ValidationError("Sandbox.run(true) failed: \(result.reason)") }
            if index >= 5 { samples.append(Measure.now() - start) }
        }
        return samples
    }

    static func writeSpecs(in folder: String) throws {
        try "version: 1\nname: one\ntasks:\n  - {id: t, run: [\"true\"]}\n"
            .write(toFile: folder + "/one.yaml", atomically: true, encoding: .utf8)
        for (name, count) in [("two.yaml", 2), ("chain10.yaml", 10)] {
            var text = "version: 1\nname: chain\ntasks:\n  - {id: t0, run: [sh, -c, \"echo 0 > /outputs/o/f\"], outputs: [o]}\n"
            for index in 1..<count {
                text += "  - {id: t\(index), run: [sh, -c, \"echo \(index) > /outputs/o/f\"], inputs: {p: {from: t\(index - 1).o}}, outputs: [o]}\n"
            }
            try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
    }

    static func printTable(_ rows: [(String, [Double])]) {
        let width = rows.map(\.0.count).max() ?? 0
        for (name, samples) in rows {
            print(name.padding(toLength: width, withPad: " ", startingAt: 0)
                + String(format: "  %8.1f ms  %8.1f ms", Measure.quantile(samples, 0.5) * 1000, Measure.quantile(samples, 0.9) * 1000))
        }
    }

    static func repositoryPath(_ relative: String) -> String {
        URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("../" + relative).standardizedFileURL.path
    }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    }
}

/// Times `shoal run SPEC` as a separate process, as a user runs it.
struct ShoalRunner {
    let binary: String
    let folder: String

    @discardableResult
    func run(_ spec: String, home: String, arguments: [String] = []) throws -> Double {
        let start = Measure.now()
        let status = try Spawn.run(binary, ["run", spec] + arguments, in: folder, environment: ["SHOAL_HOME": home])
        let seconds = Measure.now() - start
        guard status == 0 else { throw ValidationError("shoal run \(spec) exited \(status)") }
        return seconds
    }
}

/// DVC 3.67 on the same shapes: a no-op re-run of a two-stage pipeline, and the first run of a
/// ten-stage chain of trivial stages (a new project each time; `dvc init` is not timed).
struct DVCRunner {
    let venv: String
    let folder: String

    var dvcBinary: String { venv + "/bin/dvc" }

    func install() throws {
        if access(dvcBinary, X_OK) == 0 { return }
        print("installing dvc==3.67.0 into \(venv) …")
        guard try Spawn.run("/usr/bin/python3", ["-m", "venv", venv], in: "/tmp") == 0,
              try Spawn.run(venv + "/bin/python", ["-m", "pip", "install", "-q", "dvc==3.67.0"], in: "/tmp") == 0
        else { throw ValidationError("cannot install dvc==3.67.0 into \(venv)") }
    }

    func measure(iterations: Int) throws -> [(String, [Double])] {
        try install()
        var version = ""
        _ = try Spawn.run(dvcBinary, ["--version"], in: "/tmp", output: &version)
        print("DVC \(version.trimmingCharacters(in: .whitespacesAndNewlines)), \(iterations) runs of each kind")
        let two = folder + "/two"
        try project(two, stages: 2)
        try repro(two)                                          // first run, not measured
        var noop: [Double] = []
        for _ in 0..<iterations { noop.append(try repro(two)) }
        var chain: [Double] = []
        for index in 0..<iterations {
            let path = folder + "/chain-\(index)"
            try project(path, stages: 10)
            chain.append(try repro(path))
            try? FileManager.default.removeItem(atPath: path)
        }
        return [("DVC 2-stage: no-op re-run (dvc repro)", noop), ("DVC 10-stage chain: first run (dvc repro)", chain)]
    }

    /// A new DVC project (no git) with a chain of `stages` trivial stages.
    func project(_ path: String, stages: Int) throws {
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard try Spawn.run(dvcBinary, ["init", "--no-scm", "-q"], in: path) == 0 else { throw ValidationError("dvc init failed") }
        var yaml = "stages:\n  s0:\n    cmd: echo 0 > o0\n    outs: [o0]\n"
        for index in 1..<stages {
            yaml += "  s\(index):\n    cmd: echo \(index) > o\(index)\n    deps: [o\(index - 1)]\n    outs: [o\(index)]\n"
        }
        try yaml.write(toFile: path + "/dvc.yaml", atomically: true, encoding: .utf8)
    }

    @discardableResult
    func repro(_ path: String) throws -> Double {
        let start = Measure.now()
        let status = try Spawn.run(dvcBinary, ["repro", "-q"], in: path)
        guard status == 0 else { throw ValidationError("dvc repro exited \(status) in \(path)") }
        return Measure.now() - start
    }
}

/// posix_spawn + waitpid of a program in a folder, its output discarded or captured.
enum Spawn {
    static func run(_ program: String, _ arguments: [String], in folder: String, environment: [String: String] = [:]) throws -> Int32 {
        var ignored = ""
        return try run(program, arguments, in: folder, environment: environment, output: &ignored, capture: false)
    }

    static func run(_ program: String, _ arguments: [String], in folder: String, output: inout String) throws -> Int32 {
        try run(program, arguments, in: folder, environment: [:], output: &output, capture: true)
    }

    private static func run(
        _ program: String, _ arguments: [String], in folder: String, environment: [String: String], output: inout String,
        capture: Bool
    ) throws -> Int32 {
        let captured = NSTemporaryDirectory() + "shoal-bench-\(UUID().uuidString).out"
        defer { if capture { try? FileManager.default.removeItem(atPath: captured) } }
        let process = try SpawnedProcess(SpawnRequest(
            executable: program, arguments: [program] + arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new }.map { "\($0.key)=\($0.value)" },
            directory: folder, standardOutput: capture ? .file(captured, appending: false) : .null))
        let status = process.wait()
        if capture { output = (try? String(contentsOfFile: captured, encoding: .utf8)) ?? "" }
        return status
    }
}
