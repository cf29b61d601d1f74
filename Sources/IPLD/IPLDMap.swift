/// An IPLD map: string keys to values, kept sorted by the keys' UTF-8 bytes.
///
/// Keys are compared as **bytes**, not as Swift strings: Swift's `String` equality treats
/// canonically equivalent texts (`"é"` precomposed and `"e\u{301}"`) as equal, but they are
/// different keys in a block and encode to different bytes. Storing the entries sorted and
/// compared bytewise makes equality, hashing and iteration deterministic and faithful to the
/// encoded form.
///
/// Iteration order is byte order of the keys, which is also dag-json's order. dag-cbor writes
/// keys shortest first (then bytewise); its encoder re-sorts.
///
/// ```swift
/// var map: IPLDMap = ["name": "shoal", "version": 1]
/// map["name"]            // .string("shoal")
/// map["tags"] = ["a"]
/// map.keys               // ["name", "tags", "version"]
/// ```
public struct IPLDMap: Hashable, Sendable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    /// One key and its value.
    public struct Entry: Hashable, Sendable {
        public var key: String
        public var value: IPLDValue

        public init(key: String, value: IPLDValue) {
            self.key = key
            self.value = value
        }

        public static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.key.utf8.elementsEqual(rhs.key.utf8) && lhs.value == rhs.value
        }

        public func hash(into hasher: inout Hasher) {
            hashUTF8(key, into: &hasher)
            hasher.combine(value)
        }
    }

    /// The entries, sorted by the UTF-8 bytes of their keys, with no two keys equal.
    public private(set) var entries: [Entry]

    /// An empty map.
    public init() { entries = [] }

    /// A map of `pairs`, where a later pair replaces an earlier pair with the same key bytes.
    public init(_ pairs: some Sequence<(String, IPLDValue)>) {
        var entries = pairs.map { Entry(key: $0.0, value: $0.1) }
        // A stable sort keeps equal keys in input order, so the last one wins below.
        entries = Self.stableSorted(entries)
        var unique: [Entry] = []
        unique.reserveCapacity(entries.count)
        for entry in entries {
            if let last = unique.last, Self.keysEqual(last.key, entry.key) {
                unique[unique.count - 1] = entry
            } else {
                unique.append(entry)
            }
        }
        self.entries = unique
    }

    /// A map of a Swift dictionary's entries.
    public init(_ dictionary: [String: IPLDValue]) {
        self.init(dictionary.lazy.map { ($0.key, $0.value) })
    }

    /// A map of `pairs`, or `nil` when two keys have the same bytes.
    ///
    /// The codecs decode through this so that a repeated key is an error, not a silent overwrite.
    public init?(uniqueKeysWithValues pairs: some Sequence<(String, IPLDValue)>) {
        let sorted = Self.stableSorted(pairs.map { Entry(key: $0.0, value: $0.1) })
        for i in sorted.indices.dropFirst() where Self.keysEqual(sorted[i - 1].key, sorted[i].key) {
            return nil
        }
        self.entries = sorted
    }

    /// Builds a map from entries the caller guarantees are sorted bytewise and unique.
    init(sortedUniqueEntries entries: [Entry]) {
        self.entries = entries
    }

    public init(dictionaryLiteral elements: (String, IPLDValue)...) {
        self.init(elements)
    }

    // MARK: Lookup

    /// The value stored under `key` (compared bytewise); setting `nil` removes the entry.
    public subscript(key: String) -> IPLDValue? {
        get {
            let (index, found) = search(key)
            return found ? entries[index].value : nil
        }
        set {
            let (index, found) = search(key)
            switch (found, newValue) {
            case (true, let value?): entries[index].value = value
            case (true, nil): entries.remove(at: index)
            case (false, let value?): entries.insert(Entry(key: key, value: value), at: index)
            case (false, nil): break
            }
        }
    }

    /// The keys in byte order.
    public var keys: [String] { entries.map(\.key) }

    /// The entries as a Swift dictionary (keys that Swift considers equal would merge).
    public var dictionary: [String: IPLDValue] {
        Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    // MARK: Collection

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(position: Int) -> Entry { entries[position] }

    // MARK: Key order

    /// Whether `a` sorts before `b` by their UTF-8 bytes.
    static func keyPrecedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    static func keysEqual(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }

    /// Binary search: the index of `key`, or where it would be inserted.
    private func search(_ key: String) -> (index: Int, found: Bool) {
        var low = 0
        var high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if Self.keyPrecedes(entries[mid].key, key) {
                low = mid + 1
            } else {
                high = mid
            }
        }
        let found = low < entries.count && Self.keysEqual(entries[low].key, key)
        return (low, found)
    }

    private static func stableSorted(_ entries: [Entry]) -> [Entry] {
        // Swift's sort is not documented as stable; sorting (key, original position) is.
        entries.enumerated()
            .sorted { lhs, rhs in
                if keyPrecedes(lhs.element.key, rhs.element.key) { return true }
                if keyPrecedes(rhs.element.key, lhs.element.key) { return false }
                return lhs.offset < rhs.offset
            }
            .map(\.element)
    }
}
