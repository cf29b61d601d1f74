/// The balanced layout (boxo `importer/balanced/builder.go`): every internal node is filled with
/// ``ImportProfile/maxLinks`` children before a new level is started above it.
///
/// ```
///                       +-------------+
///                       |   Root 2    |
///                       +-------------+
///                              |
///                 +------------+-------------+
///                 |                          |
///          +-------------+            +-------------+
///          |   Root 1    |            |   Node 2    |
///          +-------------+            +-------------+
///                 |                          |
///        +--------+--------+                 |
///        |                 |                 |
///   +---------+       +---------+       +---------+
///   | Chunk 1 |  ...  | Chunk N |       |Chunk N+1|  ...
///   +---------+       +---------+       +---------+
/// ```
///
/// The tree grows at the top: the current root becomes the first child of a new root, whose
/// remaining children are filled depth-first with subtrees of the same depth. A file of one chunk
/// is that chunk's leaf alone, and an empty file is an empty leaf.
enum BalancedLayout {
    static func build<C: Chunker>(_ builder: inout DagBuilder<C>) throws -> DAGLink {
        if try builder.isDone() { return try builder.emptyFile() }
        var root = try builder.nextLeaf()
        var depth = 1
        while try !builder.isDone() {
            var newRoot = FileNodeBuilder()
            newRoot.add(root)
            try fill(&newRoot, depth: depth, from: &builder)
            root = try builder.commit(newRoot)
            depth += 1
        }
        return root
    }

    /// Fills `node` with subtrees of `depth - 1` levels (leaves when `depth` is 1) until it is
    /// full or the input ends.
    private static func fill<C: Chunker>(
        _ node: inout FileNodeBuilder, depth: Int, from builder: inout DagBuilder<C>
    ) throws {
        while node.count < builder.maxLinks, try !builder.isDone() {
            if depth == 1 {
                node.add(try builder.nextLeaf())
            } else {
                var child = FileNodeBuilder()
                try fill(&child, depth: depth - 1, from: &builder)
                node.add(try builder.commit(child))
            }
        }
    }
}
