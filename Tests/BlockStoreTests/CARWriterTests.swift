import Foundation
import IPLD
import ShoalTesting
import Testing

@testable import BlockStore

@Suite struct CARWriterTests {
    @Test func writesTheSameBytesAsTheReference() throws {
        // From the reference oracle: car_write(f, [cid], [(cid, b"hello world")]).
        let expected = "3aa265726f6f747381d82a58250001551220b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde96776657273696f6e01"
            + "2f01551220b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde968656c6c6f20776f726c64"
        let dir = TemporaryDirectory()
        let block = Block(bytes: Array("hello world".utf8), codec: .raw)
        let writer = try CARWriter(path: dir.file("a.car"), roots: [block.cid])
        try writer.write(block)
        try writer.finish()
        let written = try readBytes(dir.file("a.car"))
        #expect(hex(written) == expected)
        #expect(writer.bytesWritten == written.count)
        #expect(writer.blockCount == 1)
    }

    @Test func largeAndSmallBlocksInterleaveInOrder() throws {
        // Blocks over the direct-write threshold bypass the buffer; order must still hold.
        let dir = TemporaryDirectory()
        let blocks = [10, CARWriter.directWriteThreshold + 1, 5, 300_000, 1].enumerated().map {
            TestDAG.rawLeaf(seed: UInt64($0.offset), size: $0.element)
        }
        let writer = try CARWriter(path: dir.file("b.car"), roots: [blocks[0].cid])
        for block in blocks { try writer.write(block) }
        try writer.finish()
        let reader = try CARReader(path: dir.file("b.car"))
        var read: [Block] = []
        while let section = try reader.next() { read.append(Block(trusted: section.cid, bytes: section.bytes)) }
        #expect(read == blocks)
        #expect(try readBytes(dir.file("b.car")).count == writer.bytesWritten)
    }

    @Test func writesToADescriptor() throws {
        let dir = TemporaryDirectory()
        let fd = open(dir.file("c.car"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        let block = TestDAG.rawLeaf(seed: 1)
        let writer = try CARWriter(fileDescriptor: fd, roots: [block.cid], label: "c.car")
        try writer.write(block)
        try writer.finish()
        #expect(try CARReader(path: dir.file("c.car")).roots == [block.cid])
    }

    @Test func anUnwritableOutputIsAClearError() {
        let error = #expect(throws: BlockStoreError.self) { try CARWriter(path: "/nonexistent-dir/x.car", roots: []) }
        #expect(error?.code == .io)
        #expect(error?.message.contains("/nonexistent-dir/x.car") == true)
    }
}
