import Foundation
import IPLD
import ShoalTesting
import Spawning
import Testing

@testable import BlockStore

/// The IPFS reference oracle (`/work/shared/oracle`, venv in `/tmp/oracle-venv`): kubo v0.22 and an
/// independent Python importer with a CAR reader/writer.
enum Oracle {
    static let python = "/tmp/oracle-venv/bin/python"
    static let folder: String = {
        let candidates = [
            ProcessInfo.processInfo.environment["SHOAL_ORACLE"],
            "/work/shared/oracle",
        ]
        return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0 + "/kubo_ref.py") } ?? "/work/shared/oracle"
    }()
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: python) && FileManager.default.fileExists(atPath: folder + "/kubo_ref.py")
    }

    /// Runs the oracle's Python with `arguments` in its folder; returns status and stdout.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let result = try SpawnedProcess.run([python] + arguments, directory: folder)
        return (result.status, result.stdout, result.stderr)
    }
}

@Suite(.serialized, .enabled(if: Oracle.available, "IPFS reference oracle not installed (/tmp/oracle-venv): interop tests skipped"))
struct OracleInteropTests {
    @Test func aCARExportedByShoalImportsIntoKubo() throws {
        let dir = TemporaryDirectory("interop")
        let repo = try Repo(home: dir.file("repo"))
        // CIDv0 dag-pb leaves, raw leaves, and a subtree shared by two parents.
        let pbLeaves = (0..<3).map { TestDAG.pbLeaf(seed: 100 + UInt64($0), size: 5000, version: .v0) }
        let rawLeaves = (0..<3).map { TestDAG.rawLeaf(seed: 200 + UInt64($0), size: 7000) }
        let shared = TestDAG.node(pbLeaves.map(\.cid), version: .v0)
        let left = TestDAG.node([shared.cid, rawLeaves[0].cid])
        let right = TestDAG.node([rawLeaves[1].cid, shared.cid, rawLeaves[2].cid])
        let root = TestDAG.node([left.cid, right.cid])
        try repo.putAll(pbLeaves + rawLeaves + [shared, left, right, root])
        let summary = try repo.exportCAR(root: root.cid, to: dir.file("shoal.car"))
        #expect(summary.blocks == 10)

        let (status, output, errors) = try Oracle.run(["kubo_ref.py", "--home", dir.file("kubo"), "import-car", dir.file("shoal.car"), "--json"])
        #expect(status == 0, "kubo import failed: \(errors)")
        let report = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        #expect(report?["ok"] as? Bool == true, "\(output)")
        #expect(report?["roots"] as? [String] == [root.cid.string])
        #expect(report?["blocks"] as? Int == 10)
        #expect((report?["bad_hash"] as? [Any])?.isEmpty == true)
        #expect(report?["duplicate_blocks"] as? Int == 0)
        #expect(report?["unreferenced_blocks"] as? Int == 0)
        #expect((report?["kubo_pin"] as? [String: Any])?[root.cid.string] as? Bool == true)

        // Export back from kubo's repository (blocks as kubo stored them, links decoded by the
        // reference, go-car's depth-first order, each CID once): byte-identical to Shoal's CAR.
        // kubo here has no `dag export`, so the traversal is scripted on the reference's blockstore.
        let reexport = """
            import sys, kubo_ref as K, unixfs_ref as U
            home, root, out = sys.argv[1], U.parse_cid(sys.argv[2])[3], sys.argv[3]
            seen, order, stack = set(), [], [root]
            while stack:
                c = stack.pop()
                if c in seen: continue
                seen.add(c)
                d = K.get_block(c, home)
                order.append((c, d))
                stack.extend(reversed(U.block_links(c, d)))
            U.car_write(out, [root], order)
            """
        let back = try Oracle.run(["-c", reexport, dir.file("kubo"), root.cid.string, dir.file("kubo.car")])
        #expect(back.status == 0, "\(back.errors)")
        #expect(try readBytes(dir.file("kubo.car")) == readBytes(dir.file("shoal.car")))
    }

    @Test(arguments: [0, 1])
    func aCARWrittenByTheReferenceImportsIntoShoal(cidVersion: Int) throws {
        let dir = TemporaryDirectory("interop")
        // A 700 KB file: three 256 KiB chunks under one root (CIDv0 dag-pb leaves or CIDv1 raw leaves).
        try writeBytes(SplitMix64.bytes(seed: 42, count: 700_000), to: dir.file("data.bin"))
        let script = """
            import sys, unixfs_ref as U
            imp = U.Importer(U.Params(cid_version=\(cidVersion)), keep_blocks=True)
            node = imp.add_path(sys.argv[1])
            U.car_write(sys.argv[2], [node.cid], [(c, imp.blocks[c]) for c in imp.order])
            print(U.cid_str(node.cid))
            """
        let (status, output, errors) = try Oracle.run(["-c", script, dir.file("data.bin"), dir.file("ref.car")])
        #expect(status == 0, "reference CAR writer failed: \(errors)")
        let root = try CID(output.trimmingCharacters(in: .whitespacesAndNewlines))

        let repo = try Repo(home: dir.file("repo"))
        let summary = try repo.importCAR(from: dir.file("ref.car"))
        #expect(summary.roots == [root])
        #expect(summary.pins.map(\.cid) == [root])
        #expect(summary.blockBytes > 700_000)
        #expect(try repo.verify().isHealthy)
        #expect(try repo.collectGarbage().removed.isEmpty)

        // Shoal's export of the same DAG parses with the reference and has the same blocks.
        try repo.exportCAR(root: root, to: dir.file("shoal.car"))
        let compare = """
            import sys, unixfs_ref as U
            r1, b1, _ = U.car_read(sys.argv[1]); r2, b2, _ = U.car_read(sys.argv[2])
            assert r1 == r2, "roots differ"
            assert sorted(b1) == sorted(b2), "blocks differ"
            assert all(U.verify_block(c, d) for c, d in b2)
            print(len(b2))
            """
        let check = try Oracle.run(["-c", compare, dir.file("ref.car"), dir.file("shoal.car")])
        #expect(check.status == 0, "\(check.errors)")
        #expect(Int(check.output.trimmingCharacters(in: .whitespacesAndNewlines)) == summary.blocks)
    }

    @Test func kubosOwnFlatfsFolderReadsAsAFlatFSBlockstore() throws {
        // kubo itself stores a file (CIDv0, dag-pb leaves); its `blocks/` folder, SHARDING file
        // included, is opened by FlatFSBlockstore and every block of the DAG is found and intact.
        let dir = TemporaryDirectory("interop")
        try writeBytes(SplitMix64.bytes(seed: 7, count: 600_000), to: dir.file("data.bin"))
        let added = try Oracle.run(["kubo_ref.py", "--home", dir.file("kubo"), "add", dir.file("data.bin")])
        #expect(added.status == 0, "\(added.errors)")
        let root = try CID(added.output.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(root.version == .v0)
        let store = try FlatFSBlockstore(path: dir.file("kubo/repo/blocks"), options: .init(verifyOnRead: true))
        var seen = Set<CID>()
        var count = 0
        try DAGWalker(source: store).walk(from: [root], seen: &seen, readRawBlocks: true) { _ in count += 1 }
        #expect(count == 4)  // three 256 KiB chunks and their parent
        #expect(try store.allMultihashes().contains(root.multihash))
    }
}
