import Yams

/// How plain (unquoted) YAML scalars are typed in a spec: the YAML 1.2 core schema, not YAML 1.1.
///
/// Only `true`/`false` are booleans and only `null`/`~`/empty are null, so `no`, `on`, `off` and
/// `yes` stay strings (the "Norway problem"); dates stay strings; there are no merge keys and no
/// sexagesimal numbers. JSON input types the same way, since every JSON literal is written the
/// same in the core schema.
enum SpecResolver {
    static let resolver: Resolver = {
        // Patterns from the YAML 1.2.2 core schema (section 10.3.2), as constants that cannot fail.
        var resolver = Resolver.basic
        for (tag, pattern) in [
            (Tag.Name.null, "^(?:~|null|Null|NULL|)$"),
            (Tag.Name.bool, "^(?:true|True|TRUE|false|False|FALSE)$"),
            (Tag.Name.int, "^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
            (Tag.Name.float,
             "^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$"),
        ] {
            if let rule = try? Resolver.Rule(tag, pattern) { resolver = resolver.appending(rule) }
        }
        return resolver
    }()

    /// The value of a scalar typed `int`: decimal, `0o` octal or `0x` hexadecimal; `nil` when it
    /// does not fit in 64 bits.
    static func integer(_ text: String) -> Int? {
        if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int(text.dropFirst(2), radix: 8) }
        return Int(text.hasPrefix("+") ? String(text.dropFirst()) : text)
    }

