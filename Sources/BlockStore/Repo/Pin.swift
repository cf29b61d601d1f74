import Foundation
import IPLD

/// A pin: a promise that gc keeps a block, and for a recursive pin everything it links to.
///
/// The pin set in `repo.sqlite` is the source of truth for what a node keeps; block files are
/// only bytes. A CID is pinned at most once: pinning a directly pinned CID recursively upgrades
/// the pin, as in kubo.
public struct Pin: Sendable, Hashable, Codable {
    /// How much of the DAG a pin keeps.
    public enum Mode: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
        /// The block and every block reachable from it.
        case recursive
        /// Just this block.
        case direct

        public var description: String { rawValue }
    }

    /// The pinned CID, exactly as it was pinned (a CIDv0 stays v0).
    public let cid: CID
    public let mode: Mode
    /// An optional label (`pin add --name`), shown by `pin ls`.
    public let name: String?
    /// When the pin was first created.
    public let created: Date
    /// Whether the DAG must never leave this node (`pin add --private`): a worker's gateway
    /// withholds it from peers and the requester, and the pool runs the tasks that read it here
    /// (compute-to-data). Pinning again keeps the mark; unpinning drops it.
    public let isPrivate: Bool

    public init(cid: CID, mode: Mode, name: String?, created: Date, isPrivate: Bool = false) {
        self.cid = cid
        self.mode = mode
        self.name = name
        self.created = created
        self.isPrivate = isPrivate
    }

    enum CodingKeys: String, CodingKey {
        case cid, mode, name, created, isPrivate = "private"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cid = try container.decode(CID.self, forKey: .cid)
        mode = try container.decode(Mode.self, forKey: .mode)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        created = try container.decode(Date.self, forKey: .created)
        isPrivate = try container.decodeIfPresent(Bool.self, forKey: .isPrivate) ?? false
    }
}

/// Whether and how a CID is kept by the pin set (`pin ls CID`).
public enum PinStatus: Sendable, Hashable, CustomStringConvertible {
    /// Pinned by itself, recursively or directly.
    case pinned(Pin)
    /// Not pinned itself, but reachable from this recursive pin.
    case indirect(via: CID)
    /// gc may remove it.
    case notPinned

    public var description: String {
        switch self {
        case .pinned(let pin): pin.mode.rawValue
        case .indirect(let via): "indirect through \(via)"
        case .notPinned: "not pinned"
        }
    }
}
