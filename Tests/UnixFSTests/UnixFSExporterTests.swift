import Foundation
import IPLD
import ShoalTesting
import Synchronization
import Testing
@testable import UnixFS

@Suite struct UnixFSExporterTests {
    /// A source that counts the blocks asked of it.
    final class CountingSource: BlockSource {
        let inner: MemoryBlockstore
        private let asked = Mutex<[CID]>([])
        init(_ inner: MemoryBlockstore) { self.inner = inner }
        func block(_ cid: CID) throws -> [UInt8] {
            asked.withLock { $0.append(cid) }
            return try inner.block(cid)
        }
        func has(_ cid: CID) throws -> Bool { try inner.has(cid) }
        var count: Int { asked.withLock { $0.count } }
        func reset() { asked.withLock { $0 = [] } }
    }

    private func imported(_ bytes: [UInt8], _ profile: ImportProfile) throws -> (MemoryBlockstore, CID) {
        let store = MemoryBlockstore()
        return (store, try UnixFSImporter(profile: profile, sink: store).importBytes(bytes).cid)
    }

    // MARK: Files

    @Test(arguments: KnownAnswerVectors.files.filter { $0.size <= 4_000_000 })
    func fileRoundTrips(vector: FileVector) throws {
        let bytes = vector.bytes
        let (store, cid) = try imported(bytes, vector.profile)
        #expect(cid.string == vector.cid)
        #expect(try UnixFSExporter(source: store).bytes(cid) == bytes)
    }

