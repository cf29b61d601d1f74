/// dag-pb: the protobuf-based codec that UnixFS files and directories are stored in.
///
/// The format is fixed by the dag-pb spec (ipld.io/specs/codecs/dag-pb/spec/):
///
/// ```protobuf
/// message PBLink { optional bytes Hash = 1; optional string Name = 2; optional uint64 Tsize = 3; }
/// message PBNode { repeated PBLink Links = 2; optional bytes Data = 1; }
/// ```
///
/// Links are written before Data (although Data has the lower field number), and each link's
/// fields in the order Hash, Name, Tsize. The decoder is strict: it rejects fields out of this
/// order, unknown fields, duplicated fields, links without a hash and trailing bytes, so every
/// node has exactly one encoding and one CID.
public struct PBNode: Hashable, Sendable {
    public var links: [PBLink]
    /// The node's payload; `nil` (absent) is different from empty (present, zero bytes).
    public var data: [UInt8]?

    public init(links: [PBLink] = [], data: [UInt8]? = nil) {
        self.links = links
        self.data = data
    }

    /// The canonical dag-pb encoding of this node.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encodedLength)
        for link in links {
            Protobuf.appendKey(field: 2, wireType: .lengthDelimited, to: &out)
            Protobuf.appendVarint(UInt64(link.encodedLength), to: &out)
            link.append(to: &out)
        }
        if let data {
            Protobuf.appendBytes(field: 1, data, to: &out)
        }
        return out
    }

    /// The exact number of bytes ``encoded()`` produces.
    public var encodedLength: Int {
        var n = 0
        for link in links { n += Protobuf.bytesFieldLength(field: 2, length: link.encodedLength) }
        if let data { n += Protobuf.bytesFieldLength(field: 1, length: data.count) }
        return n
    }

    /// Decodes a dag-pb block strictly.
    ///
    /// - Throws: ``IPLDError/Code/invalidDagPB`` naming the offending offset or field.
    public init(decoding bytes: [UInt8]) throws {
        var reader = Protobuf.Reader(bytes, errorCode: .invalidDagPB)
        var links: [PBLink] = []
        var data: [UInt8]?
        while !reader.isAtEnd {
            let key = try reader.readKey()
            guard key.wireType == Protobuf.WireType.lengthDelimited.rawValue else {
                throw IPLDError(.invalidDagPB, "field \(key.field) has wire type \(key.wireType), expected 2")
            }
            switch key.field {
            case 2:
                guard data == nil else { throw IPLDError(.invalidDagPB, "link after Data field") }
                let range = try reader.readLengthDelimited()
                links.append(try PBLink(decoding: bytes, range: range))
            case 1:
                guard data == nil else { throw IPLDError(.invalidDagPB, "duplicate Data field") }
                data = Array(bytes[try reader.readLengthDelimited()])
            default:
                throw IPLDError(.invalidDagPB, "unknown PBNode field \(key.field)")
            }
        }
        self.links = links
        self.data = data
    }
}

/// A named link from one dag-pb node to another block, with the cumulative size of its target.
public struct PBLink: Hashable, Sendable {
    public var hash: CID
    public var name: String?
    /// The total encoded size of the target DAG (UnixFS calls this the link's `Tsize`).
    public var tsize: UInt64?

    public init(hash: CID, name: String? = nil, tsize: UInt64? = nil) {
        self.hash = hash
        self.name = name
        self.tsize = tsize
    }

    var encodedLength: Int {
        var n = Protobuf.bytesFieldLength(field: 1, length: hash.bytes.count)
        if let name { n += Protobuf.bytesFieldLength(field: 2, length: name.utf8.count) }
        if let tsize { n += 1 + Varint.encodedLength(tsize) }
        return n
    }

    func append(to out: inout [UInt8]) {
        Protobuf.appendBytes(field: 1, hash.bytes, to: &out)
        if let name { Protobuf.appendBytes(field: 2, Array(name.utf8), to: &out) }
        if let tsize { Protobuf.appendVarintField(field: 3, tsize, to: &out) }
    }

    init(decoding bytes: [UInt8], range: Range<Int>) throws {
        var reader = Protobuf.Reader(bytes, range: range, errorCode: .invalidDagPB)
        var hash: CID?
        var name: String?
        var tsize: UInt64?
        var lastField: UInt64 = 0
        while !reader.isAtEnd {
            let key = try reader.readKey()
            guard key.field > lastField else {
                throw IPLDError(.invalidDagPB, "PBLink field \(key.field) out of order or repeated")
            }
            lastField = key.field
            switch (key.field, key.wireType) {
            case (1, 2):
                let r = try reader.readLengthDelimited()
                do { hash = try CID(bytes: bytes[r]) } catch let error as IPLDError {
                    throw IPLDError(.invalidDagPB, "link hash is not a CID: \(error.message)")
                }
            case (2, 2):
                let r = try reader.readLengthDelimited()
                guard let text = String(validating: bytes[r], as: UTF8.self) else {
                    throw IPLDError(.invalidDagPB, "link name is not valid UTF-8")
                }
                name = text
            case (3, 0):
                tsize = try reader.readVarint()
            default:
                throw IPLDError(.invalidDagPB, "unknown PBLink field \(key.field) (wire type \(key.wireType))")
            }
        }
        guard let hash else { throw IPLDError(.invalidDagPB, "link without a Hash") }
        self.hash = hash
        self.name = name
        self.tsize = tsize
    }
}
