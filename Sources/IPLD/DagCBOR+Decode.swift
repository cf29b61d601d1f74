/// Reads one canonical dag-cbor document, rejecting every non-canonical form (see ``DagCBOR``).
///
/// The reader walks the buffer with an offset and never copies more than the strings, byte
/// strings and CIDs it returns. Every error names the offset of the item that broke a rule.
struct DagCBORReader {
    let bytes: [UInt8]
    let maxDepth: Int
    let collectLinks: Bool
    private(set) var offset = 0
    /// The links met so far, in document order (only when `collectLinks`).
    private(set) var links: [CID] = []

    init(_ bytes: [UInt8], maxDepth: Int, collectLinks: Bool) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.collectLinks = collectLinks
    }

    /// Reads the single top-level value and checks that nothing follows it.
    mutating func readDocument() throws -> IPLDValue {
        guard !bytes.isEmpty else { throw fail(.invalidDagCBOR, 0, "empty block") }
        let value = try readValue(depth: 0)
        guard offset == bytes.count else {
            throw fail(.trailingBytes, offset, "\(bytes.count - offset) bytes after the top-level value")
        }
        return value
    }

    private mutating func readValue(depth: Int) throws -> IPLDValue {
        let start = offset
        guard let initial = bytes[safe: offset] else { throw truncated(start, needing: 1) }
        let major = CBORMajor(rawValue: initial >> 5)!
        if major == .simple { return try readSimple() }

        let argument = try readArgument(major)
        switch major {
        case .unsigned:
            return .integer(IPLDInteger(isNegative: false, cborArgument: argument))
        case .negative:
            return .integer(IPLDInteger(isNegative: true, cborArgument: argument))
        case .bytes:
            return .bytes(Array(bytes[try take(argument, for: "byte string", at: start)]))
        case .string:
            return .string(try readString(length: argument, at: start))
        case .array:
            try checkDepth(depth, at: start)
            // Every element takes at least one byte: a count beyond the input is a lie, and
            // must not reserve memory.
            guard argument <= UInt64(bytes.count - offset) else { throw truncated(start, needing: argument) }
            var items: [IPLDValue] = []
            items.reserveCapacity(Int(argument))
            for _ in 0..<argument { items.append(try readValue(depth: depth + 1)) }
            return .list(items)
        case .map:
            try checkDepth(depth, at: start)
            return .map(try readMap(count: argument, depth: depth, at: start))
        case .tag:
            return .link(try readLink(tag: argument, at: start))
        case .simple:
            preconditionFailure("handled above")
        }
    }

    // MARK: Heads

    /// Reads an initial byte's argument (RFC 8949 §3), requiring its shortest form.
    private mutating func readArgument(_ major: CBORMajor) throws -> UInt64 {
        let start = offset
        let info = bytes[offset] & 0x1f
        offset += 1
        let byteCount: Int
        switch info {
        case 0..<24: return UInt64(info)
        case 24: byteCount = 1
        case 25: byteCount = 2
        case 26: byteCount = 4
        case 27: byteCount = 8
        case 31:
            if major == .bytes || major == .string || major == .array || major == .map {
                throw fail(.indefiniteLength, start, "indefinite-length \(Self.name(major)) (0x\(hexByte(bytes[start])))")
            }
            throw fail(.invalidDagCBOR, start, "additional information 31 is not valid for a \(Self.name(major))")
        default:
            throw fail(.invalidDagCBOR, start, "reserved additional information \(info) in initial byte 0x\(hexByte(bytes[start]))")
        }
        let range = try take(UInt64(byteCount), for: "argument", at: start)
        var argument: UInt64 = 0
        for byte in bytes[range] { argument = argument << 8 | UInt64(byte) }
        // The shortest form uses the next smaller size when the value fits in it.
        let fitsSmaller: Bool = switch byteCount {
        case 1: argument < 24
        case 2: argument <= 0xff
        case 4: argument <= 0xffff
        default: argument <= 0xffff_ffff
        }
        if fitsSmaller {
            throw fail(.nonShortestForm, start,
                       "\(Self.name(major)) argument \(argument) written in \(byteCount + 1) bytes; it has a shorter form")
        }
        return argument
    }

    /// Major type 7: only false, true, null and 64-bit finite floats are dag-cbor.
    private mutating func readSimple() throws -> IPLDValue {
        let start = offset
        let initial = bytes[offset]
        switch initial {
        case 0xf4: offset += 1; return .bool(false)
        case 0xf5: offset += 1; return .bool(true)
        case 0xf6: offset += 1; return .null
        case 0xf7: throw fail(.unsupportedSimpleValue, start, "undefined is not part of the IPLD data model")
        case 0xf9, 0xfa:
            let bits = initial == 0xf9 ? 16 : 32
            throw fail(.nonDoubleFloat, start, "\(bits)-bit float; dag-cbor floats are always 64-bit")
        case 0xfb:
            offset += 1
            let range = try take(8, for: "float", at: start)
            var pattern: UInt64 = 0
            for byte in bytes[range] { pattern = pattern << 8 | UInt64(byte) }
            let double = Double(bitPattern: pattern)
            guard double.isFinite else {
                throw fail(.nonFiniteFloat, start, "\(double) is not part of the IPLD data model")
            }
            return .float(double)
        case 0xff:
            throw fail(.indefiniteLength, start, "unexpected \"break\" byte (0xff)")
        case 0xfc...0xfe:
            throw fail(.invalidDagCBOR, start, "reserved initial byte 0x\(hexByte(initial))")
        default:
            // 0xe0…0xf3 are simple values 0…19, 0xf8 a one-byte simple value.
            throw fail(.unsupportedSimpleValue, start, "simple value (initial byte 0x\(hexByte(initial)))")
        }
    }

    // MARK: Strings, maps, links

    private mutating func readString(length: UInt64, at start: Int) throws -> String {
        let range = try take(length, for: "text string", at: start)
        guard let string = String(validating: bytes[range], as: UTF8.self) else {
            throw fail(.invalidUTF8, start, "text string is not valid UTF-8")
        }
        return string
    }

    private mutating func readMap(count: UInt64, depth: Int, at start: Int) throws -> IPLDMap {
        // Each entry takes at least two bytes.
        guard count <= UInt64(bytes.count - offset) / 2 else { throw truncated(start, needing: count) }
        var entries: [IPLDMap.Entry] = []
        entries.reserveCapacity(Int(count))
        var previousKey: Range<Int>?
        for _ in 0..<count {
            let keyStart = offset
            guard let initial = bytes[safe: offset] else { throw truncated(keyStart, needing: 1) }
            guard initial >> 5 == CBORMajor.string.rawValue else {
                let kind = Self.name(CBORMajor(rawValue: initial >> 5)!)
                throw fail(.nonStringMapKey, keyStart, "map key is a \(kind); dag-cbor map keys must be strings")
            }
            let length = try readArgument(.string)
            let keyRange = offset..<(offset + Int(min(length, UInt64(bytes.count - offset))))
            let key = try readString(length: length, at: keyStart)
            if let previous = previousKey {
                let order = Self.compareKeys(bytes[previous], bytes[keyRange])
                if order == 0 {
                    throw fail(.duplicateMapKey, keyStart, "map key \(quotedKey(key)) appears twice")
                }
                if order > 0 {
                    throw fail(.unsortedMapKeys, keyStart,
                               "map key \(quotedKey(key)) sorts before the previous key \(quotedKey(bytes[previous])) "
                                   + "(dag-cbor orders keys by length, then bytewise)")
                }
            }
            previousKey = keyRange
            entries.append(IPLDMap.Entry(key: key, value: try readValue(depth: depth + 1)))
        }
        // dag-cbor order is length-first; IPLDMap keeps plain byte order. Keys are unique here.
        entries.sort { IPLDMap.keyPrecedes($0.key, $1.key) }
        return IPLDMap(sortedUniqueEntries: entries)
    }

    private mutating func readLink(tag: UInt64, at start: Int) throws -> CID {
        guard tag == DagCBOR.linkTag else {
            throw fail(.unsupportedTag, start, "tag \(tag); dag-cbor allows only tag 42 (CID)")
        }
        let contentStart = offset
        guard let initial = bytes[safe: offset] else { throw truncated(contentStart, needing: 1) }
        guard initial >> 5 == CBORMajor.bytes.rawValue else {
            throw fail(.invalidDagCBOR, contentStart, "tag 42 must wrap a byte string, not a \(Self.name(CBORMajor(rawValue: initial >> 5)!))")
        }
        let length = try readArgument(.bytes)
        let range = try take(length, for: "CID", at: contentStart)
        guard let prefix = bytes[safe: range.lowerBound], prefix == 0x00 else {
            throw fail(.invalidDagCBOR, contentStart, "link bytes must start with the 0x00 identity multibase prefix")
        }
        let cid: CID
        do {
            cid = try CID(bytes: bytes[(range.lowerBound + 1)..<range.upperBound])
        } catch let error as IPLDError {
            throw fail(.invalidDagCBOR, contentStart, "link is not a valid CID (\(error.message))")
        }
        if collectLinks { links.append(cid) }
        return cid
    }

    // MARK: Helpers

    /// Consumes `count` bytes and returns their range, or throws if the input ends first.
    private mutating func take(_ count: UInt64, for what: String, at start: Int) throws -> Range<Int> {
        guard count <= UInt64(bytes.count - offset) else { throw truncated(start, needing: count) }
        let range = offset..<(offset + Int(count))
        offset = range.upperBound
        return range
    }

    private func checkDepth(_ depth: Int, at start: Int) throws {
        guard depth < maxDepth else {
            throw fail(.nestingTooDeep, start, "lists and maps nested deeper than \(maxDepth) levels")
        }
    }

    private func truncated(_ start: Int, needing count: UInt64) -> IPLDError {
        fail(.invalidDagCBOR, start, "unexpected end of input (item needs at least \(count) more bytes, \(bytes.count - offset) left)")
    }

    private func fail(_ code: IPLDError.Code, _ at: Int, _ what: String) -> IPLDError {
        IPLDError(code, "dag-cbor offset \(at): \(what)")
    }

    /// Length-first, then bytewise: negative when `a` sorts first, zero when equal.
    static func compareKeys(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return 0
    }

    static func name(_ major: CBORMajor) -> String {
        switch major {
        case .unsigned: "unsigned integer"
        case .negative: "negative integer"
        case .bytes: "byte string"
        case .string: "text string"
        case .array: "array"
        case .map: "map"
        case .tag: "tag"
        case .simple: "simple value or float"
        }
    }
}

/// Two hex digits.
func hexByte(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16)
    return digits.count == 1 ? "0" + digits : digits
}

/// A key for an error message: quoted, cut short, and kept on one line.
func quotedKey(_ key: String) -> String {
    let short = key.count <= 40 ? key : key.prefix(37) + "..."
    return "\"" + printableText(short) + "\""
}

/// Text from a document made safe for a one-line message: control characters and quotes
/// are escaped, the rest is kept.
func printableText(_ text: some StringProtocol) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar.value {
        case 0x22: out += "\\\""
        case 0x5c: out += "\\\\"
        case 0..<0x20, 0x7f, 0x2028, 0x2029: out += "\\u{" + String(scalar.value, radix: 16) + "}"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}

func quotedKey(_ bytes: ArraySlice<UInt8>) -> String {
    quotedKey(String(decoding: bytes, as: UTF8.self))
}

fileprivate extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
