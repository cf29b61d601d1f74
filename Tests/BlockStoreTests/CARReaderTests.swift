import Foundation
import IPLD
import ShoalTesting
import Testing

@testable import BlockStore

@Suite struct CARReaderTests {
    /// A CAR of a small tree with one block large enough to span reads.
    func sample(_ dir: TemporaryDirectory) throws -> (path: String, blocks: [Block]) {
        let blocks = TestDAG.tree(seed: 3, fanout: 4, leafSize: 700) + [TestDAG.rawLeaf(seed: 50, size: 200_000)]
        let path = dir.file("sample.car")
        let writer = try CARWriter(path: path, roots: [blocks[0].cid])
        for block in blocks { try writer.write(block) }
        try writer.finish()
        return (path, blocks)
    }

    func readAll(_ reader: CARReader) throws -> [CARReader.Section] {
        var sections: [CARReader.Section] = []
        while let section = try reader.next() { sections.append(section) }
        return sections
    }

    @Test func readsSectionsWithTheirOffsets() throws {
        let dir = TemporaryDirectory()
        let (path, blocks) = try sample(dir)
        let reader = try CARReader(path: path)
        #expect(reader.roots == [blocks[0].cid])
        let sections = try readAll(reader)
        #expect(sections.map(\.cid) == blocks.map(\.cid))
        #expect(sections.map(\.bytes) == blocks.map(\.bytes))
        #expect(sections.map(\.index) == Array(0..<blocks.count))
        let headerSize = CARHeader(roots: [blocks[0].cid]).encoded().count + 1
        #expect(sections[0].offset == headerSize)
        #expect(try reader.next() == nil)  // stays at the end
    }

    @Test func readsFromAPipeInSmallPieces() throws {
        let dir = TemporaryDirectory()
        let (path, blocks) = try sample(dir)
        let bytes = try readBytes(path)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let writeEnd = fds[1]
        let writerThread = Thread {
            // Dribble the CAR through the pipe so sections straddle reads.
            var offset = 0
            while offset < bytes.count {
                let n = min(997, bytes.count - offset)
                _ = bytes[offset..<(offset + n)].withUnsafeBytes { write(writeEnd, $0.baseAddress!, n) }
                offset += n
            }
            close(writeEnd)
        }
        writerThread.start()
        defer { close(fds[0]) }
        let reader = try CARReader(fileDescriptor: fds[0], label: "stdin")
        #expect(try readAll(reader).map(\.cid) == blocks.map(\.cid))
    }

    @Test func everyTruncationIsDetected() throws {
        let dir = TemporaryDirectory()
        let small = TestDAG.tree(seed: 1, fanout: 2, leafSize: 40)
        let path = dir.file("small.car")
        let writer = try CARWriter(path: path, roots: [small[0].cid])
        for block in small { try writer.write(block) }
        try writer.finish()
        let full = try readBytes(path)
        let reader = try CARReader(path: path)
        var boundaries = Set(try readAll(reader).map(\.offset))
        boundaries.insert(full.count)
        // Cut the file at every byte: a cut on a section boundary is a shorter valid CAR,
        // any other cut is a clear error, never a crash or a silently short block.
        for cut in 0..<full.count {
            try writeBytes(Array(full.prefix(cut)), to: dir.file("cut.car"))
            do {
                let sections = try readAll(try CARReader(path: dir.file("cut.car")))
                #expect(boundaries.contains(cut), "cut at \(cut) read \(sections.count) sections without error")
            } catch let error as BlockStoreError {
                #expect(error.code == .badCAR)
                #expect(!boundaries.contains(cut) || cut < boundaries.min()!, "cut at \(cut): \(error)")
            }
        }
    }

    @Test func aHugeDeclaredHeaderIsRefusedBeforeAllocating() throws {
        let dir = TemporaryDirectory()
        var bytes: [UInt8] = []
        Varint.append(1 << 40, to: &bytes)
        try writeBytes(bytes, to: dir.file("h.car"))
        let error = #expect(throws: BlockStoreError.self) { try CARReader(path: dir.file("h.car")) }
        #expect(error?.message.contains("over the limit") == true)
    }

    @Test func anOversizedSectionIsRefusedBeforeAllocating() throws {
        let dir = TemporaryDirectory()
        var bytes = [UInt8]()
        let header = CARHeader(roots: []).encoded()
        Varint.append(UInt64(header.count), to: &bytes)
        bytes += header
        Varint.append(1 << 50, to: &bytes)
        bytes += [1, 2, 3]
        try writeBytes(bytes, to: dir.file("s.car"))
        let reader = try CARReader(path: dir.file("s.car"), limits: .init(maxSectionBytes: 1 << 20))
        let error = #expect(throws: BlockStoreError.self) { try reader.next() }
        #expect(error?.code == .badCAR)
        #expect(error?.message.contains("section 0") == true)
        #expect(error?.message.contains("over the limit") == true)
    }

    @Test func limitsAreConfigurable() throws {
        let dir = TemporaryDirectory()
        let (path, _) = try sample(dir)
        let small = try CARReader(path: path, limits: .init(maxSectionBytes: 100_000))
        let error = #expect(throws: BlockStoreError.self) { try readAll(small) }
        #expect(error?.message.contains("section 5") == true)
        #expect(throws: BlockStoreError.self) { try CARReader(path: path, limits: .init(maxHeaderBytes: 10)) }
    }

    @Test func zeroLengthSectionsAndBadCIDsAreRefused() throws {
        let dir = TemporaryDirectory()
        let header = CARHeader(roots: []).encoded()
        let prefix = [UInt8(header.count)] + header
        try writeBytes(prefix + [0], to: dir.file("z.car"))
        let zero = #expect(throws: BlockStoreError.self) { try CARReader(path: dir.file("z.car")).next() }
        #expect(zero?.message.contains("zero-length") == true)
        try writeBytes(prefix + [5, 0x07, 1, 2, 3, 4], to: dir.file("c.car"))
        let badCID = #expect(throws: BlockStoreError.self) { try CARReader(path: dir.file("c.car")).next() }
        #expect(badCID?.message.contains("valid CID") == true)
    }

    @Test func garbageAndEmptyFilesAreRefused() throws {
        let dir = TemporaryDirectory()
        for seed in 0..<50 {
            try writeBytes(SplitMix64.bytes(seed: UInt64(seed), count: 64 + seed * 13), to: dir.file("g.car"))
            #expect(throws: BlockStoreError.self, "seed \(seed)") {
                let reader = try CARReader(path: dir.file("g.car"))
                _ = try readAll(reader)
            }
        }
        try writeBytes([], to: dir.file("e.car"))
        let empty = #expect(throws: BlockStoreError.self) { try CARReader(path: dir.file("e.car")) }
        #expect(empty?.message.contains("is empty") == true)
        let missing = #expect(throws: BlockStoreError.self) { try CARReader(path: dir.file("none.car")) }
        #expect(missing?.code == .notFound)
    }
}

extension CARReader.Section: Equatable {
    public static func == (a: Self, b: Self) -> Bool { a.cid == b.cid && a.bytes == b.bytes && a.offset == b.offset }
}
