import Crypto
import IPLD
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A node's Ed25519 signing key: who signs the steps this node runs, shown as a ``DIDKey``.
///
/// The key lives in the node's home folder at `<home>/identity/ed25519.key` and is created on
/// first use. It is written once, atomically (a temporary file with mode `0600`, synced, then
/// hard-linked into place, so a second process creating a key at the same moment keeps the first
/// one instead of replacing it) and never rewritten. A key file that cannot be read is an error,
/// never a reason to make a new key: a node that silently changed its key would no longer be
/// trusted by anyone who trusted it before.
///
/// The file is three lines of text, so an operator can see which identity it holds:
///
/// ```
/// shoal-node-key/1
/// did:key:z6Mk…
/// ed25519-seed <base64 of the 32-byte private key seed>
/// ```
///
/// The did:key line is checked against the seed on load, which catches most corruption.
///
/// ```swift
/// let identity = try NodeIdentity.loadOrCreate(home: "/home/me/.shoal")
/// print(identity.didKey)                           // did:key:z6Mk…
/// let signature = try identity.signature(for: stepCID.bytes)
/// ```
public struct NodeIdentity: Sendable {
    /// The public half, as this node's name.
    public let didKey: DIDKey
    private let privateKey: Curve25519.Signing.PrivateKey

    /// The first line of a key file.
    static let header = "shoal-node-key/1"
    /// The label of the seed line.
    static let seedLabel = "ed25519-seed "

    /// An identity for an existing private key.
    public init(privateKey: Curve25519.Signing.PrivateKey) {
        self.privateKey = privateKey
        self.didKey = DIDKey(privateKey.publicKey)
    }

    /// An identity from a 32-byte Ed25519 seed (RFC 8032 private key).
    ///
    /// - Throws: ``ProvenanceError/Code/corruptKey`` when `seed` is not 32 bytes.
    public init(seed: [UInt8]) throws {
        guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw ProvenanceError(.corruptKey, "an Ed25519 seed is 32 bytes, not \(seed.count)")
        }
        self.init(privateKey: key)
    }

    /// A new random identity (not stored anywhere).
    public static func generate() -> NodeIdentity {
        NodeIdentity(privateKey: Curve25519.Signing.PrivateKey())
    }

    /// The Ed25519 signature of `message` by this node's key.
    public func signature(for message: some Collection<UInt8>) throws -> [UInt8] {
        Array(try privateKey.signature(for: Array(message)))
    }

    // MARK: Key file

    /// Where the key of the node whose state is in `home` lives.
    public static func keyPath(home: String) -> String {
        home + "/identity/ed25519.key"
    }

    /// The node key stored under `home`, created there if there is none yet.
    ///
    /// - Throws: ``ProvenanceError/Code/corruptKey`` when a key file exists but is not a valid
    ///   Shoal key (it is left untouched), and ``ProvenanceError/Code/keyStorage`` when the
    ///   folder or file cannot be created or read.
    public static func loadOrCreate(home: String) throws -> NodeIdentity {
        let path = keyPath(home: home)
        if FileManager.default.fileExists(atPath: path) { return try load(from: path) }
        let folder = home + "/identity"
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ProvenanceError(.keyStorage, "cannot create \(folder): \(error.localizedDescription)")
        }
        let identity = generate()
        if try !KeyFileWriter.createExclusively(path: path, contents: identity.keyFileText) {
            // Another process created the key between our check and our write: use theirs.
            return try load(from: path)
        }
        return identity
    }

    /// Reads a key file written by ``loadOrCreate(home:)``.
    ///
    /// - Throws: ``ProvenanceError/Code/keyStorage`` when it cannot be read and
    ///   ``ProvenanceError/Code/corruptKey`` when its content is not a consistent Shoal key.
    public static func load(from path: String) throws -> NodeIdentity {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ProvenanceError(.keyStorage, "cannot read node key \(path): \(error.localizedDescription)")
        }
        return try parse(keyFile: Array(data), path: path)
    }

    /// Parses the three-line key file format.
    static func parse(keyFile bytes: [UInt8], path: String) throws -> NodeIdentity {
        func corrupt(_ why: String) -> ProvenanceError {
            ProvenanceError(.corruptKey, "node key \(path) is corrupt (\(why)); restore it from a backup, or move it away to create a new identity")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw corrupt("not UTF-8 text") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 4, lines[3].isEmpty, lines[0] == header else {
            throw corrupt("expected the 3 lines of a \(header) file")
        }
        guard let stated = try? DIDKey(lines[1]) else { throw corrupt("line 2 is not an Ed25519 did:key") }
        guard lines[2].hasPrefix(seedLabel),
              let seed = Data(base64Encoded: String(lines[2].dropFirst(seedLabel.count))), seed.count == 32,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        else { throw corrupt("line 3 is not a base64 32-byte Ed25519 seed") }
        let identity = NodeIdentity(privateKey: key)
        guard identity.didKey == stated else { throw corrupt("the seed does not belong to \(stated)") }
        return identity
    }

    /// The content of this identity's key file.
    var keyFileText: [UInt8] {
        let seed = Data(privateKey.rawRepresentation).base64EncodedString()
        return Array("\(Self.header)\n\(didKey)\n\(Self.seedLabel)\(seed)\n".utf8)
    }
}

/// Writes a secret file once: never over an existing file, never visible half-written.
enum KeyFileWriter {
    /// Writes `contents` to `path` with mode `0600` unless `path` already exists.
    ///
    /// The bytes go to a temporary file in the same folder, are synced, then hard-linked to
    /// `path`; `link` fails when `path` exists, which makes the creation exclusive.
    ///
    /// - Returns: `false` when `path` already existed (nothing was written).
    static func createExclusively(path: String, contents: [UInt8]) throws -> Bool {
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("create", temporary) }
        defer { unlink(temporary) }
        var written = 0
        while written < contents.count {
            let n = contents[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let error = failure("write", temporary)
                close(fd)
                throw error
            }
            written += n
        }
        guard fchmod(fd, 0o600) == 0, fsync(fd) == 0 else {
            let error = failure("sync", temporary)
            close(fd)
            throw error
        }
        close(fd)
        if link(temporary, path) != 0 {
            if errno == EEXIST { return false }
            throw failure("link", path)
        }
        // Make the new directory entry durable too.
        let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 {
            _ = fsync(dir)
            close(dir)
        }
        return true
    }

    private static func failure(_ operation: String, _ path: String) -> ProvenanceError {
        ProvenanceError(.keyStorage, "cannot \(operation) \(path): \(String(cString: strerror(errno)))")
    }
}
