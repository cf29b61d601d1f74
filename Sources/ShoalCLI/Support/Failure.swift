import ArgumentParser
import Pipeline
import PoolClient

extension Output {
    /// Prints an error the way every command does (one line each, spec problems with their
    /// location) and returns the exit code to throw.
    static func failure(_ error: any Error) -> ExitCode {
        if let error = error as? ExitCode { return error }
        if let error = error as? PipelineError {
            if error.diagnostics.isEmpty {
                note("error: \(error.message)")
            } else {
                for diagnostic in error.diagnostics { note(diagnostic.description) }
            }
        } else if let error = error as? PoolClientError {
            note("error: \(error)")
            for line in error.diagnosticLines { note("  \(line)") }
        } else if error is CancellationError {
            note("error: cancelled")
        } else {
            note("error: \(error)")
        }
        return .failure
    }
}
