import ArgumentParser
import Provenance

extension Shoal {
    /// `shoal id [--json]`: prints this node's did:key, creating its key on first use.
    struct Id: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print this node's identity (an Ed25519 did:key), creating its key on first use.",
            discussion: """
                The key lives in $SHOAL_HOME/identity/ed25519.key (mode 0600) and signs every step \
                this node runs. It is never replaced: a corrupt key file is an error to fix by hand.
                """)

        @OptionGroup var home: HomeOptions
        @OptionGroup var output: OutputOptions

        /// The `--json` document.
        struct Report: Encodable {
            var id: String
            var keyFile: String
        }

        func run() throws {
            let identity: NodeIdentity
            do {
                identity = try NodeIdentity.loadOrCreate(home: home.path)
            } catch let error as ProvenanceError {
                Output.note("error: \(error)")
                throw ExitCode.failure
            }
            if output.json {
                try Output.json(Report(id: identity.didKey.string, keyFile: NodeIdentity.keyPath(home: home.path)))
            } else {
                print(identity.didKey)
            }
        }
    }
}
