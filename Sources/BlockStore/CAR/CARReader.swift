#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IPLD

/// Reads a CAR v1 stream one section at a time, with limits so a hostile file cannot make it
/// allocate more than a bounded amount of memory.
///
/// The reader checks framing only: a header within ``Limits/maxHeaderBytes``, sections within
/// ``Limits/maxSectionBytes``, each starting with a valid CID; a file that ends inside a
/// section is reported as truncated. It does **not** check that a block matches its CID: the
/// importer (``Repo/importCAR(from:pin:name:limits:)``) does, before storing anything.
///
/// ```swift
/// let reader = try CARReader(path: "in.car")
/// while let section = try reader.next() { print(section.cid, section.bytes.count) }
/// ```
public final class CARReader {
    /// Bounds on what a CAR may declare.
    public struct Limits: Sendable, Equatable {
        /// The largest header accepted (go-car's default is 32 MiB; a header with a thousand
        /// roots is about 40 KiB).
        public var maxHeaderBytes: Int
        /// The largest section (CID + block) accepted. IPFS blocks are at most 2 MiB in practice.
        public var maxSectionBytes: Int

        public init(maxHeaderBytes: Int = 1 << 20, maxSectionBytes: Int = 8 << 20) {
            self.maxHeaderBytes = maxHeaderBytes
            self.maxSectionBytes = maxSectionBytes
        }
    }

    /// One block as it appears in the CAR (not yet verified).
    public struct Section: Sendable {
        public let cid: CID
        public let bytes: [UInt8]
        /// The byte offset of the section's length prefix in the stream.
        public let offset: Int
        /// The section's 0-based position (0 is the first block after the header).
        public let index: Int
    }

    /// The longest CID accepted at the start of a section.
    static let maxCIDLength = 512

    public let header: CARHeader
    public var roots: [CID] { header.roots }
    public let limits: Limits

    private var input: InputBuffer
    private let ownsDescriptor: Bool
    private var sectionIndex = 0

    /// Opens the CAR at `path` and reads its header.
    ///
    /// - Throws: ``BlockStoreError/Code/badCAR`` for a malformed or oversized header,
    ///   ``BlockStoreError/Code/notFound`` when the file does not exist.
    public convenience init(path: String, limits: Limits = Limits()) throws {
        guard let fd = try SystemCall.openIfExists(path, O_RDONLY) else {
            throw BlockStoreError(.notFound, "no such file: \(path)")
        }
        do {
            try self.init(descriptor: fd, owns: true, label: path, limits: limits)
        } catch {
            close(fd)
            throw error
        }
    }

    /// Reads a CAR from an open descriptor (a pipe works; the caller keeps and closes it).
    public convenience init(fileDescriptor: Int32, label: String = "CAR input", limits: Limits = Limits()) throws {
        try self.init(descriptor: fileDescriptor, owns: false, label: label, limits: limits)
    }

    private init(descriptor: Int32, owns: Bool, label: String, limits: Limits) throws {
        var input = InputBuffer(fd: descriptor, label: label)
        self.header = try Self.readHeader(from: &input, limits: limits)
        self.input = input
        self.ownsDescriptor = owns
        self.limits = limits
    }

    deinit {
        if ownsDescriptor { close(input.fd) }
    }

    private static func readHeader(from input: inout InputBuffer, limits: Limits) throws -> CARHeader {
        let label = input.label
        try input.fill(atLeast: Varint.maxLength)
        if input.available == 0 { throw BlockStoreError(.badCAR, "\(label) is empty") }
        guard let length = input.readVarint() else {
            throw BlockStoreError(.badCAR, "\(label): the header length is not a valid varint")
        }
        guard length > 0 else { throw BlockStoreError(.badCAR, "\(label): the header is empty") }
        guard length <= UInt64(limits.maxHeaderBytes) else {
            throw BlockStoreError(.badCAR, "\(label): the header declares \(length) bytes, over the limit of \(limits.maxHeaderBytes)")
        }
        try input.fill(atLeast: Int(length))
        guard input.available >= Int(length) else {
            throw BlockStoreError(.badCAR, "\(label): the file ends inside the header")
        }
        let headerBytes = input.take(Int(length))
        do {
            return try CARHeader(decoding: headerBytes)
        } catch let error as BlockStoreError {
            throw BlockStoreError(error.code, "\(label): \(error.message)")
        }
    }

