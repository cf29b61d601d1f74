import IPLD

/// Walks provenance from any CID back to the raw data it was made from.
///
/// The walk follows, from the starting CID:
///
/// 1. data → the step that produced it, found in the ``ProvenanceIndex`` (or, when the index
///    does not know it, among the `parents` of the step that read the data, so lineage works
///    from the blocks alone);
/// 2. step → its recipe, and a cached step → its original step;
/// 3. recipe → its tool and each input (by name, in order), which are data again;
///
/// until it reaches data no step produced (**raw** inputs). The starting CID may be data (an
/// output, a dataset), a step, a recipe or an attestation (the walk then starts at its step).
///
/// Every node is listed once, so shared inputs make a DAG rather than a blown-up tree, and a
/// cycle (impossible with hashes, but a hostile index could fake one) ends at a node already
/// seen. With a depth limit, a node is judged by the shortest path that reaches it. Blocks are re-hashed against their CIDs as they are read; a missing or
/// tampered block becomes a node marked missing or invalid, and the walk goes on elsewhere.
///
/// The walk is iterative, so a chain of thousands of steps does not deepen the call stack.
///
/// ```swift
/// let graph = try Lineage.walk(from: modelCID, source: store, index: index)
/// print(graph.rendered(as: .tree))
/// graph.rawInputs                    // [corpusCID]
/// ```
public enum Lineage {
    /// The lineage graph of `cid`.
    ///
    /// - Parameters:
    ///   - cid: Data, a step, a recipe or an attestation.
    ///   - source: Where step and recipe blocks are read; data blocks are never read.
    ///   - index: Output → step lookups.
    ///   - maxDepth: How many generations of steps to follow: 1 follows only the step that
    ///     produced `cid` (or `cid` itself when it is a step) and stops at that step's inputs,
    ///     0 stops at `cid` itself (a step is read but not followed); `nil` (the default)
    ///     follows everything. Data left unfollowed is marked ``LineageGraph/Node/State/unexplored``.
    /// - Throws: only what the index throws; problems with blocks are recorded in the graph.
    public static func walk(
        from cid: CID, source: any BlockSource, index: any ProvenanceIndex, maxDepth: Int? = nil
    ) throws -> LineageGraph {
        let depth = maxDepth.map { max(0, $0) }
        let root = try LineageWalker.classify(cid, source: source, index: index)
        var walker = LineageWalker(source: source, index: index, graph: LineageGraph(root: root, maxDepth: depth))
        return try walker.run()
    }
}

/// The state of one walk.
struct LineageWalker {
    let source: any BlockSource
    let index: any ProvenanceIndex
    let maxDepth: Int?

    /// One node still to expand: its identity, the generation of steps it belongs to, and the
    /// parents of the step whose recipe reached it (where an unindexed input's producer may be).
    struct Work {
        var id: LineageGraph.NodeID
        var generation: Int
        var parents: [CID]
    }

    private var graph: LineageGraph
    private var stack: [Work] = []
    /// With a depth limit: the smallest generation each node was expanded at.
    private var expandedAt: [LineageGraph.NodeID: Int] = [:]

    init(source: any BlockSource, index: any ProvenanceIndex, graph: LineageGraph) {
        self.source = source
        self.index = index
        self.maxDepth = graph.maxDepth
        self.graph = graph
    }

    mutating func run() throws -> LineageGraph {
        let root = graph.root
        stack = [Work(id: root, generation: root.kind == .data ? 0 : 1, parents: [])]
        while let work = stack.popLast() {
            if maxDepth == nil {
                guard !graph.contains(work.id) else { continue }
            } else {
                // A node first reached on a long path may be cut off by the limit; reached again
                // on a shorter path it is expanded again (at most once per smaller generation,
                // so the walk stays bounded), updating its state in place.
                if let seen = expandedAt[work.id], seen <= work.generation { continue }
                expandedAt[work.id] = work.generation
            }
            switch work.id.kind {
            case .data: try expandData(work)
            case .step: expandStep(work)
            case .recipe: expandRecipe(work)
            }
        }
        return graph
    }

