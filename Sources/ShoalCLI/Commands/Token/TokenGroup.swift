import ArgumentParser
import PoolAPI

extension Shoal {
    /// `shoal token create|list|revoke`: the requester's bearer tokens (admin).
    struct TokenGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token",
            abstract: "Create, list and revoke the requester's bearer tokens (needs an admin token).",
            subcommands: [TokenCreate.self, TokenList.self, TokenRevoke.self])
    }
}

extension TokenRole: ExpressibleByArgument {}
