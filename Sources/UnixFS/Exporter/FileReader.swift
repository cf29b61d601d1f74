import IPLD

/// Streams the bytes of a UnixFS file, or a range of them, reading only the blocks that cover
/// the range.
///
/// A file node's bytes are its inline data followed by each child's bytes in link order, and
/// `blocksizes[i]` says how many bytes child `i` holds. So the reader knows where every subtree
/// starts without fetching it, and skips the subtrees outside the range. Each child must hold
/// exactly the bytes its parent promises; a DAG that lies about sizes is rejected.
struct FileReader {
    let fetcher: BlockFetcher

    /// The deepest file DAG accepted: far beyond any real layout (a balanced DAG of 1-byte chunks
    /// 12 levels deep holds 174^12 bytes), but it stops a malicious chain of nodes from
    /// exhausting the stack.
    static let maxDepth = 64

    /// Calls `body` with consecutive pieces of `range` of the file `root` (already decoded).
    func read(
        _ root: UnixFSNode.FileNode, cid: CID, range: Range<UInt64>,
        _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard !range.isEmpty else { return }
        try visit(root, cid: cid, start: 0, range: range, depth: 0, body)
    }

    /// Emits the part of `range` inside `node`, whose first byte is byte `start` of the file.
    private func visit(
        _ node: UnixFSNode.FileNode, cid: CID, start: UInt64, range: Range<UInt64>, depth: Int,
        _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard depth <= Self.maxDepth else {
            throw UnixFSError.invalid(cid, "file DAG is deeper than \(Self.maxDepth) levels")
        }
        // Inline bytes first.
        let inline = start..<(start + UInt64(node.dataRange.count))
        let wanted = inline.clamped(to: range)
        if !wanted.isEmpty {
            let from = node.dataRange.lowerBound + Int(wanted.lowerBound - start)
            let to = from + wanted.count
            try node.storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[from..<to])) }
        }
        // Then the children, skipping those outside the range without fetching them.
        var childStart = inline.upperBound
        for (child, size) in zip(node.children, node.blocksizes) {
            let childRange = childStart..<(childStart + size)
            defer { childStart = childRange.upperBound }
            if childRange.upperBound <= range.lowerBound || size == 0 { continue }
            if childRange.lowerBound >= range.upperBound { break }
            guard case .file(let part) = try fetcher.node(child) else {
                throw UnixFSError.invalid(child, "a file links to it, but it is not a file part")
            }
            guard part.size == size else {
                throw UnixFSError.invalid(child, "holds \(part.size) bytes but its parent \(cid) says \(size)")
            }
            try visit(part, cid: child, start: childRange.lowerBound, range: range, depth: depth + 1, body)
        }
    }
}
