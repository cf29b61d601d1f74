import ArgumentParser
import Foundation
import PoolClient

/// `--requester URL --token TOKEN --ca-cert FILE`: how a command reaches the pool's requester.
///
/// Each falls back to the environment (`SHOAL_REQUESTER`, `SHOAL_TOKEN`, `SHOAL_CA_CERT`), then
/// to `$SHOAL_HOME/config.json` (written by `shoal dev-cluster`), and the token last to
/// `$SHOAL_HOME/admin.token` (the home of a local requester); see ``PoolClient/RequesterSettings``.
struct RequesterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The requester's URL (default: $SHOAL_REQUESTER, then $SHOAL_HOME/config.json).", valueName: "URL"))
    var requester: String?

    @Option(help: ArgumentHelp("Bearer token (default: $SHOAL_TOKEN, config.json, then $SHOAL_HOME/admin.token).", valueName: "TOKEN"))
    var token: String?

    @Option(name: .customLong("ca-cert"), help: ArgumentHelp("PEM file of the CA to trust for an https requester.", valueName: "FILE"))
    var caCert: String?

    /// The client configuration these options (and their fallbacks) give for `home`.
    func configuration(home: HomeOptions) throws -> PoolClient.Configuration {
        try RequesterSettings.resolve(flags: RequesterSettings(requester: requester, token: token, caCert: caCert), home: home.path)
    }

    /// Runs `body` with a client for the requester, shut down afterwards; errors become one line
    /// (and a rejected spec's diagnostics) on stderr and exit status 1.
    func withClient<T: Sendable>(home: HomeOptions, _ body: (PoolClient) async throws -> T) async throws -> T {
        do {
            return try await PoolClient.with(try configuration(home: home), body)
        } catch {
            throw Output.failure(error)
        }
    }
}
