import IPLD

/// A Shoal provenance object: a Codable value stored as one dag-cbor block, tagged by `type`.
///
/// Every object carries a `type` field naming its kind and version (`shoal.recipe/1`,
/// `shoal.step/1`, `shoal.attestation/1`). Decoding checks it first, so a step is never read as
/// a recipe, and an object written by a newer Shoal (`shoal.step/2`) is refused with
/// ``ProvenanceError/Code/unsupportedVersion`` instead of being half-understood.
///
/// ```swift
/// let block = try recipe.block()                 // dag-cbor, CIDv1 sha2-256
/// let again = try Recipe(block: block)           // checks codec and type
/// ```
public protocol ProvenanceObject: Codable, Sendable, Hashable {
    /// The `type` tag this build writes and reads, such as `shoal.step/1`.
    static var typeName: String { get }
}

extension ProvenanceObject {
    /// This object as a dag-cbor block (CIDv1, sha2-256).
    public func block() throws -> Block {
        try Block(encoding: self, codec: .dagCBOR)
    }

    /// The CID of this object's dag-cbor block.
    public func cid() throws -> CID {
        try block().cid
    }

    /// Decodes the object a dag-cbor block holds.
    ///
    /// - Throws: ``ProvenanceError/Code/invalidObject`` when the block is not dag-cbor,
    ///   ``ProvenanceError/Code/wrongObjectType`` or ``ProvenanceError/Code/unsupportedVersion``
    ///   when its `type` is not ``typeName``, and ``IPLDError`` when it is malformed.
    public init(block: Block) throws {
        guard block.cid.codec == .dagCBOR else {
            throw ProvenanceError(.invalidObject,
                "\(block.cid) is a \(block.cid.codec) block; a \(Self.typeName) object is dag-cbor")
        }
        self = try block.decode(Self.self)
    }
}

/// The kinds of Shoal provenance object, as named by their `type` tag.
public enum ProvenanceObjectKind: String, Sendable, Hashable, CaseIterable {
    case recipe, step, attestation

    /// The tag this build writes for the kind.
    public var typeName: String {
        switch self {
        case .recipe: Recipe.typeName
        case .step: Step.typeName
        case .attestation: Attestation.typeName
        }
    }

    /// The kind of Shoal object a decoded block holds, or `nil` when it holds something else
    /// (user data that happens to be dag-cbor). Any version counts (`shoal.step/2` is a step).
    public init?(of value: IPLDValue) {
        guard let type = value["type"]?.string else { return nil }
        guard let kind = Self.allCases.first(where: { type.hasPrefix(Self.family(of: $0.typeName) + "/") }) else {
            return nil
        }
        self = kind
    }

    /// `shoal.step` for `shoal.step/1`.
    static func family(of typeName: String) -> Substring {
        typeName.prefix { $0 != "/" }
    }

    /// Checks a decoded `type` field against the one a type expects.
    ///
    /// - Throws: ``ProvenanceError/Code/unsupportedVersion`` for another version of the same
    ///   kind, ``ProvenanceError/Code/wrongObjectType`` for anything else.
    static func check(_ found: String, expected: String) throws {
        guard found != expected else { return }
        let family = Self.family(of: expected)
        if found.hasPrefix(family + "/") {
            throw ProvenanceError(.unsupportedVersion,
                "object type '\(found.prefix(80))' is not supported; this Shoal reads \(expected)")
        }
        throw ProvenanceError(.wrongObjectType, "expected a \(expected) object, found type '\(found.prefix(80))'")
    }
}

extension KeyedDecodingContainer {
    /// Decodes the `type` field and checks it (see ``ProvenanceObjectKind/check(_:expected:)``).
    func checkType(_ key: Key, expected: String) throws {
        try ProvenanceObjectKind.check(try decode(String.self, forKey: key), expected: expected)
    }
}
