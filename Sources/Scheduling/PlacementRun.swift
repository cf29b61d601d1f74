import IPLD

/// The working state of one ``Scheduler/place(tasks:nodes:now:search:)`` call.
///
/// It holds the nodes in id order (a node's *position* is its index there, and positions break
/// every tie), the free room left after the placements made so far in this call, one
/// ``NodeGroup`` per distinct constraint list, and per-node scratch counters that are non-zero
/// only for the nodes holding the inputs of the task being decided. The locality policy that
/// turns these into a decision is in `PlacementRun+Policy.swift`.
struct PlacementRun {
    /// The pool, sorted by id; a node id given twice keeps its first snapshot.
    let nodes: [NodeSnapshot]
    let positionByID: [String: Int32]
    /// Free room per node, reduced as tasks are placed.
    var free: [Resources]
    let search: Scheduler.Search
    private let holderIndex: HolderIndex?

    private var groupByConstraints: [[Constraint]: Int] = [:]
    var groups: [NodeGroup] = []

    // Scratch per node position, zero except for the nodes in `touched` while one task is decided.
    var localBytes: [UInt64]
    var localCount: [Int32]
    var privateCount: [Int32]
    var touched: [Int32] = []
    private var skipped: [FreeRank] = []

    /// - Parameter wanted: The DAGs the tasks to place read (only their holders are indexed).
    init(nodes given: [NodeSnapshot], search: Scheduler.Search, wanted: Set<DigestKey>) {
        var sorted = given.enumerated().sorted { lhs, rhs in
            lhs.element.id != rhs.element.id ? lhs.element.id < rhs.element.id : lhs.offset < rhs.offset
        }.map(\.element)
        var last: String?
        sorted.removeAll { node in
            defer { last = node.id }
            return node.id == last
        }
        nodes = sorted
        var positions: [String: Int32] = [:]
        positions.reserveCapacity(sorted.count)
        for (position, node) in sorted.enumerated() { positions[node.id] = Int32(position) }
        positionByID = positions
        free = sorted.map(\.free)
        self.search = search
        holderIndex = search == .indexed ? HolderIndex(nodes: sorted, wanted: wanted) : nil
        localBytes = Array(repeating: 0, count: sorted.count)
        localCount = Array(repeating: 0, count: sorted.count)
        privateCount = Array(repeating: 0, count: sorted.count)
    }

    // MARK: Constraint groups

    /// The group of nodes matching `constraints`, created on first use.
    mutating func group(for constraints: [Constraint]) -> Int {
        if let existing = groupByConstraints[constraints] { return existing }
        let group = NodeGroup(constraints: constraints, nodes: nodes)
        groups.append(group)
        groupByConstraints[constraints] = groups.count - 1
        return groups.count - 1
    }

    /// Whether some node of group `g`, whatever its status, could hold `demand` when idle.
    mutating func isLargeEnough(group g: Int, for demand: Resources) -> Bool {
        if let known = groups[g].largeEnough[demand] { return known }
        var answer = false
        for position in nodes.indices where groups[g].matches[position] && demand.fits(in: nodes[position].total) {
            answer = true
            break
        }
        groups[g].largeEnough[demand] = answer
        return answer
    }

    // MARK: Inputs and their holders

    /// Collects the task's distinct inputs with their holders and resolved sizes, and fills the
    /// scratch counters (bytes, inputs and private inputs held per node) for every holder.
    ///
    /// An input's size is the one the task gives, else the largest whole-DAG size a holder
    /// reported, else unknown (which means no node holds it).
    mutating func collectHoldings(of inputs: [TaskDemand.Input]) -> [ResolvedInput] {
        var resolved: [ResolvedInput] = []
        resolved.reserveCapacity(inputs.count)
        for input in Self.distinct(inputs) {
            let holders = holders(of: input.cid)
            var size = input.size
            if size == nil, let largest = holders.lazy.map(\.size).max() { size = largest }
            resolved.append(ResolvedInput(cid: input.cid, size: size, isPrivate: input.isPrivate, holders: holders))
        }
        for input in resolved {
            for holder in input.holders {
                let position = Int(holder.node)
                if localCount[position] == 0 { touched.append(holder.node) }
                localBytes[position] &+= input.size ?? 0
                localCount[position] += 1
                if input.isPrivate { privateCount[position] += 1 }
            }
        }
        return resolved
    }

    /// Clears the scratch counters filled by ``collectHoldings(of:)``.
    mutating func resetHoldings() {
        for node in touched {
            localBytes[Int(node)] = 0
            localCount[Int(node)] = 0
            privateCount[Int(node)] = 0
        }
        touched.removeAll(keepingCapacity: true)
    }

    private func holders(of cid: CID) -> [HolderIndex.Holder] {
        if let holderIndex { return holderIndex.holders(of: cid) }
        var found: [HolderIndex.Holder] = []
        for (position, node) in nodes.enumerated() {
            if let size = node.pins[cid] { found.append(HolderIndex.Holder(node: Int32(position), size: size)) }
        }
        return found
    }

    /// The inputs with duplicates merged: a CID listed twice counts once, with the first known
    /// size, and is private if any listing says so.
    private static func distinct(_ inputs: [TaskDemand.Input]) -> [TaskDemand.Input] {
        var result: [TaskDemand.Input] = []
        result.reserveCapacity(inputs.count)
        var positions: [CID: Int]? = inputs.count > 16 ? [:] : nil
        for input in inputs {
            let existing = positions?[input.cid] ?? (positions == nil ? result.firstIndex { $0.cid == input.cid } : nil)
            if let existing {
                if result[existing].size == nil { result[existing].size = input.size }
                if input.isPrivate { result[existing].isPrivate = true }
            } else {
                positions?[input.cid] = result.count
                result.append(input)
            }
        }
        return result
    }

