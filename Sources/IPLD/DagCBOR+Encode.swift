/// Writes IPLD values as canonical dag-cbor (see ``DagCBOR`` for the rules).
struct DagCBORWriter {
    private(set) var out: [UInt8] = []
    let maxDepth: Int

    init(maxDepth: Int) {
        self.maxDepth = maxDepth
    }

    mutating func write(_ value: IPLDValue, depth: Int) throws {
        switch value {
        case .null:
            out.append(0xf6)
        case .bool(let flag):
            out.append(flag ? 0xf5 : 0xf4)
        case .integer(let integer):
            writeHead(integer.isNegative ? .negative : .unsigned, integer.cborArgument)
        case .float(let double):
            guard double.isFinite else {
                throw IPLDError(.nonFiniteFloat, "dag-cbor cannot encode the float \(double)")
            }
            out.append(0xfb)
            appendBigEndian(double.bitPattern, byteCount: 8)
        case .string(let string):
            writeHead(.string, UInt64(string.utf8.count))
            out.append(contentsOf: string.utf8)
        case .bytes(let bytes):
            writeHead(.bytes, UInt64(bytes.count))
            out.append(contentsOf: bytes)
        case .list(let items):
            try checkDepth(depth)
            writeHead(.array, UInt64(items.count))
            for item in items { try write(item, depth: depth + 1) }
        case .map(let map):
            try checkDepth(depth)
            writeHead(.map, UInt64(map.count))
            for entry in Self.canonicalOrder(map) {
                writeHead(.string, UInt64(entry.key.utf8.count))
                out.append(contentsOf: entry.key.utf8)
                try write(entry.value, depth: depth + 1)
            }
        case .link(let cid):
            writeLink(cid)
        }
    }

    /// Tag 42 around a byte string of `0x00` (identity multibase) + the binary CID.
    mutating func writeLink(_ cid: CID) {
        let cidBytes = cid.bytes
        writeHead(.tag, DagCBOR.linkTag)
        writeHead(.bytes, UInt64(cidBytes.count + 1))
        out.append(0x00)
        out.append(contentsOf: cidBytes)
    }

    /// The initial byte and the argument in its shortest form (RFC 8949 §4.2.1).
    mutating func writeHead(_ major: CBORMajor, _ argument: UInt64) {
        let high = major.rawValue << 5
        switch argument {
        case 0..<24:
            out.append(high | UInt8(argument))
        case 24...0xff:
            out.append(high | 24)
            out.append(UInt8(argument))
        case 0x100...0xffff:
            out.append(high | 25)
            appendBigEndian(argument, byteCount: 2)
        case 0x1_0000...0xffff_ffff:
            out.append(high | 26)
            appendBigEndian(argument, byteCount: 4)
        default:
            out.append(high | 27)
            appendBigEndian(argument, byteCount: 8)
        }
    }

    private mutating func appendBigEndian(_ value: UInt64, byteCount: Int) {
        for shift in stride(from: (byteCount - 1) * 8, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    private func checkDepth(_ depth: Int) throws {
        guard depth < maxDepth else {
            throw IPLDError(.nestingTooDeep, "dag-cbor: lists and maps nested deeper than \(maxDepth) levels")
        }
    }

    /// The map's entries in dag-cbor order: shorter keys first, keys of equal length bytewise.
    ///
    /// ``IPLDMap`` keeps entries bytewise-sorted, so a stable sort by length alone is enough.
    static func canonicalOrder(_ map: IPLDMap) -> [IPLDMap.Entry] {
        map.entries.enumerated()
            .sorted { lhs, rhs in
                let (a, b) = (lhs.element.key.utf8.count, rhs.element.key.utf8.count)
                return a != b ? a < b : lhs.offset < rhs.offset
            }
            .map(\.element)
    }
}