    /// Ranges at and around chunk and subtree boundaries, in every layout and leaf kind.
    @Test(arguments: [(true, ImportProfile.Layout.balanced), (false, .balanced), (true, .trickle), (false, .trickle)])
    func rangesMatchTheBytes(rawLeaves: Bool, layout: ImportProfile.Layout) throws {
        var profile = ImportProfile(cidVersion: .v1, rawLeaves: rawLeaves, chunker: .fixedSize(10), layout: layout)
        profile.maxLinks = 3
        let bytes = SplitMix64.bytes(seed: 5, count: 1234)
        let (store, cid) = try imported(bytes, profile)
        let exporter = UnixFSExporter(source: store)
        let offsets: [UInt64] = [0, 1, 9, 10, 11, 29, 30, 31, 89, 90, 91, 269, 270, 271, 1000, 1233, 1234]
        for offset in offsets {
            for length: UInt64? in [0, 1, 9, 10, 11, 100, 500, nil] {
                let end = min(Int(offset) + Int(length ?? UInt64(bytes.count)), bytes.count)
                #expect(try exporter.bytes(cid, offset: offset, length: length) == Array(bytes[Int(offset)..<end]),
                        "offset \(offset) length \(String(describing: length))")
            }
        }
    }

    @Test func rangeReadsOnlyTheBlocksOnItsPath() throws {
        var profile = ImportProfile.cidV1
        profile.chunker = .fixedSize(10)
        profile.maxLinks = 4
        let bytes = SplitMix64.bytes(seed: 6, count: 640)  // 64 leaves, 4 per node: 3 levels above the leaves
        let (store, cid) = try imported(bytes, profile)
        let source = CountingSource(store)
        let exporter = UnixFSExporter(source: source)
        #expect(try exporter.bytes(cid, offset: 333, length: 1) == [bytes[333]])
        #expect(source.count == 4)  // root, two inner nodes, one leaf
        source.reset()
        #expect(try exporter.bytes(cid, offset: 395, length: 10) == Array(bytes[395..<405]))
        #expect(source.count == 6)  // the two leaves straddle a subtree boundary at 400
    }

    @Test func rangeErrors() throws {
        let (store, cid) = try imported(SplitMix64.bytes(seed: 1, count: 100), .cidV1)
        let exporter = UnixFSExporter(source: store)
        #expect(try exporter.bytes(cid, offset: 100).isEmpty)
        #expect(try exporter.bytes(cid, offset: 90, length: 1000).count == 10)
        let error = #expect(throws: UnixFSError.self) { try exporter.bytes(cid, offset: 101) }
        #expect(error?.code == .invalidRange)
    }

    @Test func catWritesToAFileDescriptor() throws {
        let directory = TemporaryDirectory("unixfs")
        let bytes = SplitMix64.bytes(seed: 8, count: 700_000)
        let (store, cid) = try imported(bytes, .kuboDefault)
        let fd = open(directory.file("out"), O_WRONLY | O_CREAT, 0o644)
        let written = try UnixFSExporter(source: store).cat(cid, offset: 5, to: fd)
        close(fd)
        #expect(written == 699_995)
        #expect(try directory.read("out") == Array(bytes[5...]))
    }

    // MARK: Untrusted blocks

    @Test func corruptBlockIsNamed() throws {
        var profile = ImportProfile.cidV1
        profile.chunker = .fixedSize(100)
        let (store, cid) = try imported(SplitMix64.bytes(seed: 2, count: 1000), profile)
        let leaf = try PBNode(decoding: try store.block(cid)).links[3].hash
        store.corrupt(leaf, with: [1, 2, 3])
        let error = #expect(throws: UnixFSError.self) { try UnixFSExporter(source: store).bytes(cid) }
        #expect(error?.code == .corruptBlock)
        #expect(error?.description.contains(leaf.string) == true)
        // A range that does not cover the corrupt leaf still reads.
        #expect(try UnixFSExporter(source: store).bytes(cid, offset: 0, length: 300).count == 300)
    }

    @Test func missingBlockIsNamed() throws {
        var profile = ImportProfile.kuboDefault
        profile.chunker = .fixedSize(100)
        let (store, cid) = try imported(SplitMix64.bytes(seed: 3, count: 1000), profile)
        let leaf = try PBNode(decoding: try store.block(cid)).links[9].hash
        store.remove(leaf)
        let error = #expect(throws: UnixFSError.self) { try UnixFSExporter(source: store).bytes(cid) }
        #expect(error?.code == .missingBlock)
        #expect(error?.description.contains(leaf.string) == true)
        #expect(try UnixFSExporter(source: store).bytes(cid, length: 900).count == 900)
        let missingRoot = CID.sha256([42], codec: .raw)
        #expect(throws: UnixFSError.self) { try UnixFSExporter(source: store).stat(missingRoot) }
    }

    @Test func childThatLiesAboutItsSizeIsRefused() throws {
        let store = MemoryBlockstore()
        let leaf = Block(bytes: [1, 2, 3], codec: .raw)
        try store.put(leaf)
        let data = UnixFSData(type: .file, filesize: 4, blocksizes: [4]).encoded()
        let root = Block(bytes: PBNode(links: [PBLink(hash: leaf.cid, name: "", tsize: 3)], data: data).encoded(), codec: .dagPB)
        try store.put(root)
        let error = #expect(throws: UnixFSError.self) { try UnixFSExporter(source: store).bytes(root.cid) }
        #expect(error?.code == .invalidData)
    }

    @Test func identityCIDsNeedNoSource() throws {
        let cid = CID(codec: .raw, multihash: .identity(Array("inline".utf8)))
        #expect(try UnixFSExporter(source: MemoryBlockstore()).bytes(cid) == Array("inline".utf8))
    }

    // MARK: Directories

    private func importedTree(_ name: String = "nested", profile: ImportProfile = .cidV1) throws -> (MemoryBlockstore, CID, TemporaryDirectory) {
        let vector = try #require(KnownAnswerVectors.trees.first { $0.name == name })
        let directory = TemporaryDirectory("unixfs")
        let root = try vector.materialize(in: directory)
        let store = MemoryBlockstore()
        let result = try UnixFSImporter(profile: profile, sink: store)
            .importPath(root, options: ImportOptions(recursive: true, includeHidden: true))
        return (store, result.cid, directory)
    }

    @Test func getWritesTheTreeBack() throws {
        let (store, cid, source) = try importedTree()
        let out = TemporaryDirectory("unixfs")
        let written = try UnixFSExporter(source: store).get(cid, to: out.file("copy"))
        #expect(written == 1000 + 10 + 300_000 + 10 + 11 + 12 + 13 + 50 + 10 + 70_000)
        // Import the copy: the same CID means the same names, bytes and symlinks.
        let again = try UnixFSImporter(profile: .cidV1, sink: DiscardingBlockSink())
            .importPath(out.file("copy"), options: ImportOptions(recursive: true, includeHidden: true))
        #expect(again.cid == cid)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out.file("copy/link")) == "a.txt")
        #expect(try out.read("copy/b/c.bin") == source.read("nested/b/c.bin"))
        var info = stat()
        #expect(lstat(out.file("copy/b/dangling"), &info) == 0 && info.st_mode & S_IFMT == S_IFLNK)
    }

    /// Every tree vector written to disk and imported again gives the reference CID again (a
    /// wrapped tree comes back as a directory holding the tree, which imports unwrapped).
    @Test(arguments: KnownAnswerVectors.trees)
    func treeRoundTrips(vector: TreeVector) throws {
        let directory = TemporaryDirectory("unixfs")
        let store = MemoryBlockstore()
        let imported = try UnixFSImporter(profile: vector.profile, sink: store)
            .importPath(try vector.materialize(in: directory), options: vector.options)
        try UnixFSExporter(source: store).get(imported.cid, to: directory.file("copy"))
        var options = vector.options
        options.wrapWithDirectory = false
        let again = try UnixFSImporter(profile: vector.profile, sink: DiscardingBlockSink())
            .importPath(directory.file("copy"), options: options)
        #expect(again.cid.string == vector.cid)
    }

    @Test func getOfASingleFileAndSymlink() throws {
        let bytes = SplitMix64.bytes(seed: 4, count: 5000)
        let (store, cid) = try imported(bytes, .cidV1)
        let out = TemporaryDirectory("unixfs")
        try UnixFSExporter(source: store).get(cid, to: out.file("f"))
        #expect(try out.read("f") == bytes)
        let link = try UnixFSImporter(sink: store).buildSymlink(target: Array("../x".utf8))
        try UnixFSExporter(source: store).get(link.cid, to: out.file("l"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out.file("l")) == "../x")
    }

    /// A tree with a block missing deep inside leaves nothing behind: no target, no partial tree.
    @Test func getIsAllOrNothingWhenABlockIsMissing() throws {
        let (store, cid, _) = try importedTree()
        let deep = try UnixFSExporter(source: store).resolve("\(cid)/b/c.bin")
        store.remove(deep)
        let out = TemporaryDirectory("unixfs")
        let error = #expect(throws: UnixFSError.self) { try UnixFSExporter(source: store).get(cid, to: out.file("copy")) }
        #expect(error?.description.contains(deep.string) == true, "\(String(describing: error))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
        // A missing root fails too, and leaves nothing either.
        store.remove(cid)
        #expect(throws: UnixFSError.self) { try UnixFSExporter(source: store).get(cid, to: out.file("copy")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
    }

    @Test func stagingPathsAreHiddenSiblings() {
        let staged = UnixFSExporter.stagingPath(for: "/data/out/")
        #expect(staged.hasPrefix("/data/.out.partial-"))
        #expect(UnixFSExporter.stagingPath(for: "copy").hasPrefix(".copy.partial-"))
        #expect(UnixFSExporter.stagingPath(for: "copy") != UnixFSExporter.stagingPath(for: "copy"))
    }

    @Test func getRefusesAnExistingTarget() throws {
        let (store, cid) = try imported([1], .cidV1)
        let out = TemporaryDirectory("unixfs")
        try out.write("exists", [0])
        let error = #expect(throws: UnixFSError.self) { try UnixFSExporter(source: store).get(cid, to: out.file("exists")) }
        #expect(error?.code == .alreadyExists)
        #expect(try out.read("exists") == [0])
    }

    /// Directory entries whose names could escape or clobber are refused, and nothing escapes.
    @Test(arguments: ["..", ".", "", "a/b", "../../../../tmp/evil", "x\u{0}y"])
    func getRefusesEscapingNames(name: String) throws {
        let store = MemoryBlockstore()
        let payload = Block(bytes: Array("evil".utf8), codec: .raw)
        try store.put(payload)
        let dir = Block(bytes: PBNode(links: [PBLink(hash: payload.cid, name: name, tsize: 4)],
                                      data: UnixFSData(type: .directory).encoded()).encoded(), codec: .dagPB)
        try store.put(dir)
        let out = TemporaryDirectory("unixfs")
        let error = #expect(throws: UnixFSError.self) { try UnixFSExporter(source: store).get(dir.cid, to: out.file("t")) }
        #expect(error?.code == .unsafeName)
        #expect(error?.description.contains(dir.cid.string) == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
    }

    /// A symlink followed by a directory of the same name must not let writes go through the link.
    @Test func getRefusesDuplicateNames() throws {
        let store = MemoryBlockstore()
        let link = try UnixFSImporter(sink: store).buildSymlink(target: Array("/tmp".utf8))
        let file = Block(bytes: Array("x".utf8), codec: .raw)
        try store.put(file)
        let inner = Block(bytes: PBNode(links: [PBLink(hash: file.cid, name: "pwned", tsize: 1)],
                                        data: UnixFSData(type: .directory).encoded()).encoded(), codec: .dagPB)
        try store.put(inner)
        let dir = Block(bytes: PBNode(links: [PBLink(hash: link.cid, name: "d", tsize: 1), PBLink(hash: inner.cid, name: "d", tsize: 1)],
                                      data: UnixFSData(type: .directory).encoded()).encoded(), codec: .dagPB)
        try store.put(dir)
        let out = TemporaryDirectory("unixfs")
        let error = #expect(throws: UnixFSError.self) { try UnixFSExporter(source: store).get(dir.cid, to: out.file("t")) }
        #expect(error?.code == .unsafeName)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/pwned"))
    }

    @Test func lsListsKindsAndSizes() throws {
        let (store, cid, _) = try importedTree()
        let exporter = UnixFSExporter(source: store)
        let top = try exporter.ls(cid)
        #expect(top.map(\.name) == [".hidden", ".hiddendir", "Z-upper.txt", "a.txt", "b", "empty.txt", "link"])
        #expect(top.map(\.kind) == [.file, .directory, .file, .file, .directory, .file, .symlink])
        #expect(top.map(\.size) == [50, nil, 10, 1000, nil, 0, 5])
        #expect(top.allSatisfy { $0.dagSize != nil })
        let b = try exporter.ls(try exporter.resolve("\(cid)/b"), resolveTypes: false)
        #expect(b.count == 9)
        #expect(b.allSatisfy { $0.kind == nil && $0.size == nil })
        let error = #expect(throws: UnixFSError.self) { try exporter.ls(try exporter.resolve("\(cid)/a.txt")) }
        #expect(error?.code == .notADirectory)
    }

    @Test func resolvesPaths() throws {
        let (store, cid, _) = try importedTree()
        let exporter = UnixFSExporter(source: store)
        let file = try exporter.resolve("\(cid)/b/d2/deeper/f")
        #expect(try exporter.stat(file).size == 70_000)
        #expect(try exporter.resolve("/ipfs/\(cid)/b/d2/deeper/f") == file)
        #expect(try exporter.resolve("/\(cid)//b/./d2/../d2/deeper/f/") == file)
        #expect(try exporter.resolve("\(cid)/b/\u{e9}.txt") != exporter.resolve("\(cid)/b/e\u{301}.txt"))
        #expect(try exporter.resolve(cid.string) == cid)
        let missing = #expect(throws: UnixFSError.self) { try exporter.resolve("\(cid)/b/nope") }
        #expect(missing?.code == .notFound)
        #expect(missing?.description.contains("nope") == true)
        let throughFile = #expect(throws: UnixFSError.self) { try exporter.resolve("\(cid)/a.txt/x") }
        #expect(throughFile?.code == .notADirectory)
        #expect(throws: UnixFSError.self) { try exporter.resolve("\(cid)/..") }
        #expect(throws: IPLDError.self) { try exporter.resolve("notacid/x") }
    }

    /// The kubo-sharded vector: list and resolve through a real HAMT, and write it back.
    @Test func hamtDirectoryRoundTrips() throws {
        let (store, cid, _) = try importedTree("sharded", profile: .kuboDefault)
        let vector = try #require(KnownAnswerVectors.trees.first { $0.name == "sharded" })
        #expect(cid.string == vector.cid)
        let exporter = UnixFSExporter(source: store)
        #expect(try exporter.stat(cid).isSharded)
        let listed = try exporter.ls(cid, resolveTypes: false)
        #expect(listed.map(\.name) == vector.entries.map(\.path).sorted())
        let name = vector.entries[1234].path
        let entry = try exporter.resolve("\(cid)/\(name)")
        #expect(try exporter.bytes(entry) == SplitMix64.bytes(seed: 1234, count: 16))
        let out = TemporaryDirectory("unixfs")
        try exporter.get(cid, to: out.file("copy"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.file("copy")).count == 4000)
        let again = try UnixFSImporter(profile: .kuboDefault, sink: DiscardingBlockSink())
            .importPath(out.file("copy"), options: ImportOptions(recursive: true))
        #expect(again.cid == cid)
    }

    @Test func readingADirectoryAsAFileFails() throws {
        let (store, cid, _) = try importedTree()
        let error = #expect(throws: UnixFSError.self) { try UnixFSExporter(source: store).bytes(cid) }
        #expect(error?.code == .notAFile)
    }
}
