import Foundation
import ShoalTesting
import Testing
@testable import UnixFS

@Suite struct ChunkerTests {
    /// A reader that hands out at most `step` bytes per call, like a pipe.
    struct TrickleReader: ByteReader {
        var inner: MemoryReader
        let step: Int
        mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer.prefix(step)))
        }
    }

    private func chunks(_ bytes: [UInt8], size: Int, step: Int) throws -> [[UInt8]] {
        var chunker = FixedSizeChunker(size: size, reader: TrickleReader(inner: MemoryReader(bytes), step: step))
        var buffer = [UInt8](repeating: 0, count: size)
        var out: [[UInt8]] = []
        while true {
            let n = try buffer.withUnsafeMutableBytes { try chunker.nextChunk(into: $0) }
            if n == 0 { return out }
            out.append(Array(buffer[..<n]))
        }
    }

    @Test func fillsEveryChunkEvenFromShortReads() throws {
        let bytes = SplitMix64.bytes(seed: 9, count: 1000)
        let pieces = try chunks(bytes, size: 300, step: 7)
        #expect(pieces.map(\.count) == [300, 300, 300, 100])
        #expect(Array(pieces.joined()) == bytes)
    }

    @Test func exactMultipleHasNoEmptyTail() throws {
        #expect(try chunks(SplitMix64.bytes(seed: 1, count: 600), size: 300, step: 1000).map(\.count) == [300, 300])
        #expect(try chunks([], size: 300, step: 10).isEmpty)
    }

    @Test func readsAFileDescriptor() throws {
        let directory = TemporaryDirectory("unixfs")
        let bytes = SplitMix64.bytes(seed: 2, count: 5000)
        try directory.write("f", bytes)
        let fd = open(directory.file("f"), O_RDONLY)
        defer { close(fd) }
        var chunker = FixedSizeChunker(size: 4096, reader: FileDescriptorReader(fd: fd, name: "f"))
        var buffer = [UInt8](repeating: 0, count: 4096)
        #expect(try buffer.withUnsafeMutableBytes { try chunker.nextChunk(into: $0) } == 4096)
        #expect(Array(buffer) == Array(bytes[..<4096]))
        #expect(try buffer.withUnsafeMutableBytes { try chunker.nextChunk(into: $0) } == 904)
        #expect(try buffer.withUnsafeMutableBytes { try chunker.nextChunk(into: $0) } == 0)
    }

    @Test func readErrorsNameTheInput() throws {
        var reader = FileDescriptorReader(fd: -1, name: "stdin")
        var buffer = [UInt8](repeating: 0, count: 8)
        let error = #expect(throws: UnixFSError.self) { try buffer.withUnsafeMutableBytes { try reader.read(into: $0) } }
        #expect(error?.description.contains("read 'stdin'") == true)
    }
}
