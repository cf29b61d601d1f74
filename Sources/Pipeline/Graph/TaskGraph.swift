/// The dependency graph of a pipeline's tasks: which task waits for which, in what order they
/// can run, and which are ready now.
///
/// A task depends on every task whose output it reads (`from: TASK.OUTPUT`). The graph is
/// acyclic by construction: the initializer rejects cycles. All queries are pure functions of the
/// graph and the caller's state, so the one-machine runner and the requester share them.
///
/// Orders are deterministic: among tasks that could go next, the one written first in the spec
/// goes first (Kahn's algorithm with the spec index as priority).
///
/// ```
///     fetch ──► clean ──► train
///        └────► stats ──┘          order: fetch, clean, stats, train
/// ```
public struct TaskGraph: Sendable, Hashable {
    /// Task ids in spec order.
    public let ids: [String]
    private let index: [String: Int]
    /// `dependencies[i]`: indices of the tasks task `i` waits for, ascending.
    private let dependencies: [[Int]]
    /// `dependants[i]`: indices of the tasks that wait for task `i`, ascending.
    private let dependants: [[Int]]
    /// Topological order as indices.
    private let orderIndices: [Int]

    /// Builds the graph of a validated spec.
    ///
    /// - Throws: ``PipelineError/Code/dependencyCycle`` naming the cycle, or
    ///   ``PipelineError/Code/unknownTask`` for a `from:` naming a missing task, or
    ///   ``PipelineError/Code/duplicateTask`` (none happens for a spec that passed validation).
    public init(_ spec: PipelineSpec) throws(PipelineError) {
        try self.init(edges: spec.tasks.map { ($0.id, $0.upstreamTaskIDs) })
    }

    /// Builds a graph from each task's id and the ids it waits for, in spec order.
    public init(edges: [(id: String, dependsOn: [String])]) throws(PipelineError) {
        ids = edges.map(\.id)
        var index: [String: Int] = [:]
        for (position, id) in ids.enumerated() where index[id] == nil { index[id] = position }
        guard index.count == ids.count else {
            let duplicate = ids.enumerated().first { index[$0.element] != $0.offset }?.element ?? ""
            throw PipelineError(.duplicateTask, "task id '\(duplicate)' is used twice")
        }
        var dependencies = [[Int]](repeating: [], count: ids.count)
        var dependants = [[Int]](repeating: [], count: ids.count)
        for (position, edge) in edges.enumerated() {
            for upstream in Set(edge.dependsOn) {
                guard let from = index[upstream] else {
                    throw PipelineError(.unknownTask, "task '\(edge.id)' waits for unknown task '\(upstream)'")
                }
                dependencies[position].append(from)
                dependants[from].append(position)
            }
        }
        let sortedDependencies = dependencies.map { $0.sorted() }
        let sortedDependants = dependants.map { $0.sorted() }
        if let cycle = Self.cycles(successors: sortedDependants).first {
            let names = (cycle + [cycle[0]]).map { edges[$0].id }
            throw PipelineError(.dependencyCycle, "dependency cycle: \(names.joined(separator: " -> "))")
        }
        self.index = index
        self.dependencies = sortedDependencies
        self.dependants = sortedDependants
        self.orderIndices = Self.kahn(dependencies: sortedDependencies, dependants: sortedDependants)
    }

    // MARK: Queries

    /// Every task in an order where each comes after all it depends on.
    public var order: [String] { orderIndices.map { ids[$0] } }

    /// Tasks grouped by depth: level 0 depends on nothing, level n on something at level n-1.
    /// Tasks in one level are independent of each other and may run in parallel.
    public var levels: [[String]] {
        var depth = [Int](repeating: 0, count: ids.count)
        for task in orderIndices {
            depth[task] = dependencies[task].map { depth[$0] + 1 }.max() ?? 0
        }
        var levels = [[String]](repeating: [], count: (depth.max() ?? -1) + 1)
        for task in ids.indices { levels[depth[task]].append(ids[task]) }
        return levels
    }

    /// The tasks `id` reads outputs of, in spec order.
    public func dependencies(of id: String) throws(PipelineError) -> [String] {
        try dependencies[position(id)].map { ids[$0] }
    }

    /// The tasks that read outputs of `id`, in spec order.
    public func dependants(of id: String) throws(PipelineError) -> [String] {
        try dependants[position(id)].map { ids[$0] }
    }

    /// Every task that depends on `id` directly or through others, in spec order: what cannot
    /// run when `id` fails.
    public func transitiveDependants(of id: String) throws(PipelineError) -> [String] {
        try closure(from: position(id), along: dependants)
    }

