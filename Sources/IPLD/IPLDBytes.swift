#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Bytes that a Codable type wants stored as the IPLD bytes kind.
///
/// ``IPLDEncoder`` already stores `[UInt8]` and `Data` as bytes; this wrapper says so in the
/// type itself and also keeps the meaning with other encoders (with `JSONEncoder` it becomes an
/// unpadded base64 string, as in dag-json's bytes form).
///
/// ```swift
/// struct Attestation: Codable {
///     var step: CID
///     var signer: String
///     var sig: IPLDBytes       // dag-cbor byte string, dag-json {"/":{"bytes":"…"}}
/// }
/// ```
public struct IPLDBytes: Hashable, Sendable, Codable, ExpressibleByArrayLiteral, CustomStringConvertible {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ data: Data) { self.bytes = Array(data) }
    public init(arrayLiteral elements: UInt8...) { self.bytes = elements }

    /// The bytes as `Data`.
    public var data: Data { Data(bytes) }

    public var description: String { "\(bytes.count) bytes" }

    public init(from decoder: any Decoder) throws {
        if let ipld = decoder as? IPLDValueDecoder {
            guard case .bytes(let bytes) = ipld.value else {
                throw IPLDValueDecoder.mismatch(IPLDBytes.self, expected: .bytes, found: ipld.value, ipld.codingPath)
            }
            self.bytes = bytes
            return
        }
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        switch Base64.decode(text.utf8) {
        case .success(let bytes): self.bytes = bytes
        case .failure(let reason):
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(reason)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Base64.encode(bytes))
    }
}
