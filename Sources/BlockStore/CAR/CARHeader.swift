import IPLD

/// The header of a CAR v1 file: `{"roots": [CID, …], "version": 1}` in dag-cbor.
///
/// Encoded and decoded with IPLD's strict ``DagCBOR`` codec, so a header written here is
/// canonical and a header read here was canonical. Extra keys are ignored, as go-car does.
public struct CARHeader: Sendable, Hashable {
    public var roots: [CID]
    public var version: UInt64

    public init(roots: [CID], version: UInt64 = 1) {
        self.roots = roots
        self.version = version
    }

    /// The form the header takes in dag-cbor; `roots` may be absent in a CAR without roots.
    private struct Wire: Codable {
        var roots: [CID]?
        var version: UInt64
    }

    /// The dag-cbor bytes of the header (without the length prefix).
    public func encoded() -> [UInt8] {
        // A map of an array of links and an integer always encodes; nothing here can fail.
        (try? DagCBOR.encode(Wire(roots: roots, version: version))) ?? []
    }

    /// Decodes a header block.
    ///
    /// - Throws: ``BlockStoreError/Code/badCAR`` when it is not a dag-cbor map with an unsigned
    ///   `version` and a `roots` list of links; a CARv2 pragma is named as such.
    public init(decoding bytes: [UInt8]) throws {
        let wire: Wire
        do {
            wire = try DagCBOR.decode(Wire.self, from: bytes)
        } catch let error as IPLDError {
            throw BlockStoreError(.badCAR, "header is not a valid CAR header: \(error.message)")
        }
        guard wire.version == 1 else {
            if wire.version == 2 { throw BlockStoreError(.badCAR, "this is a CARv2 file; only CARv1 is supported") }
            throw BlockStoreError(.badCAR, "unsupported CAR version \(wire.version)")
        }
        self.init(roots: wire.roots ?? [], version: wire.version)
    }
}
