/// Parses one dag-json document into an ``IPLDValue`` (see ``DagJSON`` for what it accepts).
///
/// A small hand-written recursive-descent parser, because general JSON parsers lose what
/// dag-json needs: the integer/float distinction, integers beyond 64 bits, duplicate keys and
/// the document order of keys (the reserved `"/"` forms are recognized by their *first* key,
/// as the spec and the reference tokenizers do).
struct DagJSONParser {
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

    mutating func readDocument() throws -> IPLDValue {
        skipWhitespace()
        guard offset < bytes.count else { throw fail(.invalidDagJSON, offset, "empty document") }
        let value = try readValue(depth: 0)
        skipWhitespace()
        guard offset == bytes.count else {
            throw fail(.trailingBytes, offset, "unexpected \(describe(offset)) after the top-level value")
        }
        return value
    }

    private mutating func readValue(depth: Int) throws -> IPLDValue {
        guard let c = peek() else { throw fail(.invalidDagJSON, offset, "unexpected end of input, expected a value") }
        switch c {
        case UInt8(ascii: "{"): return try readObject(depth: depth)
        case UInt8(ascii: "["): return try readArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try readLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try readLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try readLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        default: throw fail(.invalidDagJSON, offset, "unexpected \(describe(offset)), expected a value")
        }
    }

    // MARK: Containers

    private mutating func readArray(depth: Int) throws -> IPLDValue {
        try checkDepth(depth, at: offset)
        offset += 1
        var items: [IPLDValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") { offset += 1; return .list(items) }
        while true {
            skipWhitespace()
            items.append(try readValue(depth: depth + 1))
            skipWhitespace()
            if try expectOne(of: ",]", in: "list") == UInt8(ascii: "]") { return .list(items) }
        }
    }

    private mutating func readObject(depth: Int) throws -> IPLDValue {
        let start = offset
        offset += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            try checkDepth(depth, at: start)
            offset += 1
            return .map(IPLDMap())
        }
        var entries: [(key: String, value: IPLDValue, at: Int)] = []
        let firstKeyAt = offset
        let firstKey = try readKey()
        if firstKey == "/", let reserved = try readReservedForm(objectStart: start) {
            return reserved
        }
        try checkDepth(depth, at: start)
        entries.append((firstKey, try readValue(depth: depth + 1), firstKeyAt))
        while true {
            skipWhitespace()
            if try expectOne(of: ",}", in: "map") == UInt8(ascii: "}") { break }
            skipWhitespace()
            let keyAt = offset
            let key = try readKey()
            entries.append((key, try readValue(depth: depth + 1), keyAt))
        }
        return .map(try makeMap(entries, objectStart: start))
    }

    /// Reads `"key"` and the `:` after it, leaving the offset at the value.
    private mutating func readKey() throws -> String {
        guard peek() == UInt8(ascii: "\"") else {
            throw fail(.invalidDagJSON, offset, "unexpected \(describe(offset)), expected a string map key")
        }
        let key = try readString()
        skipWhitespace()
        _ = try expectOne(of: ":", in: "map")
        skipWhitespace()
        return key
    }

    /// After a first key `"/"`: reads a link `{"/":"cid"}` or bytes `{"/":{"bytes":"…"}}` and
    /// returns it, or returns `nil` (offset unchanged) when the value is neither form, so the
    /// object is read as an ordinary map.
    private mutating func readReservedForm(objectStart: Int) throws -> IPLDValue? {
        let valueAt = offset
        if peek() == UInt8(ascii: "\"") {
            let text = try readString()
            try closeReservedForm(objectStart, "a link {\"/\": CID} must have no other keys")
            let cid: CID
            do { cid = try CID(text) } catch let error as IPLDError {
                throw fail(.invalidDagJSON, valueAt, "link {\"/\": …} does not hold a valid CID (\(printableText(error.message)))")
            }
            if collectLinks { links.append(cid) }
            return .link(cid)
        }
        guard peek() == UInt8(ascii: "{") else { return nil }
        // Look ahead for {"bytes": "…"}; anything else backtracks and is an ordinary map.
        offset += 1
        skipWhitespace()
        guard peek() == UInt8(ascii: "\""), try readString() == "bytes" else { offset = valueAt; return nil }
        skipWhitespace()
        guard peek() == UInt8(ascii: ":") else { offset = valueAt; return nil }
        offset += 1
        skipWhitespace()
        guard peek() == UInt8(ascii: "\"") else { offset = valueAt; return nil }
        let textAt = offset
        let text = try readStringBytes()
        try closeReservedForm(valueAt, "bytes {\"/\": {\"bytes\": …}} must have no other keys")
        try closeReservedForm(objectStart, "bytes {\"/\": {\"bytes\": …}} must have no other keys")
        switch Base64.decode(text) {
        case .success(let decoded): return .bytes(decoded)
        case .failure(let reason): throw fail(.invalidDagJSON, textAt, "bytes value is not unpadded base64: \(reason)")
        }
    }

