import IPLD

/// Fetches blocks without trusting the source: every block is re-hashed against its CID.
///
/// Lineage and verification read blocks from stores and peers they do not control; a block that
/// does not hash to the CID it was asked for is reported as tampered, never used.
enum BlockFetch {
    /// Why a block could not be used.
    enum Problem: Error, Sendable, Hashable {
        /// The source does not have it (or could not read it).
        case missing(String)
        /// The source returned bytes that do not hash to the CID.
        case tampered(String)
        /// The block hashes correctly but is not the object expected.
        case undecodable(String)

        var reason: String {
            switch self {
            case .missing(let reason), .tampered(let reason), .undecodable(let reason): reason
            }
        }

        /// The lineage node state for a provenance block with this problem.
        var nodeState: LineageGraph.Node.State {
            switch self {
            case .missing(let reason): .missing(reason)
            case .tampered(let reason), .undecodable(let reason): .invalid(reason)
            }
        }
    }

    /// The verified block named `cid`.
    static func block(_ cid: CID, from source: any BlockSource) -> Result<Block, Problem> {
        let bytes: [UInt8]
        do {
            bytes = try source.block(cid)
        } catch let error as IPLDError where error.code == .blockNotFound {
            return .failure(.missing("block not found"))
        } catch {
            return .failure(.missing("block cannot be read: \(error)"))
        }
        guard cid.verifies(bytes) else {
            return .failure(.tampered(cid.multihash.code == .sha2_256
                ? "block does not hash to its CID (tampered or corrupt)"
                : "block uses hash function \(cid.multihash.code), which Shoal cannot check"))
        }
        return .success(Block(trusted: cid, bytes: bytes))
    }

    /// The verified block named `cid`, decoded as a provenance object.
    static func object<T: ProvenanceObject>(_ type: T.Type, _ cid: CID, from source: any BlockSource) -> Result<T, Problem> {
        block(cid, from: source).flatMap { block in
            do {
                return .success(try T(block: block))
            } catch let error as ProvenanceError {
                return .failure(.undecodable(error.message))
            } catch {
                return .failure(.undecodable("not a \(T.typeName) object: \(error)"))
            }
        }
    }
}
