import Foundation
import IPLD
import ShoalTesting
import Testing
@testable import UnixFS

/// Known-answer tests against the IPFS reference (see Vectors/make_vectors.py), plus the
/// importer's reporting and error behaviour.
@Suite struct UnixFSImporterTests {
    // MARK: Known answers

    @Test(arguments: KnownAnswerVectors.files)
    func fileMatchesReference(vector: FileVector) throws {
        let store = MemoryBlockstore()
        let entry = try UnixFSImporter(profile: vector.profile, sink: store).importBytes(vector.bytes)
        #expect(entry.cid.string == vector.cid)
        #expect(entry.size == UInt64(vector.size))
        #expect(try store.has(entry.cid))
    }

    @Test(arguments: KnownAnswerVectors.trees)
    func treeMatchesReference(vector: TreeVector) throws {
        let directory = TemporaryDirectory("unixfs")
        let root = try vector.materialize(in: directory)
        let result = try UnixFSImporter(profile: vector.profile, sink: DiscardingBlockSink())
            .importPath(root, options: vector.options)
        #expect(result.cid.string == vector.cid)
    }

    /// The well-known CIDs every IPFS user has seen, pinned per preset.
    @Test func presetsGiveWellKnownCIDs() throws {
        let hello = Array("hello world\n".utf8)
        #expect(try UnixFSImporter(profile: .kuboDefault, sink: DiscardingBlockSink()).importBytes(hello).cid.string
            == "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o")
        #expect(try UnixFSImporter(profile: .cidV1, sink: DiscardingBlockSink()).importBytes(hello).cid.string
            == "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4")
        #expect(try UnixFSImporter(profile: .kuboDefault, sink: DiscardingBlockSink()).importBytes([]).cid.string
            == "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH")
    }

    @Test func fileFromPathEqualsFileFromBytes() throws {
        let directory = TemporaryDirectory("unixfs")
        let bytes = SplitMix64.bytes(seed: 7, count: 300_001)
        try directory.write("f.bin", bytes)
        let importer = UnixFSImporter(profile: .kuboDefault, sink: DiscardingBlockSink())
        let fromPath = try importer.importPath(directory.file("f.bin"))
        #expect(fromPath.cid == (try importer.importBytes(bytes)).cid)
        #expect(fromPath.root.path == "f.bin")
        #expect(fromPath.bytesRead == 300_001)
    }

    // MARK: Reporting

    @Test func reportsEveryEntryChildrenFirstAndProgress() throws {
        let directory = TemporaryDirectory("unixfs")
        try directory.mkdir("t")
        try directory.mkdir("t/sub")
        try directory.write("t/sub/b.bin", SplitMix64.bytes(seed: 1, count: 70_000))
        try directory.write("t/a.txt", Array("a".utf8))
        try directory.symlink("t/l", to: "a.txt")
        var entries: [ImportedEntry] = []
        var progress: [UInt64] = []
        var profile = ImportProfile.cidV1
        profile.chunker = .fixedSize(32_768)
        let result = try UnixFSImporter(profile: profile, sink: DiscardingBlockSink())
            .importPath(directory.file("t"), options: ImportOptions(recursive: true, wrapWithDirectory: true),
                        progress: { progress.append($0) }, onEntry: { entries.append($0) })
        #expect(entries.map(\.path) == ["t/a.txt", "t/l", "t/sub/b.bin", "t/sub", "t", ""])
        #expect(entries.map(\.kind) == [.file, .symlink, .file, .directory, .directory, .directory])
        #expect(entries[2].size == 70_000)
        #expect(entries[3].size == 70_000)
        #expect(entries[4].size == 70_001)
        #expect(entries.last == result.root)
        #expect(result.entryCount == 6)
        #expect(result.bytesRead == 70_001)
        // One call per chunk: a.txt (1), b.bin (32768, 32768, 4464).
        #expect(progress == [1, 32_769, 65_537, 70_001])
    }

    @Test func skipsHiddenNamesUnlessAsked() throws {
        let directory = TemporaryDirectory("unixfs")
        try directory.mkdir("t")
        try directory.write("t/.secret", [1])
        try directory.write("t/visible", [2])
        var seen: [String] = []
        _ = try UnixFSImporter(sink: DiscardingBlockSink())
            .importPath(directory.file("t"), options: ImportOptions(recursive: true), onEntry: { seen.append($0.path) })
        #expect(seen == ["t/visible", "t"])
        seen = []
        _ = try UnixFSImporter(sink: DiscardingBlockSink())
            .importPath(directory.file("t"), options: ImportOptions(recursive: true, includeHidden: true), onEntry: { seen.append($0.path) })
        #expect(seen == ["t/.secret", "t/visible", "t"])
    }

    @Test func symlinkRootIsStoredNotFollowed() throws {
        let directory = TemporaryDirectory("unixfs")
        try directory.write("target", SplitMix64.bytes(seed: 3, count: 100))
        try directory.symlink("link", to: "target")
        let store = MemoryBlockstore()
        let result = try UnixFSImporter(sink: store).importPath(directory.file("link"))
        #expect(result.root.kind == .symlink)
        let info = try UnixFSExporter(source: store).stat(result.cid)
        #expect(info.symlinkTarget == Array("target".utf8))
    }

    // MARK: Errors

    @Test func directoryWithoutRecursiveIsAnError() throws {
        let directory = TemporaryDirectory("unixfs")
        try directory.mkdir("d")
        let error = #expect(throws: UnixFSError.self) {
            try UnixFSImporter(sink: DiscardingBlockSink()).importPath(directory.file("d"))
        }
        #expect(error?.code == .unsupported)
        #expect(error?.description.contains("-r") == true)
    }

    @Test func missingPathNamesThePath() throws {
        let error = #expect(throws: UnixFSError.self) {
            try UnixFSImporter(sink: DiscardingBlockSink()).importPath("/nonexistent/shoal/file")
        }
        #expect(error?.code == .io)
        #expect(error?.description.contains("/nonexistent/shoal/file") == true)
    }

    @Test func fifoIsRefused() throws {
        let directory = TemporaryDirectory("unixfs")
        try directory.mkdir("d")
        #expect(mkfifo(directory.file("d/pipe"), 0o644) == 0)
        let error = #expect(throws: UnixFSError.self) {
            try UnixFSImporter(sink: DiscardingBlockSink()).importPath(directory.file("d"), options: ImportOptions(recursive: true))
        }
        #expect(error?.code == .unsupported)
        #expect(error?.description.contains("pipe") == true)
    }

    @Test func nonUTF8NameIsRefused() throws {
        let directory = TemporaryDirectory("unixfs")
        try directory.mkdir("d")
        let name = directory.file("d/").utf8CString.dropLast() + [CChar(bitPattern: 0xff), 0x41, 0]
        let fd = name.withUnsafeBufferPointer { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) }
        #expect(fd >= 0)
        close(fd)
        let error = #expect(throws: UnixFSError.self) {
            try UnixFSImporter(sink: DiscardingBlockSink()).importPath(directory.file("d"), options: ImportOptions(recursive: true))
        }
        #expect(error?.description.contains("UTF-8") == true)
    }

    @Test func sinkErrorsStopTheImport() throws {
        struct FullDisk: Error {}
        struct FailingSink: BlockSink { func put(_ block: Block) throws { throw FullDisk() } }
        #expect(throws: FullDisk.self) {
            try UnixFSImporter(sink: FailingSink()).importBytes([1, 2, 3])
        }
    }

    @Test func wrappingARootWithoutNameFails() throws {
        #expect(throws: UnixFSError.self) {
            try UnixFSImporter(sink: DiscardingBlockSink()).importPath("/", options: ImportOptions(recursive: true, wrapWithDirectory: true))
        }
    }
}
