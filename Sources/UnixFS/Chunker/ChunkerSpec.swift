/// How a file's bytes are split into leaf chunks: the `--chunker` setting.
///
/// Only fixed-size splitting exists today (`size-N`); content-defined chunkers (rabin, buzhash)
/// can be added as new cases. The string forms follow boxo's `chunker/parse.go`.
public enum ChunkerSpec: Hashable, Sendable, CustomStringConvertible {
    /// Chunks of exactly `n` bytes, the last one shorter.
    case fixedSize(Int)

    /// kubo's default: `size-262144` (boxo `chunker.DefaultBlockSize` = 256 KiB).
    public static let defaultChunkSize = 256 * 1024

    /// The largest chunk boxo accepts: 1 MiB (`chunker.ChunkSizeLimit`), so that no leaf block is
    /// larger than the 1 MiB block size peers agree to exchange.
    public static let maxChunkSize = 1024 * 1024

    /// `size-262144`.
    public static let `default` = ChunkerSpec.fixedSize(defaultChunkSize)

    /// Parses `size-N`, or `default` / the empty string for ``default``.
    ///
    /// - Throws: ``UnixFSError/Code/invalidChunker`` when the string is not `size-N`, `N` is not a
    ///   decimal number, is zero, or exceeds ``maxChunkSize``.
    public init(parsing text: String) throws {
        if text.isEmpty || text == "default" {
            self = .default
            return
        }
        guard text.hasPrefix("size-") else {
            throw UnixFSError(.invalidChunker, "'\(text.prefix(40))' is not supported (expected size-N, e.g. size-262144)")
        }
        let digits = text.dropFirst("size-".count)
        guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let size = Int(digits)
        else {
            throw UnixFSError(.invalidChunker, "'\(text.prefix(40))': chunk size must be a decimal number of bytes")
        }
        guard size > 0 else {
            throw UnixFSError(.invalidChunker, "'\(text)': chunk size must be greater than 0")
        }
        guard size <= Self.maxChunkSize else {
            throw UnixFSError(.invalidChunker, "'\(text)': chunk size may not exceed \(Self.maxChunkSize) bytes (1 MiB)")
        }
        self = .fixedSize(size)
    }

    /// The largest chunk this spec produces.
    public var maxChunkSize: Int {
        switch self {
        case .fixedSize(let n): n
        }
    }

    /// The `size-N` form.
    public var description: String {
        switch self {
        case .fixedSize(let n): "size-\(n)"
        }
    }
}
