/// The trickle layout (boxo `importer/trickle/trickledag.go`), built so a reader can start
/// playing a file from its first blocks.
///
/// Each node first takes up to ``ImportProfile/maxLinks`` leaves directly, then, for depth
/// 1, 2, 3, … (up to the node's own depth limit), ``depthRepeat`` subtrees of that depth, each
/// built the same way. The root has no depth limit:
///
/// ```
/// root: [leaf × maxLinks] [d1 × 4] [d2 × 4] [d3 × 4] …
/// d1:   [leaf × maxLinks]
/// d2:   [leaf × maxLinks] [d1 × 4]
/// d3:   [leaf × maxLinks] [d1 × 4] [d2 × 4]
/// ```
///
/// Even a one-chunk file gets a root node above its leaf, and with dag-pb leaves the leaves are
/// of UnixFS type `raw`, as in boxo.
enum TrickleLayout {
    /// boxo `trickle.depthRepeat`: subtrees of each depth per node.
    static let depthRepeat = 4

    static func build<C: Chunker>(_ builder: inout DagBuilder<C>) throws -> DAGLink {
        var root = FileNodeBuilder()
        try fill(&root, maxDepth: nil, from: &builder)
        return try builder.commit(root)
    }

    private static func fill<C: Chunker>(
        _ node: inout FileNodeBuilder, maxDepth: Int?, from builder: inout DagBuilder<C>
    ) throws {
        while node.count < builder.maxLinks, try !builder.isDone() {
            node.add(try builder.nextLeaf())
        }
        var depth = 1
        while maxDepth.map({ depth < $0 }) ?? true {
            if try builder.isDone() { break }
            var repeatIndex = 0
            while repeatIndex < depthRepeat, try !builder.isDone() {
                var child = FileNodeBuilder()
                try fill(&child, maxDepth: depth, from: &builder)
                node.add(try builder.commit(child))
                repeatIndex += 1
            }
            depth += 1
        }
    }
}
