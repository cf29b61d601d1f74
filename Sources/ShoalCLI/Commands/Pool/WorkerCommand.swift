import ArgumentParser
import Foundation
import IPLD
import Logging
import PoolClient
import Units
import Worker

extension Shoal {
    /// `shoal worker --requester URL --token TOKEN --listen HOST:PORT [--advertise URL]
    /// [--label K=V]... [--slots N] [--private CID]...`.
    struct WorkerCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "worker",
            abstract: "Join the pool as a worker: run the steps placed here, next to the data this node pins.",
            discussion: """
                The worker keeps its state in $SHOAL_HOME (blocks, identity key, work and log folders). It \
                serves its blocks to the pool's nodes on --listen (trustless gateway, behind the peer tickets \
                the requester signs), joins the requester with its capacity, labels and pinned DAGs, and runs assignments \
                in the sandbox, fetching inputs it lacks from the providers the requester names. DAGs marked \
                private (--private CID, or `shoal pin add --private`) are never served to anyone: the tasks \
                that read them run here. /metrics takes a peer ticket, or the token in --metrics-token-file \
                for a Prometheus scraper. SIGTERM or Ctrl-C: no new steps, running ones get --drain-timeout \
                to finish, then the worker leaves the pool and exits 0.
                """)

        @OptionGroup var requester: RequesterOptions
        @Option(help: ArgumentHelp("Where the gateway listens (port 0: any free port).", valueName: "HOST:PORT"))
        var listen = "127.0.0.1:8421"
        @Option(help: ArgumentHelp("The gateway URL peers use (default http://HOST:PORT of --listen).", valueName: "URL"))
        var advertise: String?
        @Option(name: .customLong("label"), help: ArgumentHelp("A label for placement constraints (repeatable).", valueName: "K=V"))
        var labels: [String] = []
        @Option(help: "Steps run at once (default: the number of cores).")
        var slots = ProcessInfo.processInfo.activeProcessorCount
        @Option(name: .customLong("private"), help: ArgumentHelp("Mark this pinned CID private: never served, its tasks run here (repeatable).", valueName: "CID"))
        var privateCIDs: [String] = []
        @Option(name: .customLong("drain-timeout"), help: "How long running steps may finish after SIGTERM before they are cancelled.")
        var drainTimeout = "60s"
        @Option(name: .customLong("metrics-token-file"), help: ArgumentHelp("A file holding a bearer token that opens /metrics (only) for a Prometheus scraper; peers' tickets open it too.", valueName: "PATH"))
        var metricsTokenFile: String?
        @Flag(name: .customLong("insecure-no-sandbox"), help: "Run steps WITHOUT isolation, directly on this host (debugging only).")
        var insecure = false
        @Flag(help: "Log every request and fetch (debug level).")
        var verbose = false
        @OptionGroup var home: HomeOptions

        func validate() throws {
            _ = try parsedListen()
            _ = try parsedLabels()
            if slots < 1 { throw ValidationError("--slots must be at least 1") }
            for text in privateCIDs {
                do { _ = try CID(text) } catch { throw ValidationError("--private '\(text)' is not a CID: \(error)") }
            }
            do { _ = try Duration(parsing: drainTimeout) } catch { throw ValidationError("--drain-timeout: \(error)") }
            _ = try metricsToken()
        }

        /// The scrape token from `--metrics-token-file` (trimmed), refused when too short to be a secret.
        func metricsToken() throws -> String? {
            guard let path = metricsTokenFile else { return nil }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("--metrics-token-file: cannot read \(path)")
            }
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard token.count >= 16, !token.contains(where: { $0.isWhitespace }) else {
                throw ValidationError("--metrics-token-file: \(path) must hold one token of at least 16 characters")
            }
            return token
        }

        func parsedListen() throws -> (host: String, port: Int) {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port)
            else { throw ValidationError("--listen expects HOST:PORT, got '\(listen)'") }
            var host = String(listen[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return (host.isEmpty ? "0.0.0.0" : host, port)
        }

        func parsedLabels() throws -> [String: String] {
            var result: [String: String] = [:]
            for label in labels {
                guard let equals = label.firstIndex(of: "="), equals != label.startIndex else {
                    throw ValidationError("--label expects KEY=VALUE, got '\(label)'")
                }
                result[String(label[..<equals])] = String(label[label.index(after: equals)...])
            }
            return result
        }

        func run() async throws {
            let level: Logger.Level = verbose ? .debug : .info
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            if insecure {
                Output.note("""
                    !!! WARNING: --insecure-no-sandbox: every step placed on this worker runs DIRECTLY ON THIS HOST \
                    as uid \(geteuid()), with no namespaces, no seccomp filter and full access to this machine. \
                    Never use it for tools you do not trust. !!!
                    """)
            }
            let (host, port) = try parsedListen()
            do {
                let configuration = WorkerAgent.Configuration(
                    home: home.path, requester: try requester.configuration(home: home), listenHost: host, listenPort: port,
                    advertise: advertise, labels: try parsedLabels(), slots: slots, privateCIDs: try privateCIDs.map { try CID($0) },
                    isolation: insecure ? .insecureNoSandbox : .sandboxed, drainTimeout: try Duration(parsing: drainTimeout),
                    metricsToken: try metricsToken())
                let agent = try await WorkerAgent.make(configuration)
                try await agent.runUntilSignalled()
            } catch {
                throw Output.failure(error)
            }
        }
    }
}