    /// Every task `id` depends on directly or through others, in spec order.
    public func transitiveDependencies(of id: String) throws(PipelineError) -> [String] {
        try closure(from: position(id), along: dependencies)
    }

    /// The tasks that may start now: not done, not started, and with every dependency done.
    ///
    /// A failed task should be passed in neither set: its dependants then never become ready,
    /// while independent branches go on (what `--keep-going` needs).
    /// - Parameters:
    ///   - done: ids of tasks that finished successfully (or were reused from cache).
    ///   - started: ids of tasks running, failed or otherwise not to be started again.
    /// - Returns: ready task ids in ``order``.
    public func ready(done: Set<String>, started: Set<String> = []) -> [String] {
        orderIndices.filter { task in
            let id = ids[task]
            return !done.contains(id) && !started.contains(id)
                && dependencies[task].allSatisfy { done.contains(ids[$0]) }
        }.map { ids[$0] }
    }

    /// Whether `id` is part of the graph.
    public func contains(_ id: String) -> Bool { index[id] != nil }

    // MARK: Algorithms

    private func position(_ id: String) throws(PipelineError) -> Int {
        guard let position = index[id] else { throw PipelineError(.unknownTask, "no task '\(id)' in this pipeline") }
        return position
    }

    private func closure(from start: Int, along edges: [[Int]]) -> [String] {
        var seen = Set<Int>()
        var stack = edges[start]
        while let next = stack.popLast() {
            if seen.insert(next).inserted { stack.append(contentsOf: edges[next]) }
        }
        return seen.sorted().map { ids[$0] }
    }

    private static func kahn(dependencies: [[Int]], dependants: [[Int]]) -> [Int] {
        var waiting = dependencies.map(\.count)
        // The ready set is small; picking its minimum keeps spec order as the tie-break.
        var ready = Set(waiting.indices.filter { waiting[$0] == 0 })
        var order: [Int] = []
        while let next = ready.min() {
            ready.remove(next)
            order.append(next)
            for dependant in dependants[next] {
                waiting[dependant] -= 1
                if waiting[dependant] == 0 { ready.insert(dependant) }
            }
        }
        return order
    }

    /// One cycle for each strongly connected component that has one (Tarjan's algorithm), each
    /// as node indices in edge direction, starting at the component's first node in spec order.
    ///
    /// Used by ``TaskGraph/init(edges:)`` and by validation, which reports every cycle at once.
    static func cycles(successors: [[Int]]) -> [[Int]] {
        let count = successors.count
        var indexOf = [Int?](repeating: nil, count: count)
        var lowLink = [Int](repeating: 0, count: count)
        var onStack = [Bool](repeating: false, count: count)
        var stack: [Int] = []
        var nextIndex = 0
        var components: [[Int]] = []

        // Iterative depth-first search, so a long chain cannot overflow the call stack.
        for root in 0..<count where indexOf[root] == nil {
            var work: [(node: Int, edge: Int)] = [(root, 0)]
            indexOf[root] = nextIndex; lowLink[root] = nextIndex; nextIndex += 1
            stack.append(root); onStack[root] = true
            while let (node, edge) = work.last {
                if edge < successors[node].count {
                    work[work.count - 1].edge += 1
                    let next = successors[node][edge]
                    if indexOf[next] == nil {
                        indexOf[next] = nextIndex; lowLink[next] = nextIndex; nextIndex += 1
                        stack.append(next); onStack[next] = true
                        work.append((next, 0))
                    } else if onStack[next] {
                        lowLink[node] = min(lowLink[node], indexOf[next]!)
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last { lowLink[parent.node] = min(lowLink[parent.node], lowLink[node]) }
                if lowLink[node] == indexOf[node] {
                    var component: [Int] = []
                    while let top = stack.popLast() {
                        onStack[top] = false
                        component.append(top)
                        if top == node { break }
                    }
                    let isCycle = component.count > 1 || successors[node].contains(node)
                    if isCycle { components.append(component) }
                }
            }
        }
        return components.map { cyclePath(in: Set($0), successors: successors) }
            .sorted { $0[0] < $1[0] }
    }

    /// A simple cycle through the smallest node of a strongly connected component, found by a
    /// breadth-first search back to it (so the path is a shortest one).
    private static func cyclePath(in component: Set<Int>, successors: [[Int]]) -> [Int] {
        let start = component.min()!
        var parent: [Int: Int] = [:]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let node = queue[head]; head += 1
            for next in successors[node] where component.contains(next) {
                if next == start {
                    var path = [node]
                    while let previous = parent[path[0]] { path.insert(previous, at: 0) }
                    return path
                }
                if parent[next] == nil, next != start {
                    parent[next] = node
                    queue.append(next)
                }
            }
        }
        return [start]
    }
}
