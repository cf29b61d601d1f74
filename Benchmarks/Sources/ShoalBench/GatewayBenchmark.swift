import ArgumentParser
import AsyncHTTPClient
import BlockStore
import Foundation
import Gateway
import Hummingbird
import IPLD
import Logging
import UnixFS

/// Moving a DAG between two nodes over the trustless gateway on loopback, next to reading the
/// same DAG from the local repository, measured in the same run.
///
///     swift run -c release --package-path Benchmarks shoal-bench gateway --mib 256
///
/// Both nodes live in this process (a real Hummingbird server on 127.0.0.1, a real
/// AsyncHTTPClient fetcher), so the figure includes HTTP framing, both sides' hashing and the
/// destination's block writes, but no network.
struct GatewayBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Fetch a DAG over the trustless gateway on loopback vs reading it from the local repository.")

    @Option(help: "File size in MiB.") var mib = 256
    @Option(help: "MiB fetched block by block (?format=raw), the fallback path.") var rawMib = 32
    @Option(help: "Scratch folder (default: a fresh folder under the system temporary directory).") var scratch: String?

    func run() async throws {
        let root = scratch ?? (FileManager.default.temporaryDirectory.path + "/shoal-bench-gateway-\(getpid())")
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }

        var generator = SplitMix64Bench(seed: 7)
        let source = try Repo(home: root + "/source")
        let file = try source.addBytes(generator.bytes(mib << 20))
        let small = try source.addBytes(generator.bytes(rawMib << 20))
        let total = Double(mib << 20)
        func rate(_ seconds: Double, _ bytes: Double = total) -> String { String(format: "%7.0f MB/s", bytes / seconds / 1e6) }
        print("gateway: a \(mib) MiB UnixFS file (256 KiB raw leaves, CIDv1) \(file.cid)")

        // Baselines: the same DAG read from the local repository.
        let devNull = open("/dev/null", O_WRONLY)
        defer { close(devNull) }
        let cat = try Measure.seconds { _ = try source.unixfs.cat(file.cid, to: devNull) }
        print("  local cat             \(rate(cat))   (baseline: read the file from the repository)")
        let export = try Measure.seconds {
            let writer = try CARWriter(fileDescriptor: devNull, roots: [file.cid])
            _ = try source.exportCAR(root: file.cid, into: writer)
            try writer.finish()
        }
        print("  local CAR export      \(rate(export))   (read + verify + CAR framing, to /dev/null)")
        try source.exportCAR(root: file.cid, to: root + "/file.car")
        let importer = try Repo(home: root + "/imported")
        let importTime = try Measure.seconds { try importer.importCAR(from: root + "/file.car") }
        print("  local CAR import      \(rate(importTime))   (verify + store + pin from a CAR file: a fetch without the network)")

        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let router = Router()
        GatewayRoutes(source: source).register(on: router)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { return }
            let url = "http://127.0.0.1:\(port)"
            try await HTTPClient.withHTTPClient(configuration: BlockFetcher.httpConfiguration()) { client in
                // Serving alone: the CAR read and discarded by the client.
                let serveStart = Measure.now()
                var request = HTTPClientRequest(url: "\(url)/ipfs/\(file.cid)?format=car")
                request.headers.add(name: "Accept", value: "application/vnd.ipld.car")
                let response = try await client.execute(request, timeout: .minutes(10))
                var received = 0
                for try await chunk in response.body { received += chunk.readableBytes }
                let serve = Measure.now() - serveStart
                print("  gateway CAR, discarded \(rate(serve))   \(String(format: "%.2f", cat / serve))x local cat (serve + HTTP, \(received) bytes)")

                let destination = try Repo(home: root + "/destination")
                let fetcher = BlockFetcher(repo: destination, client: client, logger: logger)
                let fetchStart = Measure.now()
                let summary = try await fetcher.fetch(file.cid, from: [GatewayProvider(url: url)], pin: true)
                let fetch = Measure.now() - fetchStart
                print("  fetch CAR + pin       \(rate(fetch))   \(String(format: "%.2f", cat / fetch))x local cat, \(String(format: "%.2f", importTime / fetch))x local CAR import (\(summary.blocksFetched) blocks)")

                // The fallback path: every leaf asked for alone.
                let partial = try Repo(home: root + "/partial")
                try partial.write { writer in try writer.put(Block(trusted: small.cid, bytes: try source.block(small.cid))) }
                let rawStart = Measure.now()
                let rawSummary = try await BlockFetcher(repo: partial, client: client, logger: logger)
                    .fetch(small.cid, from: [GatewayProvider(url: url)], pin: true)
                let raw = Measure.now() - rawStart
                print("  fetch raw, per block  \(rate(raw, Double(rawMib << 20)))   (\(rawSummary.providers[0].requests) requests, up to 8 in flight, \(String(format: "%.2f", raw / Double(max(1, rawSummary.providers[0].requests)) * 1e3)) ms per block)")
            }
            group.cancelAll()
        }
        print(String(format: "  peak RSS              %7.1f MB (the benchmark holds the %d MiB file in memory while adding it)", Double(Measure.peakRSS()) / 1e6, mib))
    }
}
