import Foundation
import Pipeline

/// The text a job's resolved spec is stored as (``JobStore/JobRecord/spec``), and back.
///
/// The stored form is the spec's canonical text (what `shoal validate --normalize` prints), with
/// every local path already replaced by its CID, so it loads with no base folder and needs
/// nothing from the disk it came from. A resumed job, or a requester that restarts, reads back
/// exactly the spec that was submitted. The canonical YAML is used rather than JSON because it
/// keeps the author's key order and the kind of every number: a JSON round trip turns the
/// float parameter `1.0` into the integer `1`, which would change the task's recipe key.
public enum StoredSpec {
    /// The canonical text of `spec` (which must hold CIDs only, see ``JobPreparation``).
    public static func encode(_ spec: PipelineSpec) throws -> String {
        do {
            return try spec.canonicalYAML()
        } catch {
            throw OrchestratorError(.invalidJob, "cannot write the spec of '\(spec.name)': \(error.message)")
        }
    }

    /// The spec stored for job `job`.
    ///
    /// - Throws: ``OrchestratorError/Code/invalidJob`` when the text is not a valid spec that
    ///   names only CIDs (a store written by something else, or edited by hand).
    public static func decode(_ text: String, job: String) throws -> PipelineSpec {
        do {
            return try SpecLoader.load(text: text, file: "run \(job)", baseDirectory: nil, defaultName: job)
        } catch {
            let detail = error.diagnostics.first.map(\.description) ?? error.message
            throw OrchestratorError(.invalidJob, "the stored spec of run \(job) is not valid: \(detail)")
        }
    }
}
