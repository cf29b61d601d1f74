import IPLD

/// The UnixFS `Data` message: what a dag-pb node's `Data` field holds in a UnixFS DAG.
///
/// The schema is fixed by the UnixFS spec (specs.ipfs.tech/unixfs):
///
/// ```protobuf
/// message Data {
///   enum DataType { Raw = 0; Directory = 1; File = 2; Metadata = 3; Symlink = 4; HAMTShard = 5; }
///   required DataType Type = 1;
///   optional bytes Data = 2;           // file bytes, symlink target, HAMT bitfield
///   optional uint64 filesize = 3;
///   repeated uint64 blocksizes = 4;    // one per link of a file node
///   optional uint64 hashType = 5;      // HAMT: 0x22 (murmur3-x64-64)
///   optional uint64 fanout = 6;        // HAMT: buckets per shard
///   optional uint32 mode = 7;
///   optional UnixTime mtime = 8;
/// }
/// message UnixTime { required int64 Seconds = 1; optional fixed32 FractionalNanoseconds = 2; }
/// ```
///
/// ``encoded()`` writes fields in field-number order with `blocksizes` unpacked, exactly as the
/// Go protobuf code in kubo/boxo does, so the bytes (and therefore the CIDs) are identical.
/// ``init(decoding:)`` is strict: a missing or unknown `Type`, an unknown field, a wrong wire
/// type, a repeated singular field, a truncated field or an out-of-range `mtime` are errors.
public struct UnixFSData: Hashable, Sendable {
    /// The kind of UnixFS node.
    public enum DataType: UInt64, Sendable, Hashable, CustomStringConvertible {
        /// A file chunk wrapped in dag-pb (legacy; trickle leaves when raw leaves are off).
        case raw = 0
        case directory = 1
        case file = 2
        /// Reserved by the spec; never produced, rejected on read.
        case metadata = 3
        case symlink = 4
        /// One node of a HAMT-sharded directory.
        case hamtShard = 5

        public var description: String {
            switch self {
            case .raw: "raw"
            case .directory: "directory"
            case .file: "file"
            case .metadata: "metadata"
            case .symlink: "symlink"
            case .hamtShard: "HAMT shard"
            }
        }
    }

    public var type: DataType
    /// Inline bytes: file content, a symlink's target, or a HAMT shard's bitfield. `nil` is absent.
    public var data: [UInt8]?
    public var filesize: UInt64?
    public var blocksizes: [UInt64]
    public var hashType: UInt64?
    public var fanout: UInt64?
    public var mode: UInt32?
    public var mtime: UnixTime?

    public init(
        type: DataType, data: [UInt8]? = nil, filesize: UInt64? = nil, blocksizes: [UInt64] = [],
        hashType: UInt64? = nil, fanout: UInt64? = nil, mode: UInt32? = nil, mtime: UnixTime? = nil
    ) {
        self.type = type
        self.data = data
        self.filesize = filesize
        self.blocksizes = blocksizes
        self.hashType = hashType
        self.fanout = fanout
        self.mode = mode
        self.mtime = mtime
    }

    // MARK: Encoding

