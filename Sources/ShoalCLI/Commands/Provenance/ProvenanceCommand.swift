import ArgumentParser
import IPLD
import Provenance
import Worker

extension Shoal {
    /// `shoal provenance export CID --format in-toto|prov-json`.
    struct ProvenanceGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "provenance", abstract: "Export provenance for other tools.", subcommands: [Export.self])

        struct Export: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print a step's provenance as an in-toto Statement (DSSE, signed by this node) or W3C PROV-JSON.",
                discussion: "The CID may be a step, an attestation, or an output (its producing step is exported).")

            @Argument(help: "A step, attestation or output CID.")
            var cid: String

            @Option(help: "in-toto or prov-json.")
            var format: String

            @Option(help: "For prov-json: how many generations of steps to include (default: all).")
            var depth: Int?

            @OptionGroup var home: HomeOptions

            func validate() throws {
                if ProvenanceExport.Format(rawValue: format) == nil {
                    throw ValidationError("--format expects in-toto or prov-json, got '\(format)'")
                }
                do { _ = try CID(cid) } catch { throw ValidationError("'\(cid)' is not a CID: \(error)") }
            }

            func run() throws {
                do {
                    let text = try LocalNode(home: home.path)
                        .export(try CID(cid), format: ProvenanceExport.Format(rawValue: format)!, maxDepth: depth)
                    print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
                } catch {
                    throw Output.failure(error)
                }
            }
        }
    }
}
