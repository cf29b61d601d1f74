import ArgumentParser
import Foundation
import PoolAPI
import PoolClient

extension Shoal {
    /// `shoal dev-cluster --workers N [--base-port P] [--folder DIR]`.
    struct DevCluster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dev-cluster",
            abstract: "Run a requester and N workers on this machine (loopback) to try the pool.",
            discussion: """
                Each node is a `shoal` process with its own home under --folder (default \
                $SHOAL_HOME/dev-cluster): `requester/` listens on the base port, `worker-<i>/` on the ports \
                after it. A worker token is created, and $SHOAL_HOME/config.json is written so `shoal job`, \
                `shoal node` and `shoal token` reach this requester from another terminal. Ctrl-C or SIGTERM \
                stops every process (workers first) and removes that config. A worker that exits (killed to \
                watch the pool recover, say) is reported and the rest keeps running; if the requester exits, \
                everything stops.
                """)

        @Option(help: "How many workers.") var workers = 3
        @Option(name: .customLong("base-port"), help: "The requester's port; workers use the next ones.") var basePort = 8420
        @Option(help: "Folder for the nodes' homes and logs (default: $SHOAL_HOME/dev-cluster).") var folder: String?
        @Option(help: "Steps each worker runs at once.") var slots = 1
        @Flag(name: .customLong("insecure-no-sandbox"), help: "Run the workers' steps WITHOUT isolation (debugging only).")
        var insecure = false
        @OptionGroup var home: HomeOptions

        func validate() throws {
            if workers < 1 || workers > 64 { throw ValidationError("--workers must be between 1 and 64") }
            if basePort < 1 || basePort + workers > 65535 { throw ValidationError("--base-port leaves no room for \(workers) workers") }
            if slots < 1 { throw ValidationError("--slots must be at least 1") }
        }

        func run() async throws {
            let root = URL(fileURLWithPath: folder ?? home.path + "/dev-cluster").standardizedFileURL.path
            let url = "http://127.0.0.1:\(basePort)"
            let children = ChildProcesses()
            let stop = AsyncStream<String>.makeStream()
            // A worker that dies (killed to watch the pool recover, say) is reported and the rest
            // keeps running; without the requester there is no pool, so its end stops everything.
            children.onUnexpectedExit = { name, status in
                if name == "requester" {
                    stop.continuation.yield("the requester exited with status \(status)")
                } else {
                    Output.note("\(name) exited with status \(status); the rest of the cluster keeps running")
                }
            }
            let signals = Self.watchSignals { stop.continuation.yield("stopping") }
            var settings: RequesterSettings?
            defer {
                for source in signals { source.cancel() }
            }
            do {
                try children.start("requester", ["serve", "--listen", "127.0.0.1:\(basePort)"],
                                   home: root + "/requester", log: root + "/requester.log")
                let admin = try await Self.waitForRequester(url, home: root + "/requester", children: children)
                let workerToken = try await PoolClient.with(.init(url: url, token: admin)) { client in
                    // The worker token of an earlier start of this cluster (same requester home) has
                    // no use any more: revoked, so tokens do not pile up with each start.
                    for old in try await client.tokens() where old.note == Self.tokenNote && old.role == .worker && old.revoked == nil {
                        _ = try await client.revokeToken(old.id)
                    }
                    return try await client.createToken(role: .worker, note: Self.tokenNote).token
                }
                for index in 1...workers {
                    var arguments = [
                        "worker", "--requester", url, "--listen", "127.0.0.1:\(basePort + index)",
                        "--label", "name=w\(index)", "--slots", String(slots),
                    ]
                    if insecure { arguments.append("--insecure-no-sandbox") }
                    // The token goes in the environment: a command line is readable by every user (ps).
                    try children.start(
                        "w\(index)", arguments, home: root + "/worker-\(index)", log: root + "/worker-\(index).log",
                        environment: ["SHOAL_TOKEN": workerToken])
                }
                try await Self.waitForWorkers(workers, url: url, token: admin, children: children)
                let written = RequesterSettings(requester: url, token: admin)
                try written.write(home: home.path)
                settings = written
                print(Self.usage(url: url, root: root, workers: workers, config: home.path + "/" + RequesterSettings.fileName))
                fflush(nil)
            } catch {
                children.stopAll()
                throw Output.failure(error)
            }
            var reasons = stop.stream.makeAsyncIterator()
            let reason = await reasons.next() ?? "stopping"
            if reason != "stopping" { Output.note("\(reason); stopping the cluster") }
            Output.note("stopping the workers and the requester…")
            children.stopAll()
            if let settings, (try? RequesterSettings.load(home: home.path)) == settings {
                try? FileManager.default.removeItem(atPath: home.path + "/" + RequesterSettings.fileName)
            }
            Output.note("stopped")
            if reason != "stopping" { throw ExitCode.failure }
        }

        /// The note on the worker token a dev cluster creates.
        static let tokenNote = "dev-cluster"

        /// Waits until the requester answers its health check and has written its admin token.
        static func waitForRequester(_ url: String, home: String, children: ChildProcesses) async throws -> String {
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                guard children.isRunning("requester") else {
                    throw PoolClientError(.unreachable, "the requester exited at start:\n\(children.logTail("requester"))")
                }
                let token = try? String(contentsOfFile: home + "/" + RequesterSettings.adminTokenFileName, encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                if let token, !token.isEmpty,
                   (try? await PoolClient.with(.init(url: url, requestTimeout: .seconds(2))) { try await $0.health() }) != nil {
                    return token
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            throw PoolClientError(.unreachable, "the requester did not answer on \(url) within 60 s:\n\(children.logTail("requester"))")
        }

        /// Waits until `count` workers have joined.
        static func waitForWorkers(_ count: Int, url: String, token: String, children: ChildProcesses) async throws {
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline {
                for index in 1...count where !children.isRunning("w\(index)") {
                    throw PoolClientError(.unreachable, "worker w\(index) exited at start:\n\(children.logTail("w\(index)"))")
                }
                let nodes = (try? await PoolClient.with(.init(url: url, token: token, requestTimeout: .seconds(5))) { try await $0.nodes() }) ?? []
                if nodes.filter({ $0.state == "ready" }).count >= count { return }
                try await Task.sleep(for: .milliseconds(300))
            }
            throw PoolClientError(.unreachable, "the workers did not all join within 120 s (see their logs)")
        }

        /// Calls `handler` on SIGINT and SIGTERM (which no longer end the process by themselves).
        static func watchSignals(_ handler: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
            [SIGINT, SIGTERM].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler(handler: handler)
                source.resume()
                return source
            }
        }

        static func usage(url: String, root: String, workers: Int, config: String) -> String {
            var lines = [
                "dev cluster running: requester \(url) and \(workers) worker\(workers == 1 ? "" : "s") (homes and logs in \(root))",
                "  requester  \(url)  home \(root)/requester  log \(root)/requester.log",
            ]
            for index in 1...workers {
                lines.append("  w\(index)         http://127.0.0.1:\(URL(string: url)!.port! + index)  home \(root)/worker-\(index)  log \(root)/worker-\(index).log")
            }
            lines += [
                "",
                "\(config) now points at it, so from another terminal (same $SHOAL_HOME):",
                "  shoal node list",
                "  shoal job submit pipeline.yaml --follow",
                "  shoal job results JOB -o results",
                "Put a dataset on one worker (its tasks then run there):",
                "  SHOAL_HOME=\(root)/worker-1 shoal add -r data/",
                "",
                "Ctrl-C stops everything.",
            ]
            return lines.joined(separator: "\n")
        }
    }
}
