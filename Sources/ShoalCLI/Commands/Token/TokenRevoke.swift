import ArgumentParser
import PoolClient

/// `shoal token revoke ID`.
struct TokenRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token by its id.")

    @Argument(help: "The token id (from `token list`).") var id: String
    @OptionGroup var requester: RequesterOptions
    @OptionGroup var home: HomeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let token = try await requester.withClient(home: home) { try await $0.revokeToken(id) }
        if output.json { return try Output.json(token) }
        print("revoked \(token.role.rawValue) token \(token.id)")
    }
}
