/// A multicodec code: the number that names a codec, a hash function or a key type.
///
/// Codes and names come from the multicodec table (github.com/multiformats/multicodec, `table.csv`).
public struct Multicodec: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    // Hash functions.
    public static let identity = Multicodec(rawValue: 0x00)
    public static let sha2_256 = Multicodec(rawValue: 0x12)

    // IPLD codecs.
    public static let raw = Multicodec(rawValue: 0x55)
    public static let dagPB = Multicodec(rawValue: 0x70)
    public static let dagCBOR = Multicodec(rawValue: 0x71)
    public static let libp2pKey = Multicodec(rawValue: 0x72)
    public static let dagJSON = Multicodec(rawValue: 0x0129)
    public static let json = Multicodec(rawValue: 0x0200)

    // Keys.
    public static let ed25519Pub = Multicodec(rawValue: 0xed)

    private static let names: [UInt64: String] = [
        0x00: "identity", 0x12: "sha2-256", 0x55: "raw", 0x70: "dag-pb", 0x71: "dag-cbor",
        0x72: "libp2p-key", 0x0129: "dag-json", 0x0200: "json", 0xed: "ed25519-pub",
    ]

    /// The table name of this code (`dag-pb`, `raw`, …), if it is one Shoal knows.
    public var name: String? { Self.names[rawValue] }

    /// Looks a code up by its table name.
    public init?(name: String) {
        guard let entry = Self.names.first(where: { $0.value == name }) else { return nil }
        self.init(rawValue: entry.key)
    }

    public var description: String { name ?? "0x" + String(rawValue, radix: 16) }
}
