import IPLD

extension Repo {
    /// Pins `cid` in its own write session (see ``RepoWriter/pin(_:mode:name:)``).
    ///
    /// Use ``write(wait:_:)`` and pin from the writer instead when the blocks are written in the same
    /// operation, so gc cannot run in between.
    @discardableResult
    public func pin(_ cid: CID, mode: Pin.Mode = .recursive, name: String? = nil) throws -> Pin {
        try write { try $0.pin(cid, mode: mode, name: name) }
    }

    /// Removes the pin of `cid` (recursive or direct) and returns it.
    ///
    /// Blocks are not deleted: gc does that once nothing else keeps them.
    ///
    /// A dag-pb CID may be given as v0 or v1: when no pin has exactly `cid`, the pin of its
    /// other version is removed.
    ///
    /// - Throws: ``BlockStoreError/Code/notPinned`` when `cid` itself is not pinned (it may
    ///   still be kept indirectly by another pin; see ``pinStatus(_:)``).
    @discardableResult
    public func unpin(_ cid: CID) throws -> Pin {
        if let pin = try database.removePin(cid) { return pin }
        if let other = cid.otherVersion, let pin = try database.removePin(other) { return pin }
        throw BlockStoreError(.notPinned, "\(cid) is not pinned")
    }

    /// Marks the pin of `cid` private (never served to peers; see ``Pin/isPrivate``) or public again.
    ///
    /// A dag-pb CID may be given as v0 or v1, as for ``unpin(_:)``.
    ///
    /// - Throws: ``BlockStoreError/Code/notPinned`` when `cid` itself is not pinned: only a
    ///   pinned DAG can be private, so the mark never outlives the data it protects.
    @discardableResult
    public func setPrivate(_ cid: CID, _ isPrivate: Bool = true) throws -> Pin {
        if let pin = try database.setPrivate(cid, isPrivate) { return pin }
        if let other = cid.otherVersion, let pin = try database.setPrivate(other, isPrivate) { return pin }
        throw BlockStoreError(.notPinned, "\(cid) is not pinned (pin it before marking it private)")
    }

    /// The pins, optionally only those of one mode, oldest first.
    public func pins(mode: Pin.Mode? = nil) throws -> [Pin] {
        try database.pins(mode: mode)
    }

    /// The pin recorded on `cid` itself (as given, or as the other CID version of the same dag-pb
    /// block), or `nil`: one indexed lookup, without looking for a pin that holds it indirectly.
    public func recordedPin(_ cid: CID) throws -> Pin? {
        if let pin = try database.pin(for: cid) { return pin }
        if let other = cid.otherVersion { return try database.pin(for: other) }
        return nil
    }

    /// Whether `cid` is pinned itself (as given, or as the other CID version of the same dag-pb
    /// block), kept through a recursive pin, or not kept.
    ///
    /// Finding an indirect pin walks the recursive pins' DAGs (blocks must be present).
    public func pinStatus(_ cid: CID) throws -> PinStatus {
        if let pin = try recordedPin(cid) { return .pinned(pin) }
        let walker = DAGWalker(source: blocks)
        var seen = Set<CID>()
        for pin in try database.pins(mode: .recursive) {
            var found = false
            try walker.walk(from: [pin.cid], seen: &seen, readRawBlocks: false, requirePresence: false) { visit in
                if visit.cid == cid { found = true }
            }
            if found { return .indirect(via: pin.cid) }
        }
        return .notPinned
    }
}

extension CID {
    /// The same dag-pb block named with the other CID version (v0 ↔ v1), when both exist.
    var otherVersion: CID? {
        switch version {
        case .v0: v1
        case .v1: codec == .dagPB ? v0 : nil
        }
    }
}