    /// Requires the `}` that ends a reserved form's object (begun at `objectStart`).
    private mutating func closeReservedForm(_ objectStart: Int, _ rule: String) throws {
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { offset += 1; return }
        if peek() == UInt8(ascii: ",") { throw fail(.reservedKey, objectStart, rule) }
        _ = try expectOne(of: "}", in: "map")
    }

    /// Sorts the entries into an ``IPLDMap``, rejecting repeated keys and reserved-form clashes.
    private func makeMap(_ entries: [(key: String, value: IPLDValue, at: Int)], objectStart: Int) throws -> IPLDMap {
        let sorted = entries.enumerated().sorted { lhs, rhs in
            if IPLDMap.keyPrecedes(lhs.element.key, rhs.element.key) { return true }
            if IPLDMap.keyPrecedes(rhs.element.key, lhs.element.key) { return false }
            return lhs.offset < rhs.offset
        }.map(\.element)
        for i in sorted.indices.dropFirst() where IPLDMap.keysEqual(sorted[i - 1].key, sorted[i].key) {
            throw fail(.duplicateMapKey, sorted[i].at, "map key \(quotedKey(sorted[i].key)) appears twice")
        }
        let map = IPLDMap(sortedUniqueEntries: sorted.map { IPLDMap.Entry(key: $0.key, value: $0.value) })
        // Keys out of order in the text can hide a "/" key that sorts first once re-encoded.
        guard !DagJSON.collidesWithReservedForm(map) else {
            throw fail(.reservedKey, objectStart, "map's \"/\" key holds a string or {\"bytes\": string} map "
                + "but other keys come first in the text; encoded canonically it would read back as a link or bytes")
        }
        return map
    }

    // MARK: Scalars

    private mutating func readLiteral(_ word: StaticString) throws {
        let start = offset
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard bytes.count - offset >= expected.count, bytes[offset..<(offset + expected.count)].elementsEqual(expected) else {
            throw fail(.invalidDagJSON, start, "unexpected \(describe(start)), expected a value")
        }
        offset += expected.count
    }

    /// Reads a number: an integer unless it has a fraction or an exponent (JSON grammar, RFC 8259 §6).
    private mutating func readNumber() throws -> IPLDValue {
        let start = offset
        if peek() == UInt8(ascii: "-") { offset += 1 }
        guard let first = peek(), isDigit(first) else {
            throw fail(.invalidDagJSON, start, "a number needs digits after '-'")
        }
        offset += 1
        if first == UInt8(ascii: "0"), let next = peek(), isDigit(next) {
            throw fail(.invalidDagJSON, start, "numbers must not have leading zeros")
        }
        skipDigits()
        var isFloat = false
        if peek() == UInt8(ascii: ".") {
            offset += 1
            guard let c = peek(), isDigit(c) else { throw fail(.invalidDagJSON, offset, "expected a digit after '.'") }
            skipDigits()
            isFloat = true
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            offset += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { offset += 1 }
            guard let c = peek(), isDigit(c) else { throw fail(.invalidDagJSON, offset, "expected a digit in the exponent") }
            skipDigits()
            isFloat = true
        }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        if !isFloat {
            guard let integer = IPLDInteger(text) else {
                throw fail(.invalidDagJSON, start, "integer \(text.prefix(40)) is outside -2^64…2^64-1")
            }
            return .integer(integer)
        }
        guard let double = Double(text), double.isFinite else {
            throw fail(.nonFiniteFloat, start, "float \(text.prefix(40)) overflows to infinity")
        }
        return .float(double)
    }

    private mutating func readString() throws -> String {
        let start = offset
        let utf8 = try readStringBytes()
        guard let string = String(validating: utf8, as: UTF8.self) else {
            throw fail(.invalidUTF8, start, "string is not valid UTF-8")
        }
        return string
    }

