/// Writes IPLD values as deterministic dag-json (see ``DagJSON`` for the rules).
struct DagJSONWriter {
    private(set) var out: [UInt8] = []
    let maxDepth: Int

    init(maxDepth: Int) {
        self.maxDepth = maxDepth
    }

    mutating func write(_ value: IPLDValue, depth: Int) throws {
        switch value {
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool(let flag):
            out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let integer):
            out.append(contentsOf: integer.description.utf8)
        case .float(let double):
            guard double.isFinite else {
                throw IPLDError(.nonFiniteFloat, "dag-json cannot encode the float \(double)")
            }
            out.append(contentsOf: DagJSONWriter.format(double).utf8)
        case .string(let string):
            writeString(string)
        case .bytes(let bytes):
            out.append(contentsOf: #"{"/":{"bytes":""#.utf8)
            Base64.encode(bytes, into: &out)
            out.append(contentsOf: #""}}"#.utf8)
        case .list(let items):
            try checkDepth(depth)
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                try write(item, depth: depth + 1)
            }
            out.append(UInt8(ascii: "]"))
        case .map(let map):
            try checkDepth(depth)
            guard !DagJSON.collidesWithReservedForm(map) else {
                throw IPLDError(.reservedKey, "dag-json cannot encode a map whose first key \"/\" holds "
                    + "a string or a {\"bytes\": string} map: it would read back as a link or bytes")
            }
            out.append(UInt8(ascii: "{"))
            for (i, entry) in map.entries.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(entry.key)
                out.append(UInt8(ascii: ":"))
                try write(entry.value, depth: depth + 1)
            }
            out.append(UInt8(ascii: "}"))
        case .link(let cid):
            out.append(contentsOf: #"{"/":""#.utf8)
            out.append(contentsOf: cid.string.utf8)
            out.append(contentsOf: #""}"#.utf8)
        }
    }

    /// A JSON string literal, escaped exactly as JavaScript's `JSON.stringify` does.
    private mutating func writeString(_ string: String) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x0c: out.append(contentsOf: #"\f"#.utf8)
            case 0x0a: out.append(contentsOf: #"\n"#.utf8)
            case 0x0d: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20: out.append(contentsOf: "\\u00\(hexByte(byte))".utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private func checkDepth(_ depth: Int) throws {
        guard depth < maxDepth else {
            throw IPLDError(.nestingTooDeep, "dag-json: lists and maps nested deeper than \(maxDepth) levels")
        }
    }

    // MARK: Floats

    /// The dag-json text of a finite double.
    ///
    /// The digits are the shortest that read back to the same double (Swift's `description`
    /// computes them); the layout is ECMAScript's `Number.prototype.toString` (ECMA-262
    /// §6.1.6.1.20), which is what the JavaScript and Go implementations write. A result with
    /// neither `.` nor exponent gets `.0`, so the value reads back as a float, as the spec asks.
    static func format(_ double: Double) -> String {
        if double == 0 { return double.sign == .minus ? "-0.0" : "0.0" }
        let (digits, pointPosition) = shortestDigits(of: double.magnitude)
        let k = digits.count
        let n = pointPosition
        let s = String(decoding: digits, as: UTF8.self)
        var text: String
        if k <= n && n <= 21 {
            text = s + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            text = String(s.prefix(n)) + "." + String(s.dropFirst(n))
        } else if -6 < n && n <= 0 {
            text = "0." + String(repeating: "0", count: -n) + s
        } else {
            let exponent = n - 1
            let sign = exponent < 0 ? "-" : "+"
            let mantissa = k == 1 ? s : String(s.prefix(1)) + "." + String(s.dropFirst())
            text = mantissa + "e" + sign + String(exponent.magnitude)
        }
        if !text.contains(".") && !text.contains("e") { text += ".0" }
        return double.sign == .minus ? "-" + text : text
    }

    /// The shortest round-trip decimal digits of a positive finite double, without leading or
    /// trailing zeros, and `n` such that the value is `0.d₁d₂… × 10ⁿ`.
    static func shortestDigits(of value: Double) -> (digits: [UInt8], pointPosition: Int) {
        // Swift prints the shortest round-trip digits, as "123.45", "1e-05" or "1.5e+20".
        let text = Array(value.description.utf8)
        let e = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") })
        let mantissa = text[..<(e ?? text.endIndex)]
        let exponent = e.map { Int(String(decoding: text[($0 + 1)...], as: UTF8.self))! } ?? 0
        var digits: [UInt8] = []
        var pointPosition: Int?
        for c in mantissa {
            if c == UInt8(ascii: ".") { pointPosition = digits.count } else { digits.append(c) }
        }
        var n = (pointPosition ?? digits.count) + exponent
        while digits.first == UInt8(ascii: "0") {
            digits.removeFirst()
            n -= 1
        }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, n)
    }
}
