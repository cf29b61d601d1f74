import ArgumentParser
import Foundation
import JobStore
import Orchestrator
import Pipeline
import ShoalTesting
import Yams

/// What accepting one submitted job costs the requester's CPU, piece by piece, without HTTP.
///
/// The spec is the dispatch benchmark's job (`--tasks` independent tasks, `run: [sh, -c, "echo J-T"]`,
/// `outputs: [out]`). Each iteration loads it as `JobIntake` does (YAML text, no base folder,
/// local paths refused), prints its stored form, and stores it as a job with its tasks' recipe
/// keys (`JobPreparation.hashOnly` + `PreparedJob.submit`) in a fresh `JobStore`. Baselines in the
/// same run: libyaml's parse of the same text into Yams nodes with no typing of plain scalars
/// (`Yams.compose` with `Resolver.basic`), the floor of any loader built on Yams; and the load
/// of the same text with a `!` in a trailing comment, which `SpecLoader` takes as a sign of
/// explicit tags and loads with Yams' regular-expression resolver (how every spec was loaded
/// before plain scalars were typed by `SpecResolver.plainTag`).
struct IntakeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake", abstract: "CPU cost of a job's intake: spec load, stored form, job and recipe keys stored.")

    @Option(help: "Tasks per job.") var tasks = 100
    @Option(help: "Iterations (after 20 warm-up ones).") var iterations = 300

    func run() throws {
        let home = TemporaryDirectory("intake-bench")
        let store = try JobStore(home: home.path)
        var samples: [String: [Double]] = [:]
        for iteration in -20..<iterations {
            let text = Self.spec(job: iteration + 20, tasks: tasks)
            var spec: PipelineSpec?
            let timings: [(String, Double)] = [
                ("libyaml parse, untyped (baseline)", try Measure.seconds { _ = try Yams.compose(yaml: text, Resolver.basic) }),
                ("SpecLoader.load", try Measure.seconds {
                    spec = try SpecLoader.load(
                        text: text, file: "bench.yaml", baseDirectory: nil, defaultName: "bench",
                        options: SpecLoader.Options(allowsLocalPaths: false, checksPathsExist: false))
                }),
                ("SpecLoader.load, text with a '!' (resolver path)", try Measure.seconds {
                    _ = try SpecLoader.load(
                        text: text + "# !\n", file: "bench.yaml", baseDirectory: nil, defaultName: "bench",
                        options: SpecLoader.Options(allowsLocalPaths: false, checksPathsExist: false))
                }),
                ("stored form (StoredSpec.encode)", try Measure.seconds { _ = try StoredSpec.encode(spec!) }),
                ("job stored with recipe keys (hashOnly + submit)", try Measure.seconds {
                    _ = try JobPreparation.hashOnly(spec!).submit(to: store, specFile: "bench.yaml", options: JobOptions())
                }),
            ]
            guard iteration >= 0 else { continue }
            for (name, seconds) in timings { samples[name, default: []].append(seconds * 1000) }
        }
        print("intake of a \(tasks)-task spec (\(Self.spec(job: 0, tasks: tasks).utf8.count) bytes), \(iterations) iterations:")
        let names = ["libyaml parse, untyped (baseline)", "SpecLoader.load", "SpecLoader.load, text with a '!' (resolver path)",
                     "stored form (StoredSpec.encode)",
                     "job stored with recipe keys (hashOnly + submit)"]
        let baseline = Measure.quantile(samples[names[0]]!, 0.5)
        for name in names {
            let values = samples[name]!
            let p50 = Measure.quantile(values, 0.5)
            let label = name.padding(toLength: 52, withPad: " ", startingAt: 0)
            print(label + String(format: " p50 %7.3f ms  p90 %7.3f ms  (%.1fx baseline)", p50, Measure.quantile(values, 0.9), p50 / baseline))
        }
    }

    /// The dispatch benchmark's job: `tasks` independent one-line tasks, each command different.
    static func spec(job: Int, tasks: Int) -> String {
        var text = "version: 1\nname: bench-\(job)\ntasks:\n"
        for t in 0..<tasks {
            text += "  - id: t\(t)\n    run: [sh, -c, \"echo \(job)-\(t)\"]\n    outputs: [out]\n"
        }
        return text
    }
}
