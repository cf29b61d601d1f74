import ArgumentParser
import BlockStore
import Foundation
import IPLD

/// Block I/O of the flat-file store, the repository (index + pin) and CAR files, each next to a
/// plain sequential `write`/`read` of the same bytes in one file, measured in the same run.
///
///     swift run -c release --package-path Benchmarks shoal-bench blockstore --mib 512
struct BlockStoreBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blockstore",
        abstract: "Flat-file puts/reads, repository add+pin, CAR export/import, against plain file I/O.")

    @Option(help: "Data size in MiB.") var mib = 256
    @Option(help: "Block size in bytes.") var blockSize = 262_144
    @Option(help: "Scratch folder (default: a fresh folder under the system temporary directory).") var scratch: String?

    func run() throws {
        let root = scratch ?? (FileManager.default.temporaryDirectory.path + "/shoal-bench-blockstore-\(getpid())")
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }

        let count = mib * 1_048_576 / blockSize
        var generator = SplitMix64Bench(seed: 1)
        let blocks = (0..<count).map { _ in Block(bytes: generator.bytes(blockSize), codec: .raw) }
        let dagRoot = Block(bytes: PBNode(links: blocks.map { PBLink(hash: $0.cid, name: "", tsize: UInt64(blockSize)) }).encoded(), codec: .dagPB)
        let total = Double(count * blockSize)
        func rate(_ seconds: Double) -> String { String(format: "%7.0f MB/s", total / seconds / 1e6) }
        print("blockstore: \(count) blocks of \(blockSize) bytes (\(mib) MiB)")

        // Baselines: the same bytes written to and read from one file.
        // Each baseline writes a fresh file, as every block store write creates one.
        let plain = root + "/plain.bin"
        let writeBaseline = Measure.seconds {
            let fd = open(plain, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            defer { close(fd) }
            for block in blocks { _ = block.bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) } }
        }
        let readBaseline = Measure.seconds {
            let fd = open(plain, O_RDONLY)
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: blockSize)
            while buffer.withUnsafeMutableBytes({ read(fd, $0.baseAddress!, $0.count) }) > 0 {}
        }
        let syncBaseline = Measure.seconds {
            let fd = open(root + "/plain-sync.bin", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            defer { close(fd) }
            for block in blocks { _ = block.bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) } }
            fsync(fd)
        }
        let hashBaseline = Measure.seconds { for block in blocks { _ = block.cid.verifies(block.bytes) } }
        print("  sha256 in memory \(rate(hashBaseline))   (ceiling for verified reads)")
        print("  plain write      \(rate(writeBaseline))   (baseline)")
        print("  plain write+sync \(rate(syncBaseline))   (baseline for durable adds)")

        let store = try FlatFSBlockstore(path: root + "/flat")
        let put = try Measure.seconds { for block in blocks { try store.put(block) } }
        print("  flatfs put       \(rate(put))   \(String(format: "%.2f", writeBaseline / put))x plain write")

        let repo = try Repo(home: root + "/repo")
        let add = try Measure.seconds {
            try repo.write { writer in
                for block in blocks { try writer.put(block) }
                try writer.put(dagRoot)
                try writer.pin(dagRoot.cid)
            }
        }
        print("  repo add + pin   \(rate(add))   \(String(format: "%.2f", syncBaseline / add))x plain write+sync (incl. index, pin walk, syncfs)")

        print("  plain read       \(rate(readBaseline))   (baseline)")
        let get = try Measure.seconds { for block in blocks { _ = try store.block(block.cid) } }
        print("  flatfs read      \(rate(get))   \(String(format: "%.2f", readBaseline / get))x plain read")
        let verifying = try FlatFSBlockstore(path: root + "/flat", options: .init(verifyOnRead: true))
        let getVerified = try Measure.seconds { for block in blocks { _ = try verifying.block(block.cid) } }
        print("  flatfs read+hash \(rate(getVerified))   \(String(format: "%.2f", readBaseline / getVerified))x plain read")

        let export = try Measure.seconds { try repo.exportCAR(root: dagRoot.cid, to: root + "/dag.car") }
        print("  CAR export       \(rate(export))   \(String(format: "%.2f", writeBaseline / export))x plain write (reads, verifies, writes)")
        let other = try Repo(home: root + "/other")
        let importTime = try Measure.seconds { try other.importCAR(from: root + "/dag.car") }
        print("  CAR import       \(rate(importTime))   \(String(format: "%.2f", writeBaseline / importTime))x plain write (reads, verifies, stores, pins)")
        let gc = try Measure.seconds { _ = try repo.collectGarbage() }
        print(String(format: "  gc (all pinned)  %7.3f s", gc))
        print(String(format: "  peak RSS         %7.1f MB (the %d MiB of blocks are held in memory by the benchmark)", Double(Measure.peakRSS()) / 1e6, mib))
    }
}

/// SplitMix64, as in ShoalTesting (not a product), to generate incompressible block data.
struct SplitMix64Bench {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func bytes(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var i = 0
            while i < count {
                var word = next()
                for _ in 0..<8 where i < count { buffer[i] = UInt8(truncatingIfNeeded: word); word >>= 8; i += 1 }
            }
            initialized = count
        }
    }
}
