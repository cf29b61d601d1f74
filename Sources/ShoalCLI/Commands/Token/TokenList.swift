import ArgumentParser
import PoolClient

/// `shoal token list [--json]`.
struct TokenList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tokens (never their secrets).")

    @OptionGroup var requester: RequesterOptions
    @OptionGroup var home: HomeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let tokens = try await requester.withClient(home: home) { try await $0.tokens() }
        if output.json { return try Output.json(tokens) }
        for token in tokens {
            var line = "\(token.id)  \(token.role.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0))  \(JobText.time(token.created))"
            if let revoked = token.revoked { line += "  revoked \(JobText.time(revoked))" }
            if let note = token.note { line += "  \(note)" }
            print(line)
        }
    }
}
