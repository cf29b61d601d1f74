#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IPLD

/// Writes a CAR v1 stream: a length-prefixed header, then one section per block,
/// `varint(len(cid) + len(data)) cid data` (ipld.io/specs/transport/car/carv1).
///
/// Output goes straight to a file descriptor. Small pieces (varints, CIDs, small blocks) are
/// gathered in a buffer; a large block is written from its own storage without a copy. The
/// writer does not deduplicate or order blocks: ``Repo/exportCAR(root:to:)`` does that.
///
/// ```swift
/// let writer = try CARWriter(path: "out.car", roots: [root])
/// try writer.write(block)
/// try writer.finish()
/// ```
public final class CARWriter {
    /// Blocks at least this large bypass the buffer.
    static let directWriteThreshold = 64 * 1024
    static let bufferCapacity = 256 * 1024

    private let fd: Int32
    private let ownsDescriptor: Bool
    private let label: String
    private var buffer: [UInt8] = []
    private var finished = false

    /// Bytes written so far, header included (the size of the CAR once finished).
    public private(set) var bytesWritten = 0
    /// Blocks written so far.
    public private(set) var blockCount = 0

    /// Writes the header for `roots` to an open descriptor (which the caller keeps and closes).
    ///
    /// - Parameter label: names the output in error messages (a path, or `"stdout"`).
    public init(fileDescriptor: Int32, roots: [CID], label: String = "CAR output") throws {
        self.fd = fileDescriptor
        self.ownsDescriptor = false
        self.label = label
        try start(roots: roots)
    }

    /// Creates (or truncates) the file at `path` and writes the header for `roots`.
    public init(path: String, roots: [CID]) throws {
        self.fd = try SystemCall.retrying("open", path) { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        self.ownsDescriptor = true
        self.label = path
        do {
            try start(roots: roots)
        } catch {
            close(fd)
            throw error
        }
    }

    deinit {
        if ownsDescriptor, !finished { close(fd) }
    }

    private func start(roots: [CID]) throws {
        buffer.reserveCapacity(Self.bufferCapacity)
        let header = CARHeader(roots: roots).encoded()
        Varint.append(UInt64(header.count), to: &buffer)
        buffer.append(contentsOf: header)
        bytesWritten = buffer.count
    }

    /// Appends a block's section. The caller is responsible for `bytes` matching `cid`.
    public func write(cid: CID, bytes: [UInt8]) throws {
        precondition(!finished, "CARWriter used after finish()")
        let cidBytes = cid.bytes
        let sectionLength = cidBytes.count + bytes.count
        Varint.append(UInt64(sectionLength), to: &buffer)
        buffer.append(contentsOf: cidBytes)
        if bytes.count >= Self.directWriteThreshold {
            try flushBuffer()
            try bytes.withUnsafeBytes { try SystemCall.writeAll(fd, $0, path: label) }
        } else {
            buffer.append(contentsOf: bytes)
            if buffer.count >= Self.bufferCapacity { try flushBuffer() }
        }
        bytesWritten += Varint.encodedLength(UInt64(sectionLength)) + sectionLength
        blockCount += 1
    }

    /// Appends a block's section.
    public func write(_ block: Block) throws {
        try write(cid: block.cid, bytes: block.bytes)
    }

    /// Writes out what is buffered and, when the writer opened the file, flushes and closes it.
    ///
    /// - Parameter sync: `fsync` the output before returning.
    public func finish(sync: Bool = false) throws {
        guard !finished else { return }
        try flushBuffer()
        if sync { _ = try SystemCall.retrying("fsync", label) { fsync(fd) } }
        finished = true
        if ownsDescriptor { _ = try SystemCall.retrying("close", label) { close(fd) } }
    }

    private func flushBuffer() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try SystemCall.writeAll(fd, $0, path: label) }
        buffer.removeAll(keepingCapacity: true)
    }
}
