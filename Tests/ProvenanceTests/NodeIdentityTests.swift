import Foundation
import Testing
@testable import Provenance

struct NodeIdentityTests {
    /// A fresh, empty home folder, removed afterwards by the caller.
    static func home() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("shoal-id-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func createsAKeyOnFirstUseAndLoadsItAfterwards() throws {
        let home = try Self.home()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let created = try NodeIdentity.loadOrCreate(home: home)
        let path = NodeIdentity.keyPath(home: home)
        #expect(path == home + "/identity/ed25519.key")
        #expect(try Self.mode(path) == 0o600)
        #expect(try Self.mode(home + "/identity") == 0o700)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0] == "shoal-node-key/1")
        #expect(lines[1] == created.didKey.string)
        // Loading again gives the same key, and the file is not rewritten.
        let loaded = try NodeIdentity.loadOrCreate(home: home)
        #expect(loaded.didKey == created.didKey)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
        // No temporary files are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: home + "/identity") == ["ed25519.key"])
        // The loaded key signs as the created one.
        let signature = try loaded.signature(for: [1, 2, 3])
        #expect(created.didKey.isValidSignature(signature, for: [1, 2, 3]))
    }

    @Test func twoHomesAreTwoNodes() throws {
        let a = try Self.home(), b = try Self.home()
        defer { try? FileManager.default.removeItem(atPath: a); try? FileManager.default.removeItem(atPath: b) }
        #expect(try NodeIdentity.loadOrCreate(home: a).didKey != NodeIdentity.loadOrCreate(home: b).didKey)
    }

    @Test func concurrentFirstUseAgreesOnOneKey() async throws {
        let home = try Self.home()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let keys = try await withThrowingTaskGroup(of: DIDKey.self) { group in
            for _ in 0..<8 { group.addTask { try NodeIdentity.loadOrCreate(home: home).didKey } }
            return try await group.reduce(into: Set<DIDKey>()) { $0.insert($1) }
        }
        #expect(keys.count == 1)
        #expect(try keys.first == NodeIdentity.load(from: NodeIdentity.keyPath(home: home)).didKey)
    }

    /// Each corruption is reported as `corruptKey` and the file is left exactly as it was.
    @Test(arguments: ["garbage", "empty", "did", "seed", "short seed", "not utf8", "extra line"])
    func corruptKeyFilesAreErrorsAndNeverReplaced(_ corruption: String) throws {
        let home = try Self.home()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let original = try NodeIdentity.loadOrCreate(home: home)
        let path = NodeIdentity.keyPath(home: home)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let other = NodeIdentity.generate().didKey.string
        let bad: [UInt8] = switch corruption {
        case "garbage": Array("not a key\n".utf8)
        case "empty": []
        case "did": Array([lines[0], other, lines[2], ""].joined(separator: "\n").utf8)
        case "seed": Array([lines[0], lines[1], "ed25519-seed AAAA", ""].joined(separator: "\n").utf8)
        case "short seed": Array([lines[0], lines[1], String(lines[2].dropLast(8)), ""].joined(separator: "\n").utf8)
        case "not utf8": [0xff, 0xfe, 0x00]
        default: Array((lines + ["more", ""]).joined(separator: "\n").utf8)
        }
        try Data(bad).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: ProvenanceError.self) { try NodeIdentity.loadOrCreate(home: home) }
        #expect(error?.code == .corruptKey)
        #expect(error?.message.contains(path) == true)
        #expect(error.map { !"\($0)".contains("\n") } == true)
        // Never silently replaced, and the message does not leak the seed.
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: path))) == bad)
        #expect(error?.message.contains(lines[2].dropFirst("ed25519-seed ".count)) == false)
        _ = original
    }

    @Test func unreadableHomeIsAStorageError() throws {
        let home = try Self.home()
        defer { try? FileManager.default.removeItem(atPath: home) }
        // A file where the identity folder should be.
        try Data().write(to: URL(fileURLWithPath: home + "/identity"))
        let error = #expect(throws: ProvenanceError.self) { try NodeIdentity.loadOrCreate(home: home) }
        #expect(error?.code == .keyStorage)
    }

    @Test func seedsMustBe32Bytes() {
        let error = #expect(throws: ProvenanceError.self) { try NodeIdentity(seed: [1, 2, 3]) }
        #expect(error?.code == .corruptKey)
    }

    @Test func keyFileRoundTripsThroughTheParser() throws {
        let identity = try NodeIdentity(seed: [UInt8](repeating: 9, count: 32))
        let parsed = try NodeIdentity.parse(keyFile: identity.keyFileText, path: "k")
        #expect(parsed.didKey == identity.didKey)
    }
}