    /// Reads a string literal's content as UTF-8 bytes, resolving escapes (not yet validated).
    private mutating func readStringBytes() throws -> [UInt8] {
        let start = offset
        offset += 1
        var out: [UInt8] = []
        while true {
            guard let c = peek() else { throw fail(.invalidDagJSON, start, "unterminated string") }
            switch c {
            case UInt8(ascii: "\""):
                offset += 1
                return out
            case UInt8(ascii: "\\"):
                try readEscape(into: &out)
            case 0..<0x20:
                throw fail(.invalidDagJSON, offset, "control character 0x\(hexByte(c)) must be escaped in a string")
            default:
                out.append(c)
                offset += 1
            }
        }
    }

    private mutating func readEscape(into out: inout [UInt8]) throws {
        let start = offset
        offset += 1
        guard let c = peek() else { throw fail(.invalidDagJSON, start, "unterminated escape") }
        offset += 1
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(c)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0c)
        case UInt8(ascii: "n"): out.append(0x0a)
        case UInt8(ascii: "r"): out.append(0x0d)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try readHex4(escapeAt: start))
            if (0xd800..<0xdc00).contains(scalar) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard peek() == UInt8(ascii: "\\"), bytes.count - offset >= 2, bytes[offset + 1] == UInt8(ascii: "u") else {
                    throw fail(.invalidUTF8, start, "lone surrogate \\u\(String(scalar, radix: 16)) in string")
                }
                offset += 2
                let low = UInt32(try readHex4(escapeAt: offset - 2))
                guard (0xdc00..<0xe000).contains(low) else {
                    throw fail(.invalidUTF8, start, "lone surrogate \\u\(String(scalar, radix: 16)) in string")
                }
                scalar = 0x10000 + ((scalar - 0xd800) << 10) + (low - 0xdc00)
            } else if (0xdc00..<0xe000).contains(scalar) {
                throw fail(.invalidUTF8, start, "lone surrogate \\u\(String(scalar, radix: 16)) in string")
            }
            out.append(contentsOf: Unicode.UTF8.encode(Unicode.Scalar(scalar)!)!)
        default:
            throw fail(.invalidDagJSON, start, "invalid escape \\\(Character(Unicode.Scalar(c)))")
        }
    }

    private mutating func readHex4(escapeAt: Int) throws -> UInt16 {
        guard bytes.count - offset >= 4 else { throw fail(.invalidDagJSON, escapeAt, "truncated \\u escape") }
        var value: UInt16 = 0
        for c in bytes[offset..<(offset + 4)] {
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw fail(.invalidDagJSON, escapeAt, "\\u escape needs four hex digits")
            }
            value = value << 4 | UInt16(digit)
        }
        offset += 4
        return value
    }

    // MARK: Helpers

    private func peek() -> UInt8? {
        offset < bytes.count ? bytes[offset] : nil
    }

    private func isDigit(_ c: UInt8) -> Bool {
        c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while let c = peek(), isDigit(c) { offset += 1 }
    }

    private mutating func skipWhitespace() {
        while let c = peek(), c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d { offset += 1 }
    }

    /// Consumes one of `choices` (ASCII punctuation) or throws naming what was expected.
    private mutating func expectOne(of choices: String, in container: String) throws -> UInt8 {
        if let c = peek(), choices.utf8.contains(c) {
            offset += 1
            return c
        }
        let expected = choices.map { "'\($0)'" }.joined(separator: " or ")
        throw fail(.invalidDagJSON, offset, "unexpected \(describe(offset)) in \(container), expected \(expected)")
    }

    private func checkDepth(_ depth: Int, at start: Int) throws {
        guard depth < maxDepth else {
            throw fail(.nestingTooDeep, start, "lists and maps nested deeper than \(maxDepth) levels")
        }
    }

    /// "end of input" or the character at `position`, for messages.
    private func describe(_ position: Int) -> String {
        guard position < bytes.count else { return "end of input" }
        let c = bytes[position]
        return c >= 0x20 && c < 0x7f ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(hexByte(c))"
    }

    private func fail(_ code: IPLDError.Code, _ at: Int, _ what: String) -> IPLDError {
        let before = bytes[..<min(at, bytes.count)]
        let line = before.reduce(1) { $1 == 0x0a ? $0 + 1 : $0 }
        let column = at - (before.lastIndex(of: 0x0a).map { $0 + 1 } ?? 0) + 1
        return IPLDError(code, "dag-json offset \(at) (line \(line), column \(column)): \(what)")
    }
}
