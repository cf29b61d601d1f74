/// Splits a byte stream into the chunks that become a file's leaves.
///
/// A chunker fills a buffer its caller provides (the leaf block under construction), so chunk
/// bytes are read once, straight into the block that keeps them.
public protocol Chunker {
    /// The largest chunk ``nextChunk(into:)`` returns; the buffer must be at least this big.
    var maxChunkSize: Int { get }

    /// Reads the next chunk into the start of `buffer` and returns its length; `0` at the end.
    mutating func nextChunk(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Fixed-size chunks (`size-N`): every chunk is exactly `size` bytes except the last.
///
/// Like boxo's `SizeSplitter` it keeps reading until the chunk is full or the input ends
/// (`io.ReadFull`), so chunk boundaries do not depend on how the reader delivers bytes
/// (a pipe may return less than asked).
public struct FixedSizeChunker<Reader: ByteReader>: Chunker {
    public let size: Int
    private var reader: Reader
    private var finished = false

    /// - Precondition: `size` is in `1...ChunkerSpec.maxChunkSize` (``ChunkerSpec`` checks this).
    public init(size: Int, reader: Reader) {
        precondition(size > 0, "chunk size must be positive")
        self.size = size
        self.reader = reader
    }

    public var maxChunkSize: Int { size }

    public mutating func nextChunk(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        precondition(buffer.count >= size, "chunk buffer smaller than the chunk size")
        var filled = 0
        while filled < size && !finished {
            let n = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<size]))
            if n == 0 { finished = true } else { filled += n }
        }
        return filled
    }
}

extension ChunkerSpec {
    /// A chunker of this kind over `reader`.
    public func chunker<Reader: ByteReader>(over reader: Reader) -> FixedSizeChunker<Reader> {
        switch self {
        case .fixedSize(let n): FixedSizeChunker(size: n, reader: reader)
        }
    }
}
