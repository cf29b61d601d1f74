import ArgumentParser
import Foundation
import IPLD
import Provenance
import Worker

extension Shoal {
    /// `shoal verify CID [--rerun] [--depth N] [--json]`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every hash and signature on a CID's lineage; with --rerun, run its steps again.",
            discussion: """
                Blocks are re-hashed, attestations checked against this node's key, and anything that \
                cannot be checked (an unknown signer, a missing block) is reported as unverifiable, never \
                passed. --rerun runs every step again in the sandbox (cache off, nothing stored) and \
                compares the output CIDs: `reproduced`, or the outputs that differ. Exit status 0 only when \
                everything verified (and reproduced).
                """)

        @Argument(help: "The CID to verify (data, a step, a recipe or an attestation).")
        var cid: String

        @Flag(help: "Re-run each step and compare its outputs with the recorded ones.")
        var rerun = false

        @Option(help: "How many generations of steps to check (default: all).")
        var depth: Int?

        @OptionGroup var home: HomeOptions
        @OptionGroup var output: OutputOptions

        /// The `--json` document.
        struct Document: Encodable {
            var report: VerificationReport.Document
            var reruns: [Rerun]?
            var passed: Bool

            struct Rerun: Encodable {
                var step: String
                var task: String
                var outcome: String
                var reproduced: Bool
            }
        }

        func validate() throws {
            _ = try parsedCID()
            if let depth, depth < 0 { throw ValidationError("--depth must not be negative") }
        }

        func parsedCID() throws -> CID {
            do { return try CID(cid) } catch { throw ValidationError("'\(cid)' is not a CID: \(error)") }
        }

        func run() async throws {
            let audit: LocalNode.Audit
            do {
                audit = try await LocalNode(home: home.path).verify(try parsedCID(), rerun: rerun, maxDepth: depth)
            } catch {
                throw Output.failure(error)
            }
            if output.json {
                try Output.json(Document(
                    report: audit.report.document,
                    reruns: rerun ? audit.reruns.map {
                        .init(step: $0.stepCID.string, task: $0.task, outcome: $0.outcome.description, reproduced: $0.outcome == .reproduced)
                    } : nil,
                    passed: audit.passed))
            } else {
                print(audit.report.text, terminator: "")
                if rerun {
                    if audit.reruns.isEmpty { print("rerun: no step to run again") }
                    for result in audit.reruns { print("rerun \(result)") }
                }
            }
            if !audit.passed { throw ExitCode.failure }
        }
    }
}

