import ArgumentParser
import IPLD
import PoolClient
import Provenance
import Worker

extension Shoal {
    /// `shoal lineage CID [--format tree|json|dot|mermaid] [--depth N] [--requester URL]`.
    struct Lineage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show where a CID came from: output → step → recipe → inputs → … down to raw data.",
            discussion: """
                The CID may be data (an output, a dataset), a step, a recipe or an attestation. With \
                --requester, the lineage is the one the pool's requester holds (the provenance its workers \
                uploaded), rendered by the requester.
                """)

        @Argument(help: "The CID to trace.")
        var cid: String

        @Option(help: "tree, json, dot or mermaid.")
        var format: String = LineageFormat.tree.rawValue

        @Option(help: "How many generations of steps to follow (default: all).")
        var depth: Int?

        @OptionGroup var home: HomeOptions
        @OptionGroup var pool: RequesterOptions

        func validate() throws {
            if LineageFormat(rawValue: format) == nil {
                throw ValidationError("--format expects \(LineageFormat.allCases.map(\.rawValue).joined(separator: ", ")), got '\(format)'")
            }
            if let depth, depth < 0 { throw ValidationError("--depth must not be negative") }
            _ = try parsedCID()
        }

        func parsedCID() throws -> CID {
            do { return try CID(cid) } catch { throw ValidationError("'\(cid)' is not a CID: \(error)") }
        }

        func run() async throws {
            if pool.requester != nil {
                let (cid, format, depth) = (try parsedCID(), format, depth)
                let text = try await pool.withClient(home: home) { client in
                    try await client.lineage(of: cid.string, format: format, depth: depth)
                }
                return print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            }
            do {
                let graph = try LocalNode(home: home.path).lineage(of: try parsedCID(), maxDepth: depth)
                let text = graph.rendered(as: LineageFormat(rawValue: format)!)
                print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            } catch {
                throw Output.failure(error)
            }
        }
    }
}
