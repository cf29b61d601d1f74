/// The few pieces of the protobuf wire format that dag-pb and UnixFS need.
///
/// Both formats are tiny, fixed schemas whose exact byte layout matters for CIDs, so they are
/// written and read by hand instead of through a generated-code library.
public enum Protobuf {
    /// Protobuf wire types used by dag-pb and UnixFS.
    public enum WireType: UInt8, Sendable {
        case varint = 0
        case lengthDelimited = 2
    }

    /// A protobuf varint: like a multiformats varint but up to 10 bytes long (all of `UInt64`).
    public static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        Varint.append(value, to: &out)
    }

    /// Appends a field key (`field number << 3 | wire type`).
    public static func appendKey(field: UInt64, wireType: WireType, to out: inout [UInt8]) {
        appendVarint(field << 3 | UInt64(wireType.rawValue), to: &out)
    }

    /// Appends a length-delimited field.
    public static func appendBytes(field: UInt64, _ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        appendKey(field: field, wireType: .lengthDelimited, to: &out)
        appendVarint(UInt64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    /// Appends a varint field.
    public static func appendVarintField(field: UInt64, _ value: UInt64, to out: inout [UInt8]) {
        appendKey(field: field, wireType: .varint, to: &out)
        appendVarint(value, to: &out)
    }

    /// The encoded size of a length-delimited field with `length` bytes of content.
    public static func bytesFieldLength(field: UInt64, length: Int) -> Int {
        Varint.encodedLength(field << 3) + Varint.encodedLength(UInt64(length)) + length
    }

    /// Reads fields one at a time from a buffer, with errors that name the offset.
    public struct Reader {
        public let bytes: [UInt8]
        public private(set) var offset: Int
        let end: Int
        let errorCode: IPLDError.Code

        public init(_ bytes: [UInt8], range: Range<Int>? = nil, errorCode: IPLDError.Code) {
            self.bytes = bytes
            self.offset = range?.lowerBound ?? 0
            self.end = range?.upperBound ?? bytes.count
            self.errorCode = errorCode
        }

        public var isAtEnd: Bool { offset >= end }

        /// Reads a protobuf varint (at most 10 bytes).
        public mutating func readVarint() throws -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            for i in 0..<10 {
                guard offset < end else { throw IPLDError(errorCode, "truncated varint at offset \(offset)") }
                let byte = bytes[offset]
                offset += 1
                if i == 9 && byte > 1 { throw IPLDError(errorCode, "varint overflows 64 bits at offset \(offset - 1)") }
                result |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
            }
            throw IPLDError(errorCode, "varint longer than 10 bytes at offset \(offset)")
        }

        /// Reads a field key and returns its field number and wire type.
        public mutating func readKey() throws -> (field: UInt64, wireType: UInt8) {
            let key = try readVarint()
            return (key >> 3, UInt8(key & 7))
        }

        /// Reads the length prefix of a length-delimited field and returns the byte range of its content.
        public mutating func readLengthDelimited() throws -> Range<Int> {
            let length = try readVarint()
            guard length <= UInt64(end - offset) else {
                throw IPLDError(errorCode, "field of \(length) bytes at offset \(offset) runs past the end")
            }
            let range = offset..<(offset + Int(length))
            offset = range.upperBound
            return range
        }
    }
}
