import ArgumentParser
import Foundation
import BlockStore
import IPLD
import ShoalTesting
import Spawning
import UnixFS

/// `shoal-bench add`: the speed of `add --only-hash` next to `openssl dgst -sha256` on the same
/// file, in the same run, and this process's peak memory.
///
/// The file is generated (SplitMix64 bytes), then read once so both sides find it in the page
/// cache. Each side runs `--runs` times and the best time counts. The import writes every block
/// to a sink that keeps nothing, exactly what `--only-hash` does.
struct AddBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "add --only-hash of a generated file vs openssl dgst -sha256 (ratio and peak RSS)."
    )

    @Option(help: "File size in MiB.")
    var sizeMiB = 1024

    @Option(help: "Where to write the generated file (removed afterwards unless --keep).")
    var file = "/tmp/shoal-bench-add.bin"

    @Option(help: "Runs per side; the best counts.")
    var runs = 3

    @Flag(help: "Keep the generated file.")
    var keep = false

    func run() throws {
        let size = sizeMiB * 1024 * 1024
        print("generating \(sizeMiB) MiB at \(file) …")
        try generate(size: size)
        defer { if !keep { try? FileManager.default.removeItem(atPath: file) } }
        try readThrough()  // warm the page cache

        let openssl = try best { try runOpenSSL() }
        report("openssl dgst -sha256", openssl, size: size, baseline: nil)
        let profiles: [(String, ImportProfile)] = [
            ("add --only-hash (CIDv1, raw leaves)", .shoalDefault),
            ("add --only-hash (CIDv0, dag-pb leaves)", .kuboDefault),
        ]
        for (name, profile) in profiles {
            var cid: CID?
            let timing = try best {
                cid = try UnixFSImporter(profile: profile, sink: DiscardingBlockSink()).importPath(file).cid
            }
            report(name, timing, size: size, baseline: openssl)
            print("    root \(cid!)")
        }
        // Stored add: the same import written into a fresh flat-file repo and pinned, as `shoal add` does.
        for (name, profile) in [("add, stored (CIDv1, raw leaves)", ImportProfile.shoalDefault),
                                ("add, stored (CIDv0, dag-pb leaves)", .kuboDefault)] {
            var cid: CID?
            let timing = try best {
                let home = NSTemporaryDirectory() + "shoal-bench-repo-\(getpid())"
                defer { try? FileManager.default.removeItem(atPath: home) }
                let repo = try Repo(home: home)
                cid = try repo.add(file, AddRequest(profile: profile)).cid
            }
            report(name, timing, size: size, baseline: openssl)
            print("    root \(cid!)")
        }
        print(String(format: "peak RSS of this process: %.1f MB", Double(Measure.peakRSS()) / 1e6))
    }

    /// Wall-clock and CPU seconds (user + system, this process and its children).
    struct Timing {
        var wall: Double
        var cpu: Double
    }

    /// The fastest of `runs` runs of `body`, by wall-clock time.
    private func best(_ body: () throws -> Void) throws -> Timing {
        var fastest: Timing?
        for _ in 0..<runs {
            let cpuBefore = Self.cpuSeconds()
            let wall = try Measure.seconds(body)
            let timing = Timing(wall: wall, cpu: Self.cpuSeconds() - cpuBefore)
            if fastest == nil || timing.wall < fastest!.wall { fastest = timing }
        }
        return fastest!
    }

    private func report(_ name: String, _ timing: Timing, size: Int, baseline: Timing?) {
        let mb = Double(size) / 1e6
        var line = name.padding(toLength: 40, withPad: " ", startingAt: 0)
        line += String(format: "%7.3f s wall %6.0f MB/s   %7.3f s CPU %6.0f MB/s", timing.wall, mb / timing.wall,
                       timing.cpu, mb / timing.cpu)
        if let baseline {
            line += String(format: "   ratio to openssl: %.2f× wall, %.2f× CPU", baseline.wall / timing.wall,
                           baseline.cpu / timing.cpu)
        }
        print(line)
    }

    /// User + system CPU time of this process and its finished children.
    static func cpuSeconds() -> Double {
        func seconds(_ who: Int32) -> Double {
            var usage = rusage()
            getrusage(who == 0 ? RUSAGE_SELF.rawValue : RUSAGE_CHILDREN.rawValue, &usage)
            return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
        return seconds(0) + seconds(1)
    }

    /// Writes `size` SplitMix64 bytes in 4 MiB pieces (so generating does not raise the peak RSS).
    private func generate(size: Int) throws {
        guard FileManager.default.createFile(atPath: file, contents: nil),
              let handle = FileHandle(forWritingAtPath: file) else {
            throw ValidationError("cannot create \(file)")
        }
        defer { try? handle.close() }
        var generator = SplitMix64(seed: 0x5EED)
        let piece = 4 * 1024 * 1024
        var written = 0
        while written < size {
            let count = min(piece, size - written)
            try handle.write(contentsOf: generator.bytes(count))
            written += count
        }
    }

    private func readThrough() throws {
        let fd = open(file, O_RDONLY)
        guard fd >= 0 else { throw ValidationError("cannot open \(file)") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while buffer.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }) > 0 {}
    }

    private func runOpenSSL() throws {
        let process = try SpawnedProcess(
            executable: "/usr/bin/env", arguments: ["openssl", "dgst", "-sha256", file], environment: ProcessInfo.processInfo.environment)
        guard process.wait() == 0 else { throw ValidationError("openssl failed") }
    }
}
