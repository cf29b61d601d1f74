#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A sequential source of bytes that a ``Chunker`` splits: an open file or a buffer in memory.
///
/// Readers write straight into the caller's buffer, so the bytes land in the block that will
/// hold them without an intermediate copy.
public protocol ByteReader {
    /// Reads up to `buffer.count` bytes into `buffer` and returns how many were read; `0` means
    /// the end of the input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Reads an open file descriptor (a file, a pipe, standard input). It does not close it.
public struct FileDescriptorReader: ByteReader {
    public let fd: Int32
    /// What to call the input in error messages.
    public let name: String

    public init(fd: Int32, name: String) {
        self.fd = fd
        self.name = name
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let fd = self.fd
        return try systemCall("read", name) { systemRead(fd, base, buffer.count) }
    }
}

/// `read(2)`, named so it does not clash with the protocol method.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// Reads bytes held in memory (tests, small inputs).
public struct MemoryReader: ByteReader {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + count)]))
        }
        offset += count
        return count
    }
}
