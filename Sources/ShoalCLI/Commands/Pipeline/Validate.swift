import ArgumentParser
import Foundation
import Pipeline

extension Shoal {
    /// `shoal validate SPEC [--normalize] [--json]`: checks a spec file without running it.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a pipeline spec file and report every problem with its location.",
            discussion: """
                Errors are printed one per line as FILE:LINE:COL: FIELD.PATH: MESSAGE, and the exit \
                status is non-zero. With --normalize, a valid spec is printed in canonical YAML.
                """)

        @Argument(help: "The pipeline spec (YAML or JSON).")
        var spec: String

        @Flag(help: "Print the spec in canonical form (FPS shapes rewritten, defaults left out).")
        var normalize = false

        @OptionGroup var output: OutputOptions

        /// The `--json` document.
        struct Report: Encodable {
            var file: String
            var valid: Bool
            var errors: [SpecDiagnostic]
            var tasks: Int?
            var spec: PipelineSpec?
        }

        func run() throws {
            let loaded: PipelineSpec
            do {
                loaded = try SpecLoader.load(contentsOf: URL(fileURLWithPath: spec))
            } catch {
                if output.json {
                    let diagnostics = error.diagnostics.isEmpty
                        ? [SpecDiagnostic(location: nil, path: "", message: error.message)]
                        : error.diagnostics
                    try Output.json(Report(file: spec, valid: false, errors: diagnostics))
                } else if error.diagnostics.isEmpty {
                    Output.note(error.message)
                } else {
                    for diagnostic in error.diagnostics { Output.note(diagnostic.description) }
                }
                throw ExitCode.failure
            }
            if output.json {
                try Output.json(Report(file: spec, valid: true, errors: [], tasks: loaded.tasks.count,
                                       spec: normalize ? loaded : nil))
            } else if normalize {
                print(try loaded.canonicalYAML(), terminator: "")
            } else {
                let tasks = loaded.tasks.count, inputs = loaded.inputs.count
                print("ok: \(spec): \(tasks) task\(tasks == 1 ? "" : "s"), \(inputs) input\(inputs == 1 ? "" : "s")")
            }
        }
    }
}