    // MARK: Ranking

    /// How `node` ranks for the task whose holdings are in the scratch counters.
    func rank(of node: Int32, failedOn: [Int32], upstream: [Int32]) -> CandidateRank {
        let position = Int(node)
        return CandidateRank(
            notFailed: !failedOn.contains(node),
            bytes: localBytes[position],
            count: localCount[position],
            upstream: upstream.contains(node),
            free: FreeRank(free[position], node: node))
    }

    /// Whether `node` can take `demand` right now: ready, in group `g`, with room.
    func canTakeNow(_ node: Int32, group g: Int, demand: Resources) -> Bool {
        let position = Int(node)
        return nodes[position].status == .ready && groups[g].matches[position] && demand.fits(in: free[position])
    }

    /// Records that `demand` now runs on `node`.
    mutating func consume(_ demand: Resources, on node: Int32) {
        free[Int(node)] = demand.subtracted(from: free[Int(node)])
    }

    /// The ready node of group `g` with the most free room that fits `demand` now and is not in
    /// `failedOn`: the best candidate among nodes that hold no input and produced no upstream output.
    mutating func emptiestFittingNode(group g: Int, demand: Resources, failedOn: [Int32]) -> Int32? {
        switch search {
        case .scan:
            var best: FreeRank?
            for position in nodes.indices where !failedOn.contains(Int32(position)) {
                guard canTakeNow(Int32(position), group: g, demand: demand) else { continue }
                let rank = FreeRank(free[position], node: Int32(position))
                if best.map({ $0 < rank }) ?? true { best = rank }
            }
            return best?.node
        case .indexed:
            var heap = groups[g].heap ?? NodeGroup.heap(of: groups[g], nodes: nodes, free: free)
            groups[g].heap = nil  // hand the storage over, so popping does not copy it
            defer {
                for entry in skipped { heap.push(entry) }
                skipped.removeAll(keepingCapacity: true)
                groups[g].heap = heap
            }
            while let entry = heap.popMax() {
                let position = Int(entry.node)
                let current = FreeRank(free[position], node: entry.node)
                if current != entry {
                    // Placed on since this entry was pushed: re-rank it, or drop it once full.
                    if free[position].slots > 0 { heap.push(current) }
                    continue
                }
                skipped.append(entry)
                if !failedOn.contains(entry.node) && demand.fits(in: free[position]) { return entry.node }
            }
            return nil
        }
    }
}

/// The nodes that satisfy one constraint list, with the counts used in reasons and a heap of the
/// ready ones by free room (built the first time the group needs it).
struct NodeGroup {
    let constraints: [Constraint]
    let matches: [Bool]
    let matchCount: Int
    let readyCount: Int
    let drainingCount: Int
    let downCount: Int
    var heap: FreeCapacityHeap?
    /// Answers of ``PlacementRun/isLargeEnough(group:for:)`` by demand.
    var largeEnough: [Resources: Bool] = [:]

    init(constraints: [Constraint], nodes: [NodeSnapshot]) {
        self.constraints = constraints
        let matches = nodes.map { node in constraints.allSatisfy { $0.isSatisfied(by: node.labels) } }
        self.matches = matches
        var counts: [NodeSnapshot.Status: Int] = [:]
        for (node, matched) in zip(nodes, matches) where matched { counts[node.status, default: 0] += 1 }
        readyCount = counts[.ready] ?? 0
        drainingCount = counts[.draining] ?? 0
        downCount = counts[.down] ?? 0
        matchCount = readyCount + drainingCount + downCount
    }

    /// A heap of the group's ready nodes that have a free slot, ranked by their current room.
    static func heap(of group: NodeGroup, nodes: [NodeSnapshot], free: [Resources]) -> FreeCapacityHeap {
        var ranks: [FreeRank] = []
        ranks.reserveCapacity(group.readyCount)
        for position in nodes.indices
        where group.matches[position] && nodes[position].status == .ready && free[position].slots > 0 {
            ranks.append(FreeRank(free[position], node: Int32(position)))
        }
        return FreeCapacityHeap(ranks)
    }
}

/// One distinct input of the task being decided, with its holders and resolved size.
struct ResolvedInput {
    let cid: CID
    let size: UInt64?
    let isPrivate: Bool
    let holders: [HolderIndex.Holder]
}

/// How well a node suits a task: not failed there, then input bytes local, then inputs local
/// (so a pinned DAG reported as 0 bytes still counts), then upstream producer, then free room and id.
struct CandidateRank: Comparable {
    let notFailed: Bool
    let bytes: UInt64
    let count: Int32
    let upstream: Bool
    let free: FreeRank

    var node: Int32 { free.node }

    static func < (lhs: CandidateRank, rhs: CandidateRank) -> Bool {
        if lhs.notFailed != rhs.notFailed { return !lhs.notFailed }
        if lhs.bytes != rhs.bytes { return lhs.bytes < rhs.bytes }
        if lhs.count != rhs.count { return lhs.count < rhs.count }
        if lhs.upstream != rhs.upstream { return !lhs.upstream }
        return lhs.free < rhs.free
    }
}
