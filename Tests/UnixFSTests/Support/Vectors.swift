import IPLD
import ShoalTesting
import Testing
@testable import UnixFS

/// A file known-answer vector: SplitMix64 bytes, the import parameters, the reference CID.
struct FileVector: Sendable, CustomTestStringConvertible {
    let seed: UInt64
    let size: Int
    let cidVersion: Int
    let rawLeaves: Bool
    let chunkSize: Int
    let layout: ImportProfile.Layout
    let cid: String

    var profile: ImportProfile {
        ImportProfile(cidVersion: cidVersion == 0 ? .v0 : .v1, rawLeaves: rawLeaves,
                      chunker: .fixedSize(chunkSize), layout: layout)
    }

    var bytes: [UInt8] { SplitMix64.bytes(seed: seed, count: size) }

    var testDescription: String {
        "\(size) bytes, v\(cidVersion)\(rawLeaves ? " raw" : "") size-\(chunkSize) \(layout.rawValue)"
    }
}

/// One entry of a directory-tree vector, with a path relative to the tree's root.
enum TreeEntry: Sendable {
    case file(String, seed: UInt64, size: Int)
    case directory(String)
    case symlink(String, target: String)

    var path: String {
        switch self {
        case .file(let p, _, _), .directory(let p), .symlink(let p, _): p
        }
    }
}

/// A directory-tree known-answer vector.
struct TreeVector: Sendable, CustomTestStringConvertible {
    let name: String
    let entries: [TreeEntry]
    let cidVersion: Int
    let rawLeaves: Bool
    let chunkSize: Int
    let layout: ImportProfile.Layout
    let wrap: Bool
    let hidden: Bool
    let cid: String

    var profile: ImportProfile {
        ImportProfile(cidVersion: cidVersion == 0 ? .v0 : .v1, rawLeaves: rawLeaves,
                      chunker: .fixedSize(chunkSize), layout: layout)
    }

    var options: ImportOptions { ImportOptions(recursive: true, includeHidden: hidden, wrapWithDirectory: wrap) }

    var testDescription: String {
        "\(name) v\(cidVersion)\(rawLeaves ? " raw" : "") size-\(chunkSize) \(layout.rawValue)"
            + (wrap ? " wrap" : "") + (hidden ? " hidden" : "")
    }

    /// `count` files named `prefix` + 5 digits + `.txt`, each `size` bytes from seed = its index.
    static func numbered(prefix: String, count: Int, size: Int) -> [TreeEntry] {
        (0..<count).map { i in
            let digits = String(i)
            return .file(prefix + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".txt",
                         seed: UInt64(i), size: size)
        }
    }

    /// Writes the tree into `directory/name` and returns that path.
    func materialize(in directory: TemporaryDirectory) throws -> String {
        try directory.mkdir(name)
        for entry in entries {
            let path = name + "/" + entry.path
            switch entry {
            case .file(_, let seed, let size): try directory.write(path, SplitMix64.bytes(seed: seed, count: size))
            case .directory: try directory.mkdir(path)
            case .symlink(_, let target): try directory.symlink(path, to: target)
            }
        }
        return directory.file(name)
    }
}
