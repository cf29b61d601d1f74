import ArgumentParser
import Foundation
import Requester
import Units

extension Shoal {
    /// `shoal serve --listen HOST:PORT [--tls-cert FILE --tls-key FILE] [--lease 30s] [--heartbeat 5s]
    /// [--preferred-window 30s]`.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the requester: accept jobs and run their steps on the pool's workers, next to their data.",
            discussion: """
                State lives in $SHOAL_HOME (block store, jobs.sqlite, identity). On first start an admin \
                token is written to $SHOAL_HOME/admin.token (mode 0600); create client and worker tokens with \
                it. SIGTERM or Ctrl-C stops gracefully; a requester started again on the same home resumes \
                unfinished jobs.
                """)

        @Option(help: ArgumentHelp("Address to listen on.", valueName: "HOST:PORT"))
        var listen = "127.0.0.1:8420"

        @Option(name: .customLong("tls-cert"), help: ArgumentHelp("Certificate chain (PEM) for HTTPS.", valueName: "FILE"))
        var tlsCert: String?

        @Option(name: .customLong("tls-key"), help: ArgumentHelp("Private key (PEM) for HTTPS.", valueName: "FILE"))
        var tlsKey: String?

        @Option(help: "How long an assignment's lease lasts without a heartbeat of its worker.")
        var lease = "30s"

        @Option(help: "How often workers are asked to heartbeat.")
        var heartbeat = "5s"

        @Option(name: .customLong("preferred-window"), help: "How long a `locality: preferred` task waits for a busy node holding its inputs before it runs elsewhere and fetches them.")
        var preferredWindow = "30s"

        @Option(help: ArgumentHelp("URL workers use to fetch blocks from this requester (default: the listen address).", valueName: "URL"))
        var advertise: String?

        @OptionGroup var home: HomeOptions

        func validate() throws {
            _ = try address()
            if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
            let (lease, heartbeat) = try durations()
            if heartbeat >= lease { throw ValidationError("--heartbeat must be shorter than --lease") }
            _ = try window()
        }

        func run() async throws {
            let (host, port) = try address()
            let (lease, heartbeat) = try durations()
            var configuration = RequesterConfiguration(
                home: home.path, host: host, port: port,
                tls: tlsCert.map { RequesterConfiguration.TLSFiles(certificate: $0, privateKey: tlsKey ?? "") })
            configuration.lease = lease
            configuration.heartbeat = heartbeat
            configuration.advertisedURL = advertise
            configuration.preferredWindow = try window()
            do {
                let requester = try Requester(configuration: configuration)
                try await requester.runUntilSignalled { url in
                    Output.note("shoal serve: listening on \(url) (node \(requester.node)); admin token in \(requester.adminTokenPath)")
                }
            } catch {
                throw Output.failure(error)
            }
        }

        func address() throws -> (String, Int) {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
                  (0...65535).contains(port), colon > listen.startIndex
            else { throw ValidationError("--listen must be HOST:PORT, such as 127.0.0.1:8420") }
            return (String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
        }

        func window() throws -> Duration {
            do {
                return try DurationSpec(parsing: preferredWindow).duration
            } catch {
                throw ValidationError("--preferred-window: \(error)")
            }
        }

        func durations() throws -> (Duration, Duration) {
            do {
                return (try DurationSpec(parsing: lease).duration, try DurationSpec(parsing: heartbeat).duration)
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }
}
