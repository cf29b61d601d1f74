import ArgumentParser
import Foundation
import IPLD
import PoolClient
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

                With --requester, the lineage of a pool result is checked here: the requester only says \
                which step, recipe and attestation blocks are on the walk; each is fetched from its gateway \
                and re-hashed, and every signature is checked locally against the keys of the pool's nodes \
                (and this node's). Data DAGs stay on the pool and are not re-hashed. With --rerun too, each \
                step runs again here: its tool and inputs are fetched through the requester when this node \
                lacks them (pinned for the audit only); a dataset kept only on the pool's nodes must be \
                added or fetched here first.
                """)

        @Argument(help: "The CID to verify (data, a step, a recipe or an attestation).")
        var cid: String

        @Flag(help: "Re-run each step and compare its outputs with the recorded ones.")
        var rerun = false

        @Option(help: "How many generations of steps to check (default: all).")
        var depth: Int?

        @OptionGroup var home: HomeOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var pool: RequesterOptions

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
            if pool.requester != nil { return try await runRemote() }
            let audit: LocalNode.Audit
            do {
                audit = try await LocalNode(home: home.path).verify(try parsedCID(), rerun: rerun, maxDepth: depth)
            } catch {
                throw Output.failure(error)
            }
            if output.json {
                try Output.json(Document(
                    report: audit.report.document,
                    reruns: rerun ? Self.reruns(audit.reruns) : nil,
                    passed: audit.passed))
            } else {
                print(audit.report.text, terminator: "")
                if rerun { Self.printReruns(audit.reruns) }
            }
            if !audit.passed { throw ExitCode.failure }
        }

        /// Verifies a pool result's lineage here, from blocks fetched through the requester; with
        /// --rerun, runs its steps again here.
        func runRemote() async throws {
            let (cid, depth, rerun) = (try parsedCID(), depth, rerun)
            let audit: LocalNode.PoolAudit
            do {
                let node = try LocalNode(home: home.path)
                audit = try await pool.withClient(home: home) { client in
                    try await node.verify(cid, through: client, rerun: rerun, maxDepth: depth)
                }
            } catch {
                throw Output.failure(error)
            }
            let result = audit.remote
            if output.json {
                try Output.json(Document(report: result.report.document, reruns: rerun ? Self.reruns(audit.reruns) : nil, passed: audit.passed))
            } else {
                print(result.report.text, terminator: "")
                print("checked here: \(result.blocks) provenance blocks, \(result.trusted.count) trusted keys (the pool's nodes and this node's); data DAGs not re-hashed")
                if rerun { Self.printReruns(audit.reruns) }
            }
            if !audit.passed { throw ExitCode.failure }
        }

        static func reruns(_ results: [Rerun.Result]) -> [Document.Rerun] {
            results.map { .init(step: $0.stepCID.string, task: $0.task, outcome: $0.outcome.description, reproduced: $0.outcome == .reproduced) }
        }

        static func printReruns(_ results: [Rerun.Result]) {
            if results.isEmpty { print("rerun: no step to run again") }
            for result in results { print("rerun \(result)") }
        }
    }
}
