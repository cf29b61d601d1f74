import IPLD

/// Every setting that changes the CIDs an import produces, in one value.
///
/// Two imports of the same bytes with equal profiles give the same CIDs, and those are the CIDs
/// kubo (v0.22, boxo v0.11) gives with the same `ipfs add` flags. Use a preset, or start from one
/// and change fields; ``init(cidVersion:rawLeaves:chunker:trickle:)`` applies kubo's flag rules.
///
/// ```swift
/// let profile = ImportProfile.kuboDefault            // ipfs add (CIDv0)
/// var small = ImportProfile.cidV1                      // ipfs add --cid-version 1
/// small.chunker = .fixedSize(1024)                     //   --chunker size-1024
/// ```
///
/// Which files are imported (hidden files, wrapping) is not part of the profile: see
/// ``ImportOptions``.
public struct ImportProfile: Hashable, Sendable {
    /// How file chunks are arranged under the root.
    public enum Layout: String, Hashable, Sendable, CaseIterable {
        /// A balanced tree, every node filled to ``ImportProfile/maxLinks`` (boxo `balanced`).
        case balanced
        /// A trickle DAG, suited to streaming from the start (boxo `trickle`, `--trickle`).
        case trickle
    }

    /// The CID version of dag-pb nodes (raw leaves are always CIDv1, as in kubo).
    public var cidVersion: CID.Version
    /// Whether leaves are `raw` blocks (`true`) or UnixFS nodes wrapped in dag-pb (`false`).
    public var rawLeaves: Bool
    /// How file bytes are split into leaves.
    public var chunker: ChunkerSpec
    public var layout: Layout
    /// The most links one file node holds.
    public var maxLinks: Int
    /// A directory whose estimated size (sum over entries of name bytes + CID bytes) reaches this
    /// many bytes is written as a HAMT-sharded directory; `0` never shards.
    public var hamtShardingThreshold: Int
    /// Buckets per HAMT shard: a power of two, a multiple of 8, at most 1024.
    public var hamtFanout: Int

    /// boxo `helpers.DefaultLinksPerBlock`: 8192 / 47 = 174, a rough 8 KiB node divided by a rough
    /// link size (34-byte multihash + 8-byte size + 5 bytes of protobuf framing).
    public static let defaultMaxLinks = 8192 / 47

    /// boxo v0.11 `io.HAMTShardingSize` (kubo v0.22 `Internal.UnixFSShardingSizeThreshold`): 256 KiB.
    public static let defaultHAMTShardingThreshold = 256 * 1024

    /// boxo `io.DefaultShardWidth`: 256 buckets, so each level consumes 8 bits of the name's hash.
    public static let defaultHAMTFanout = 256

    /// The widest HAMT boxo accepts (`hamt.maximumHamtWidth` = 1 << 10).
    public static let maxHAMTFanout = 1024

    public init(
        cidVersion: CID.Version, rawLeaves: Bool, chunker: ChunkerSpec = .default, layout: Layout = .balanced,
        maxLinks: Int = ImportProfile.defaultMaxLinks,
        hamtShardingThreshold: Int = ImportProfile.defaultHAMTShardingThreshold,
        hamtFanout: Int = ImportProfile.defaultHAMTFanout
    ) {
        self.cidVersion = cidVersion
        self.rawLeaves = rawLeaves
        self.chunker = chunker
        self.layout = layout
        self.maxLinks = maxLinks
        self.hamtShardingThreshold = hamtShardingThreshold
        self.hamtFanout = hamtFanout
    }

    /// `ipfs add` with no flags: CIDv0, dag-pb leaves, `size-262144`, balanced, 174 links.
    public static let kuboDefault = ImportProfile(cidVersion: .v0, rawLeaves: false)

    /// `ipfs add --cid-version 1`: CIDv1 with raw leaves, otherwise as ``kuboDefault``.
    public static let cidV1 = ImportProfile(cidVersion: .v1, rawLeaves: true)

    /// What `shoal add` uses without flags: ``cidV1``.
    public static let shoalDefault = cidV1

    /// A profile from `add` flags, with kubo's rules for the ones left out.
    ///
    /// `--cid-version 1` implies raw leaves unless `rawLeaves` is given as `false`; `--cid-version 0`
    /// means dag-pb leaves unless `rawLeaves` is `true`. Without a CID version, Shoal's default
    /// (CIDv1) applies.
    ///
    /// - Throws: ``UnixFSError/Code/invalidChunker`` for a bad chunker string.
    public init(cidVersion: Int? = nil, rawLeaves: Bool? = nil, chunker: String? = nil, trickle: Bool = false) throws {
        let version: CID.Version
        switch cidVersion {
        case nil: version = ImportProfile.shoalDefault.cidVersion
        case 0?: version = .v0
        case 1?: version = .v1
        case let other?: throw UnixFSError(.invalidProfile, "CID version \(other) does not exist (use 0 or 1)")
        }
        self.init(
            cidVersion: version,
            rawLeaves: rawLeaves ?? (version == .v1),
            chunker: try chunker.map(ChunkerSpec.init(parsing:)) ?? .default,
            layout: trickle ? .trickle : .balanced
        )
    }

    /// Checks the settings that have limits.
    ///
    /// - Throws: ``UnixFSError/Code/invalidProfile`` naming the setting.
    public func validate() throws {
        guard chunker.maxChunkSize > 0, chunker.maxChunkSize <= ChunkerSpec.maxChunkSize else {
            throw UnixFSError(.invalidChunker, "chunk size \(chunker.maxChunkSize) outside 1...\(ChunkerSpec.maxChunkSize)")
        }
        guard maxLinks >= 2 else {
            throw UnixFSError(.invalidProfile, "max links per node must be at least 2, not \(maxLinks)")
        }
        guard hamtShardingThreshold >= 0 else {
            throw UnixFSError(.invalidProfile, "HAMT sharding threshold must not be negative")
        }
        guard hamtFanout >= 8, hamtFanout <= Self.maxHAMTFanout, hamtFanout & (hamtFanout - 1) == 0 else {
            throw UnixFSError(
                .invalidProfile, "HAMT fanout \(hamtFanout) must be a power of two in 8...\(Self.maxHAMTFanout)")
        }
    }
}
