import IPLD
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads blocks from a ``BlockSource`` that may not be trusted, checking each against its CID.
///
/// Every block the exporter uses comes through here: a block whose bytes do not hash to its CID
/// is rejected as ``UnixFSError/Code/corruptBlock``, and a block the source does not have is a
/// ``UnixFSError/Code/missingBlock``; both name the CID. Identity CIDs carry their bytes inline
/// and need no source.
struct BlockFetcher: Sendable {
    let source: any BlockSource

    /// The verified bytes of `cid`.
    func bytes(_ cid: CID) throws -> [UInt8] {
        switch cid.multihash.code {
        case .identity:
            return cid.multihash.digest
        case .sha2_256:
            break
        default:
            throw UnixFSError(.unsupported, "block \(cid) uses hash function \(cid.multihash.code), which Shoal cannot verify")
        }
        let bytes: [UInt8]
        do {
            bytes = try source.block(cid)
        } catch let error as IPLDError where error.code == .blockNotFound {
            throw UnixFSError(.missingBlock, "block \(cid) is not available")
        }
        guard cid.verifies(bytes) else {
            throw UnixFSError(.corruptBlock, "block \(cid) does not match its hash (corrupt or tampered with)")
        }
        return bytes
    }

    /// The verified, decoded UnixFS node `cid`.
    func node(_ cid: CID) throws -> UnixFSNode {
        try UnixFSNode(cid: cid, bytes: bytes(cid))
    }
}