    /// The next section, or `nil` at the end of the CAR.
    ///
    /// - Throws: ``BlockStoreError/Code/badCAR`` naming the section's index and byte offset for a
    ///   truncated or oversized section, a zero-length section, or a section that does not start
    ///   with a valid CID.
    public func next() throws -> Section? {
        let sectionOffset = input.consumed
        let index = sectionIndex
        let place = "\(input.label): section \(index) at byte \(sectionOffset)"
        try input.fill(atLeast: Varint.maxLength)
        if input.available == 0 { return nil }  // a clean end between sections
        guard let length = input.readVarint() else {
            throw BlockStoreError(.badCAR, "\(place): invalid or truncated length prefix")
        }
        guard length > 0 else { throw BlockStoreError(.badCAR, "\(place): zero-length section") }
        guard length <= UInt64(limits.maxSectionBytes) else {
            throw BlockStoreError(.badCAR, "\(place): declares \(length) bytes, over the limit of \(limits.maxSectionBytes)")
        }
        let sectionLength = Int(length)

        // The CID: parsed from a bounded prefix of the section.
        let cidWindow = min(sectionLength, Self.maxCIDLength)
        try input.fill(atLeast: cidWindow)
        let head = input.peek(min(input.available, cidWindow))
        var cidLength = 0
        let cid: CID
        do {
            cid = try CID.decode(head, at: &cidLength)
        } catch let error as IPLDError {
            if head.count < cidWindow {
                throw BlockStoreError(.badCAR, "\(place): the file ends inside the section (truncated)")
            }
            throw BlockStoreError(.badCAR, "\(place): does not start with a valid CID (\(error.message))")
        }
        input.skip(cidLength)

        // The block: what is buffered is copied once; the rest is read straight into the array.
        let dataLength = sectionLength - cidLength
        let bytes = try input.read(dataLength)
        guard bytes.count == dataLength else {
            throw BlockStoreError(.badCAR, "\(place): the file ends inside the section (truncated, \(bytes.count) of \(dataLength) block bytes)")
        }
        sectionIndex += 1
        return Section(cid: cid, bytes: bytes, offset: sectionOffset, index: index)
    }
}

/// A read buffer over a file descriptor that refills in large chunks and tracks the stream offset.
struct InputBuffer {
    static let chunkSize = 1 << 20

    let fd: Int32
    let label: String
    private var storage: [UInt8] = []
    private var start = 0
    private var end = 0
    private var atEOF = false
    /// The stream offset of the next unread byte.
    private(set) var consumed = 0

    init(fd: Int32, label: String) {
        self.fd = fd
        self.label = label
    }

    /// Unread bytes in the buffer.
    var available: Int { end - start }

    /// Reads until at least `count` bytes are buffered or the input ends.
    mutating func fill(atLeast count: Int) throws {
        guard available < count, !atEOF else { return }
        if storage.count - start < count {
            // Compact, and grow when one item is larger than the buffer.
            let unread = available
            if storage.count >= count {
                let start = self.start
                storage.withUnsafeMutableBytes { raw in
                    if unread > 0 { raw.baseAddress!.copyMemory(from: raw.baseAddress! + start, byteCount: unread) }
                }
            } else {
                var fresh = [UInt8](repeating: 0, count: max(Self.chunkSize, count))
                if unread > 0 { fresh.replaceSubrange(0..<unread, with: storage[start..<end]) }
                storage = fresh
            }
            (start, end) = (0, unread)
        }
        while available < count, !atEOF {
            let room = storage.count - end
            let fd = self.fd, label = self.label, end = self.end
            let n = try storage.withUnsafeMutableBytes { raw in
                try SystemCall.readSome(fd, into: raw.baseAddress! + end, count: room, path: label)
            }
            if n == 0 { atEOF = true } else { self.end += n }
        }
    }

    /// Decodes a varint from the buffer (call ``fill(atLeast:)`` first); `nil` when invalid.
    mutating func readVarint() -> UInt64? {
        var offset = start
        guard let value = try? Varint.decode(storage[start..<end], at: &offset) else { return nil }
        skip(offset - start)
        return value
    }

    /// A copy of the next `count` buffered bytes, without consuming them.
    func peek(_ count: Int) -> [UInt8] { Array(storage[start..<(start + count)]) }

    /// Consumes `count` buffered bytes.
    mutating func skip(_ count: Int) {
        start += count
        consumed += count
    }

    /// Consumes and returns `count` buffered bytes.
    mutating func take(_ count: Int) -> [UInt8] {
        defer { skip(count) }
        return peek(count)
    }

    /// Consumes up to `count` bytes: the buffered ones, then straight from the descriptor into the
    /// result. Fewer than `count` only when the input ends.
    mutating func read(_ count: Int) throws -> [UInt8] {
        let fromBuffer = min(count, available)
        let fd = self.fd, label = self.label, start = self.start
        let result = try storage.withUnsafeBufferPointer { source in
            try [UInt8](unsafeUninitializedCapacity: count) { out, filled in
                filled = 0
                guard count > 0 else { return }
                _ = out.initialize(from: source[start..<(start + fromBuffer)])
                filled = fromBuffer
                while filled < count {
                    let n = try SystemCall.readSome(fd, into: out.baseAddress! + filled, count: count - filled, path: label)
                    if n == 0 { break }
                    filled += n
                }
            }
        }
        self.start += fromBuffer
        consumed += result.count
        if result.count < count { atEOF = true }
        return result
    }
}
