import BlockStore
import Hummingbird
import IPLD

/// Decodes a CAR v1 stream that arrives in pieces (an HTTP body), one section at a time.
///
/// The push-driven twin of ``BlockStore/CARReader``, with its rules and its
/// ``BlockStore/CARReader/Limits``: a header within `maxHeaderBytes` decoded by
/// ``BlockStore/CARHeader``, sections within `maxSectionBytes`, each starting with a valid CID.
/// It checks framing only; the caller verifies each block against its CID. Feed it with
/// ``append(_:)``, drain it with ``next()`` until that returns `nil`, and call ``finish()``
/// when the stream ends: a stream that stops inside the header or a section is truncated.
///
/// Only the unread bytes are kept: a chunk that holds whole sections is decoded in place.
struct CARStreamDecoder {
    /// A section as it arrived (not yet verified).
    struct Section {
        let cid: CID
        let bytes: [UInt8]
        /// The byte offset of the section's length prefix in the stream.
        let offset: Int
        /// 0 for the first block after the header.
        let index: Int
    }

    /// The longest CID accepted at the start of a section (as ``BlockStore/CARReader``).
    static let maxCIDLength = 512

    let limits: CARReader.Limits
    private var buffer = ByteBuffer()
    /// Stream offset of the buffer's reader index.
    private var consumed = 0
    private var sectionIndex = 0
    /// The header, once it has arrived.
    private(set) var header: CARHeader?

    init(limits: CARReader.Limits) {
        self.limits = limits
    }

    /// Adds the next piece of the stream.
    mutating func append(_ chunk: ByteBuffer) {
        if buffer.readableBytes == 0 {
            buffer = chunk
        } else {
            if buffer.readerIndex > 1 << 20 { buffer.discardReadBytes() }
            var chunk = chunk
            buffer.writeBuffer(&chunk)
        }
    }

    /// The next complete section, or `nil` when more bytes are needed. Reads the header first.
    ///
    /// - Throws: ``GatewayError/Code/badBlock`` for malformed framing or a header that is not
    ///   a CAR v1 header; ``GatewayError/Code/tooLarge`` for a header or section over the limits.
    mutating func next() throws(GatewayError) -> Section? {
        if header == nil {
            guard try readHeader() else { return nil }
        }
        let place = "CAR section \(sectionIndex) at byte \(consumed)"
        guard let (length, prefixLength) = try peekVarint(place) else { return nil }
        guard length > 0 else { throw GatewayError(.badBlock, "\(place): zero-length section") }
        guard length <= UInt64(limits.maxSectionBytes) else {
            throw GatewayError(.tooLarge, "\(place) declares \(length) bytes, over the limit of \(limits.maxSectionBytes)")
        }
        let sectionLength = Int(length)
        guard buffer.readableBytes >= prefixLength + sectionLength else { return nil }

        let cidWindow = min(sectionLength, Self.maxCIDLength)
        let head = buffer.getBytes(at: buffer.readerIndex + prefixLength, length: cidWindow) ?? []
        var cidLength = 0
        let cid: CID
        do {
            cid = try CID.decode(head, at: &cidLength)
        } catch {
            throw GatewayError(.badBlock, "\(place) does not start with a valid CID (\(error))")
        }
        let offset = consumed
        buffer.moveReaderIndex(forwardBy: prefixLength + cidLength)
        let bytes = buffer.readBytes(length: sectionLength - cidLength) ?? []
        consumed += prefixLength + sectionLength
        defer { sectionIndex += 1 }
        return Section(cid: cid, bytes: bytes, offset: offset, index: sectionIndex)
    }

    /// Checks that the stream ended between sections, after a header.
    ///
    /// - Throws: ``GatewayError/Code/truncated`` when it ended inside the header or a section.
    func finish() throws(GatewayError) {
        guard header != nil else {
            throw GatewayError(.truncated, buffer.readableBytes == 0 ? "the CAR stream is empty" : "the CAR stream ends inside its header")
        }
        if buffer.readableBytes > 0 {
            throw GatewayError(.truncated, "the CAR stream ends inside section \(sectionIndex) (at byte \(consumed), \(buffer.readableBytes) bytes of it received)")
        }
    }

    /// Bytes received but not yet decoded.
    var pendingBytes: Int { buffer.readableBytes }

    // MARK: Framing

    private mutating func readHeader() throws(GatewayError) -> Bool {
        guard let (length, prefixLength) = try peekVarint("CAR header") else { return false }
        guard length > 0 else { throw GatewayError(.badBlock, "the CAR header is empty") }
        guard length <= UInt64(limits.maxHeaderBytes) else {
            throw GatewayError(.tooLarge, "the CAR header declares \(length) bytes, over the limit of \(limits.maxHeaderBytes)")
        }
        guard buffer.readableBytes >= prefixLength + Int(length) else { return false }
        buffer.moveReaderIndex(forwardBy: prefixLength)
        let bytes = buffer.readBytes(length: Int(length)) ?? []
        do {
            header = try CARHeader(decoding: bytes)
        } catch {
            throw GatewayError(.badBlock, "the CAR header is not valid: \(error)")
        }
        consumed += prefixLength + Int(length)
        return true
    }

    /// The varint at the reader index and its length, or `nil` when it is not complete yet.
    private func peekVarint(_ place: String) throws(GatewayError) -> (UInt64, Int)? {
        let view = buffer.readableBytesView
        guard !view.isEmpty else { return nil }
        var index = view.startIndex
        do {
            let value = try Varint.decode(view, at: &index)
            return (value, index - view.startIndex)
        } catch {
            // A varint that fails on fewer bytes than the longest one may just be incomplete.
            if view.count < Varint.maxLength, view.allSatisfy({ $0 & 0x80 != 0 }) { return nil }
            throw GatewayError(.badBlock, "\(place): invalid length prefix")
        }
    }
}
