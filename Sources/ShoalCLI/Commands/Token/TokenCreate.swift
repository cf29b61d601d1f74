import ArgumentParser
import PoolAPI
import PoolClient

/// `shoal token create --role client|worker|admin [--note TEXT] [--json]`.
struct TokenCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a token and print its secret (shown only once).",
        discussion: "client: submit and watch jobs; worker: join the pool (`shoal worker --token`); admin: everything, tokens too.")

    @Option(help: "client, worker or admin.") var role: TokenRole
    @Option(help: "A note to tell tokens apart in `token list`.") var note: String?
    @OptionGroup var requester: RequesterOptions
    @OptionGroup var home: HomeOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if role == .node { throw ValidationError("node credentials are given to workers when they join; create a worker token") }
    }

    func run() async throws {
        let created = try await requester.withClient(home: home) { try await $0.createToken(role: role, note: note) }
        if output.json { return try Output.json(created) }
        print(created.token)
        Output.note("created \(created.role.rawValue) token \(created.id) (the secret above is not shown again)")
    }
}