    /// Decides what kind of node the starting CID is.
    static func classify(_ cid: CID, source: any BlockSource, index: any ProvenanceIndex) throws -> LineageGraph.NodeID {
        if try index.producingStep(of: cid) != nil { return .init(.data, cid) }
        // Only dag-cbor blocks can be Shoal objects; data (UnixFS, raw) is never fetched.
        guard cid.codec == .dagCBOR, case .success(let block) = BlockFetch.block(cid, from: source),
              let value = try? block.decoded(), let kind = ProvenanceObjectKind(of: value)
        else { return .init(.data, cid) }
        switch kind {
        case .step: return .init(.step, cid)
        case .recipe: return .init(.recipe, cid)
        case .attestation:
            guard let step = value["step"]?.link else { return .init(.data, cid) }
            return .init(.step, step)
        }
    }

    /// Pushes children so they are expanded in the order given (the stack pops the last first).
    private mutating func push(_ children: [Work]) {
        stack.append(contentsOf: children.reversed())
    }

    private mutating func expandData(_ work: Work) throws {
        let cid = work.id.cid
        guard let producer = try producingStep(of: cid, parents: work.parents) else {
            graph.insert(.init(id: work.id, state: .raw))
            return
        }
        if let maxDepth, work.generation >= maxDepth {
            graph.insert(.init(id: work.id, state: .unexplored))
            return
        }
        graph.insert(.init(id: work.id, state: .ok))
        let step = LineageGraph.NodeID(.step, producer)
        graph.connect(work.id, step, .producedBy)
        push([Work(id: step, generation: work.generation + 1, parents: [])])
    }

    private mutating func expandStep(_ work: Work) {
        switch BlockFetch.object(Step.self, work.id.cid, from: source) {
        case .failure(let problem):
            graph.insert(.init(id: work.id, state: problem.nodeState))
        case .success(let step):
            // Only a step given as the root can lie beyond the limit (depth 0): read, not followed.
            if let maxDepth, work.generation > maxDepth {
                graph.insert(.init(id: work.id, state: .unexplored, step: step))
                return
            }
            graph.insert(.init(id: work.id, state: .ok, step: step))
            let recipe = LineageGraph.NodeID(.recipe, step.recipe)
            graph.connect(work.id, recipe, .recipe)
            var children = [Work(id: recipe, generation: work.generation, parents: step.parents)]
            if let original = step.original {
                let id = LineageGraph.NodeID(.step, original)
                graph.connect(work.id, id, .original)
                children.append(Work(id: id, generation: work.generation, parents: []))
            }
            push(children)
        }
    }

    private mutating func expandRecipe(_ work: Work) {
        switch BlockFetch.object(Recipe.self, work.id.cid, from: source) {
        case .failure(let problem):
            graph.insert(.init(id: work.id, state: problem.nodeState))
        case .success(let recipe):
            graph.insert(.init(id: work.id, state: .ok, recipe: recipe))
            var children: [Work] = []
            if let tool = recipe.tool {
                let id = LineageGraph.NodeID(.data, tool)
                graph.connect(work.id, id, .tool)
                children.append(Work(id: id, generation: work.generation, parents: work.parents))
            }
            for name in recipe.inputs.keys.sorted() {
                let id = LineageGraph.NodeID(.data, recipe.inputs[name]!)
                graph.connect(work.id, id, .input(name))
                children.append(Work(id: id, generation: work.generation, parents: work.parents))
            }
            push(children)
        }
    }

    /// The step that produced `cid`: the index's answer, else the parent step that lists it
    /// among its outputs.
    private func producingStep(of cid: CID, parents: [CID]) throws -> CID? {
        if let step = try index.producingStep(of: cid) { return step }
        for parent in parents {
            if case .success(let step) = BlockFetch.object(Step.self, parent, from: source),
               step.outputs.values.contains(where: { $0.v1 == cid.v1 }) {
                return parent
            }
        }
        return nil
    }
}
