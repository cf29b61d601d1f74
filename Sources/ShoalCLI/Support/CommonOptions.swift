import ArgumentParser
import BlockStore
import Foundation

/// Where this node keeps its state: `--home`, else `$SHOAL_HOME`, else `~/.shoal`.
///
/// Two processes with different homes are two nodes.
struct HomeOptions: ParsableArguments {
    @Option(name: .customLong("home"), help: "State folder (default: $SHOAL_HOME or ~/.shoal).")
    var home: String?

    var path: String { home ?? Repo.defaultHome() }

    /// Opens (creating on first use) this node's block repository.
    func openRepo() throws -> Repo { try Repo(home: path) }
}

/// `--json`: one JSON document on stdout instead of human output.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON document on stdout.")
    var json = false
}
