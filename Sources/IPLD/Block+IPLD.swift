/// Blocks made from, and read as, IPLD data model values.
///
/// ```swift
/// let block = try Block(encoding: step)                  // Codable struct → dag-cbor block
/// try sink.put(block)
/// let again = try block.decode(Step.self)                 // and back
/// let value = try Block(dagJSON: ["n": 1]).decoded()      // any codec → IPLDValue
/// ```
extension Block {
    /// A dag-cbor block holding `value`, named by a CIDv1 (sha2-256).
    public init(dagCBOR value: IPLDValue) throws {
        self.init(bytes: try DagCBOR.encode(value), codec: .dagCBOR)
    }

    /// A dag-json block holding `value`, named by a CIDv1 (sha2-256).
    public init(dagJSON value: IPLDValue) throws {
        self.init(bytes: try DagJSON.encode(value), codec: .dagJSON)
    }

    /// A block holding a Codable value, encoded through ``IPLDEncoder`` in `codec`
    /// (``Multicodec/dagCBOR`` by default, or ``Multicodec/dagJSON``).
    ///
    /// - Throws: ``IPLDError/Code/unsupportedValue`` for any other codec.
    public init(encoding value: some Encodable, codec: Multicodec = .dagCBOR) throws {
        let ipld = try IPLDEncoder().encode(value)
        switch codec {
        case .dagCBOR: try self.init(dagCBOR: ipld)
        case .dagJSON: try self.init(dagJSON: ipld)
        default: throw IPLDError(.unsupportedValue, "cannot encode a value as a \(codec) block")
        }
    }

    /// This block's content in the IPLD data model, decoded with its CID's codec.
    ///
    /// dag-cbor and dag-json decode strictly; dag-pb gives its data model form
    /// (`{"Data": bytes, "Links": [{"Hash": link, "Name": string, "Tsize": int}]}`); raw gives bytes.
    ///
    /// - Throws: the codec's decoding error, or ``IPLDError/Code/unsupportedValue`` for a codec
    ///   Shoal cannot decode.
    public func decoded() throws -> IPLDValue {
        switch cid.codec {
        case .dagCBOR: return try DagCBOR.decode(bytes)
        case .dagJSON: return try DagJSON.decode(bytes)
        case .dagPB: return try PBNode(decoding: bytes).ipldValue
        case .raw: return .bytes(bytes)
        default: throw IPLDError(.unsupportedValue, "cannot decode a \(cid.codec) block")
        }
    }

    /// This block's content decoded into a Codable type through ``IPLDDecoder``.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try IPLDDecoder().decode(type, from: decoded())
    }
}
