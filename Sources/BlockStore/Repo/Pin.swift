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

    public init(cid: CID, mode: Mode, name: String?, created: Date) {
        self.cid = cid
        self.mode = mode
        self.name = name
        self.created = created
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
