import ArgumentParser
import IPLD
import Provenance
import Worker

extension Shoal {
    /// `shoal lineage CID [--format tree|json|dot|mermaid] [--depth N]`.
    struct Lineage: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show where a CID came from: output → step → recipe → inputs → … down to raw data.",
            discussion: "The CID may be data (an output, a dataset), a step, a recipe or an attestation.")

        @Argument(help: "The CID to trace.")
        var cid: String

        @Option(help: "tree, json, dot or mermaid.")
        var format: String = LineageFormat.tree.rawValue

        @Option(help: "How many generations of steps to follow (default: all).")
        var depth: Int?

        @OptionGroup var home: HomeOptions

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

        func run() throws {
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