    /// The protobuf encoding, field by field in number order (as kubo writes it).
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16 + (data?.count ?? 0) + blocksizes.count * 5)
        Protobuf.appendVarintField(field: 1, type.rawValue, to: &out)
        if let data { Protobuf.appendBytes(field: 2, data, to: &out) }
        if let filesize { Protobuf.appendVarintField(field: 3, filesize, to: &out) }
        for size in blocksizes { Protobuf.appendVarintField(field: 4, size, to: &out) }
        if let hashType { Protobuf.appendVarintField(field: 5, hashType, to: &out) }
        if let fanout { Protobuf.appendVarintField(field: 6, fanout, to: &out) }
        if let mode { Protobuf.appendVarintField(field: 7, UInt64(mode), to: &out) }
        if let mtime { Protobuf.appendBytes(field: 8, mtime.encoded(), to: &out) }
        return out
    }

    // MARK: Decoding

    /// Decodes a UnixFS `Data` message strictly.
    ///
    /// - Throws: ``UnixFSError/Code/invalidData`` naming the problem.
    public init(decoding bytes: [UInt8]) throws {
        let parsed = try Parsed(bytes, range: bytes.startIndex..<bytes.endIndex)
        self = parsed.fields
        self.data = parsed.dataRange.map { Array(bytes[$0]) }
    }

    /// A decoded message whose `Data` field is left in place as a range of the input, so file
    /// bytes are not copied while exporting.
    struct Parsed {
        /// Every field except `data`, which is `nil` here.
        var fields: UnixFSData
        var dataRange: Range<Int>?

        init(_ bytes: [UInt8], range: Range<Int>) throws {
            do {
                self = try Parsed.parse(bytes, range: range)
            } catch let error as IPLDError {
                throw UnixFSError(.invalidData, error.message)
            }
        }

        private static func parse(_ bytes: [UInt8], range: Range<Int>) throws -> Parsed {
            var reader = Protobuf.Reader(bytes, range: range, errorCode: .invalidDagPB)
            var type: DataType?
            var dataRange: Range<Int>?
            var fields = UnixFSData(type: .raw)
            var seen: Set<UInt64> = []
            while !reader.isAtEnd {
                let key = try reader.readKey()
                if key.field != 4 {
                    guard seen.insert(key.field).inserted else {
                        throw UnixFSError(.invalidData, "field \(key.field) appears twice")
                    }
                }
                switch (key.field, key.wireType) {
                case (1, 0):
                    let raw = try reader.readVarint()
                    guard let known = DataType(rawValue: raw) else {
                        throw UnixFSError(.invalidData, "unknown Type \(raw)")
                    }
                    type = known
                case (2, 2): dataRange = try reader.readLengthDelimited()
                case (3, 0): fields.filesize = try reader.readVarint()
                case (4, 0): fields.blocksizes.append(try reader.readVarint())
                case (4, 2):
                    // Packed form: accepted on read (protobuf parsers must), never written.
                    let packed = try reader.readLengthDelimited()
                    var inner = Protobuf.Reader(bytes, range: packed, errorCode: .invalidDagPB)
                    while !inner.isAtEnd { fields.blocksizes.append(try inner.readVarint()) }
                case (5, 0): fields.hashType = try reader.readVarint()
                case (6, 0): fields.fanout = try reader.readVarint()
                case (7, 0):
                    let mode = try reader.readVarint()
                    guard mode <= UInt64(UInt32.max) else {
                        throw UnixFSError(.invalidData, "mode \(mode) does not fit in 32 bits")
                    }
                    fields.mode = UInt32(mode)
                case (8, 2):
                    let sub = try reader.readLengthDelimited()
                    fields.mtime = try UnixTime(decoding: bytes, range: sub)
                case (1...8, _):
                    throw UnixFSError(.invalidData, "field \(key.field) has the wrong wire type \(key.wireType)")
                default:
                    throw UnixFSError(.invalidData, "unknown field \(key.field)")
                }
            }
            guard let type else { throw UnixFSError(.invalidData, "the required Type field is missing") }
            fields.type = type
            return Parsed(fields: fields, dataRange: dataRange)
        }

        private init(fields: UnixFSData, dataRange: Range<Int>?) {
            self.fields = fields
            self.dataRange = dataRange
        }
    }
}

/// A modification time: seconds since the Unix epoch (may be negative) and a fraction.
public struct UnixTime: Hashable, Sendable {
    public var seconds: Int64
    /// Nanoseconds in `0..<1_000_000_000`; `0` is written as an absent field, as the spec requires.
    public var nanoseconds: UInt32

    public init(seconds: Int64, nanoseconds: UInt32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        Protobuf.appendVarintField(field: 1, UInt64(bitPattern: seconds), to: &out)
        if nanoseconds != 0 {
            Protobuf.appendVarint(2 << 3 | 5, to: &out)  // field 2, wire type 5 (fixed32)
            withUnsafeBytes(of: nanoseconds.littleEndian) { out.append(contentsOf: $0) }
        }
        return out
    }

    init(decoding bytes: [UInt8], range: Range<Int>) throws {
        var reader = Protobuf.Reader(bytes, range: range, errorCode: .invalidDagPB)
        var seconds: Int64?
        var nanoseconds: UInt32 = 0
        while !reader.isAtEnd {
            let key = try reader.readKey()
            switch (key.field, key.wireType) {
            case (1, 0) where seconds == nil:
                seconds = Int64(bitPattern: try reader.readVarint())
            case (2, 5) where nanoseconds == 0:
                // The shared reader has no fixed32 helper: read four bytes and resume after them.
                let start = reader.offset
                guard range.upperBound - start >= 4 else {
                    throw UnixFSError(.invalidData, "truncated mtime nanoseconds")
                }
                nanoseconds = UInt32(bytes[start]) | UInt32(bytes[start + 1]) << 8
                    | UInt32(bytes[start + 2]) << 16 | UInt32(bytes[start + 3]) << 24
                guard (1...999_999_999).contains(nanoseconds) else {
                    throw UnixFSError(.invalidData, "mtime nanoseconds \(nanoseconds) outside 1...999999999")
                }
                reader = Protobuf.Reader(bytes, range: (start + 4)..<range.upperBound, errorCode: .invalidDagPB)
            default:
                throw UnixFSError(.invalidData, "unexpected mtime field \(key.field) (wire type \(key.wireType))")
            }
        }
        guard let seconds else { throw UnixFSError(.invalidData, "mtime without Seconds") }
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }
}