    /// The value of a scalar typed `float`; infinities and NaN come out as such (callers reject them).
    static func float(_ text: String) -> Double? {
        switch text.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: return Double(text)
        }
    }

    /// Whether `text` written plainly would be read back as something other than a string, by
    /// this resolver or by a YAML 1.1 reader such as Yams' or PyYAML's default.
    ///
    /// Most spec text (keys, ids, commands, CIDs) is answered without the resolvers' regular
    /// expressions, which dominate the cost of printing a spec (``StoredSpec`` prints every
    /// submitted job): every pattern of both schemas starts with one of a few characters
    /// (`~ - + . < =`, a digit, or the first letter of a boolean or null word), a text that
    /// starts with a letter resolves to something else only when it is one of those words, and
    /// a sign is followed by a digit or a dot in every pattern.
    static func needsQuotes(_ text: String) -> Bool {
        if let first = text.utf8.first, !text.utf8.contains(where: { $0 < 0x20 || $0 >= 0x80 }) {
            let isLetter = (first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z"))
                || (first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z"))
            if isLetter { return nonStringWords.contains(text) }
            if !patternStarts.contains(first) { return false }
            // After a sign, every pattern of both schemas goes on with a digit or a dot (`-c`,
            // `--flag` and `+x` are text).
            if first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
                let second = text.utf8.dropFirst().first
                guard let second, (second >= 0x30 && second <= 0x39) || second == UInt8(ascii: ".") else { return false }
            }
        }
        return resolvedNeedsQuotes(text)
    }

    /// ``needsQuotes(_:)`` by the resolvers themselves (the reference the fast path must agree with).
    static func resolvedNeedsQuotes(_ text: String) -> Bool {
        resolver.resolveTag(of: .scalar(.init(text))) != .str
            || Resolver.default.resolveTag(of: .scalar(.init(text))) != .str
    }

    /// The words that read as booleans or null in either schema (YAML 1.1's `yes`/`no`/`on`/`off` too).
    static let nonStringWords: Set<String> = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL",
    ]

    /// The first bytes of every non-letter start of a pattern of either schema (numbers,
    /// timestamps, `.inf`/`.nan`, null `~`, merge `<<`, value `=`).
    static let patternStarts: Set<UInt8> = Set("~-+.<=0123456789".utf8)

    // MARK: Typing plain scalars

    /// The type of the plain (unquoted, untagged) scalar `text` under ``resolver``: `null`,
    /// `bool`, `int`, `float` or `str`.
    ///
    /// Loading a spec types every plain scalar it reads (keys, ids, command words), and asking
    /// Yams' resolver ran up to four `NSRegularExpression`s on each, the largest cost of a load.
    /// The core schema's patterns are small enough to check byte by byte, which is what this does
    /// for printable ASCII text; any other text (where ICU's `$` would also match before a final
    /// line break) is typed by the resolver itself. ``resolvedPlainTag(_:)`` is the reference a
    /// test holds this to.
    static func plainTag(_ text: String) -> Tag.Name {
        var text = text
        let tag = text.withUTF8 { bytes -> Tag.Name? in
            guard !bytes.contains(where: { $0 < 0x20 || $0 > 0x7E }) else { return nil }
            return PlainScalar(bytes).tag
        }
        return tag ?? resolvedPlainTag(text)
    }

    /// ``plainTag(_:)`` by the resolver's regular expressions.
    static func resolvedPlainTag(_ text: String) -> Tag.Name {
        resolver.resolveTag(of: .scalar(.init(text)))
    }

    /// The core schema's patterns (YAML 1.2.2, section 10.3.2) over printable ASCII bytes, tried
    /// in the resolver's order: null, bool, int, float.
    private struct PlainScalar {
        let bytes: UnsafeBufferPointer<UInt8>

        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var tag: Tag.Name {
            guard let first = bytes.first else { return .null }
            if Self.isLetter(first) {
                // Only null and the booleans start with a letter: no other word is anything but text.
                guard bytes.count <= 5, "nNtTfF".utf8.contains(first) else { return .str }
                let word = String(decoding: bytes, as: UTF8.self)
                if SpecResolver.nullWords.contains(word) { return .null }
                return SpecResolver.boolWords.contains(word) ? .bool : .str
            }
            if bytes.count == 1, first == UInt8(ascii: "~") { return .null }
            if isInt { return .int }
            return isFloat ? .float : .str
        }

        /// `[-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+`
        var isInt: Bool {
            if bytes.count > 2, bytes[0] == UInt8(ascii: "0") {
                if bytes[1] == UInt8(ascii: "o") { return bytes.dropFirst(2).allSatisfy { $0 >= 0x30 && $0 <= 0x37 } }
                if bytes[1] == UInt8(ascii: "x") { return bytes.dropFirst(2).allSatisfy(Self.isHexDigit) }
            }
            let digits = bytes.dropFirst(Self.isSign(bytes[0]) ? 1 : 0)
            return !digits.isEmpty && digits.allSatisfy(Self.isDigit)
        }

        /// `[-+]?(\.[0-9]+ | [0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)`
        var isFloat: Bool {
            var i = 0
            let n = bytes.count
            let signed = Self.isSign(bytes[0])
            if signed { i = 1 }
            guard i < n else { return false }
            if bytes[i] == UInt8(ascii: ".") {
                let rest = String(decoding: UnsafeBufferPointer(rebasing: bytes[(i + 1)...]), as: UTF8.self)
                if ["inf", "Inf", "INF"].contains(rest) { return true }
                if ["nan", "NaN", "NAN"].contains(rest) { return !signed }
                i += 1
                let start = i
                while i < n, Self.isDigit(bytes[i]) { i += 1 }
                guard i > start else { return false }
            } else {
                let start = i
                while i < n, Self.isDigit(bytes[i]) { i += 1 }
                guard i > start else { return false }
                if i < n, bytes[i] == UInt8(ascii: ".") {
                    i += 1
                    while i < n, Self.isDigit(bytes[i]) { i += 1 }
                }
            }
            if i < n, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < n, Self.isSign(bytes[i]) { i += 1 }
                let start = i
                while i < n, Self.isDigit(bytes[i]) { i += 1 }
                guard i > start else { return false }
            }
            return i == n
        }

        static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        static func isSign(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") }
        static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
        static func isHexDigit(_ byte: UInt8) -> Bool {
            isDigit(byte) || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "f"))
        }
    }

    /// The words of the core schema that read as null or as booleans.
    static let nullWords: Set<String> = ["null", "Null", "NULL"]
    static let boolWords: Set<String> = ["true", "True", "TRUE", "false", "False", "FALSE"]
}

extension Node {
    /// The node's resolved tag (`str`, `int`, `float`, `bool`, `null`, `map`, `seq`).
    var tagName: Tag.Name { Tag.Name(rawValue: tag.description) }
}
