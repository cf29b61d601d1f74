import Foundation
import IPLD
import ShoalTesting
import Spawning
import Testing

@testable import Gateway

/// The IPFS reference oracle (`/work/shared/oracle`, venv in `/tmp/oracle-venv`, kubo v0.22).
enum Oracle {
    static let python = "/tmp/oracle-venv/bin/python"
    static let folder = ProcessInfo.processInfo.environment["SHOAL_ORACLE"] ?? "/work/shared/oracle"
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: python) && FileManager.default.fileExists(atPath: folder + "/kubo_ref.py")
    }

    /// Runs the oracle's Python with `arguments` in its folder.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let result = try SpawnedProcess.run([python] + arguments, directory: folder)
        return (result.status, result.stdout, result.stderr)
    }
}

@Suite(.serialized, .enabled(if: Oracle.available, "IPFS reference oracle not installed (/tmp/oracle-venv): interop tests skipped"))
struct OracleInteropTests {
    @Test(arguments: [CID.Version.v0, .v1])
    func aCARServedByTheGatewayImportsIntoKubo(version: CID.Version) async throws {
        let fixture = try GatewayFixture("interop")
        // kubo's defaults (CIDv0, dag-pb leaves) or CIDv1 with raw leaves; several levels of links.
        let file = try fixture.addFile(seed: 7, size: 300 * 1024, chunk: 4096, maxLinks: 8, rawLeaves: version == .v1, version: version)
        let blockCount = try fixture.blocksInOrder(file.cid).count
        let car = try await GatewayRoutesTests.serve(fixture.repo) { url, client in
            try await send(client, "\(url)/ipfs/\(file.cid)?format=car").body
        }
        let path = fixture.directory.file("gateway.car")
        try Data(car).write(to: URL(fileURLWithPath: path))

        let home = fixture.directory.file("kubo")
        let (status, output, errors) = try Oracle.run(["kubo_ref.py", "--home", home, "import-car", path, "--json"])
        #expect(status == 0, "kubo import failed: \(errors)")
        let report = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        #expect(report?["ok"] as? Bool == true, "\(output)")
        #expect(report?["roots"] as? [String] == [file.cid.string])
        #expect(report?["blocks"] as? Int == blockCount)
        #expect((report?["bad_hash"] as? [Any])?.isEmpty == true)
        #expect(report?["duplicate_blocks"] as? Int == 0)
        #expect(report?["unreferenced_blocks"] as? Int == 0)

        // kubo reads the file back from what it imported: the original bytes.
        let cat = try SpawnedProcess.run(
            [Oracle.python, "kubo_ref.py", "--home", home, "cat", file.cid.string], directory: Oracle.folder)
        #expect(cat.status == 0, "\(cat.stderr)")
        #expect(cat.stdoutBytes == file.bytes)
    }
}
