/// How much room a node has left, ordered so that the emptier node ranks higher.
///
/// Nodes compare by free slots, then free memory, then free CPU, then free disk, and finally by
/// position (a lower position, which is an earlier node id, ranks higher), so no two nodes ever
/// tie and every choice is deterministic.
struct FreeRank: Hashable, Sendable, Comparable {
    let slots: Int
    let memory: UInt64
    let milliCPU: Int
    let disk: UInt64
    let node: Int32

    init(_ free: Resources, node: Int32) {
        slots = free.slots
        memory = free.memory
        milliCPU = free.milliCPU
        disk = free.disk
        self.node = node
    }

    static func < (lhs: FreeRank, rhs: FreeRank) -> Bool {
        if lhs.slots != rhs.slots { return lhs.slots < rhs.slots }
        if lhs.memory != rhs.memory { return lhs.memory < rhs.memory }
        if lhs.milliCPU != rhs.milliCPU { return lhs.milliCPU < rhs.milliCPU }
        if lhs.disk != rhs.disk { return lhs.disk < rhs.disk }
        return lhs.node > rhs.node
    }
}

/// A max-heap of nodes by free room whose entries may go stale, for finding the emptiest node
/// that fits a task without sorting all nodes per task.
///
/// Placing a task only ever *shrinks* a node's free room, so an entry's rank is always at least
/// the node's current rank. The owner therefore checks the top entry against the node's current
/// rank: when they differ, it pops the entry and pushes the current one back (or drops the node
/// once it has no free slot). A top entry that is current outranks every other node's current
/// rank, so it is the true maximum. Each node has at most one entry, so the heap never grows
/// past the node count, and one placement costs O(log n) amortized repair.
struct FreeCapacityHeap: Sendable {
    private var entries: [FreeRank]

    /// A heap of `ranks` (one per node), arranged in O(n).
    init(_ ranks: [FreeRank]) {
        entries = ranks
        var index = entries.count / 2
        while index > 0 {
            index -= 1
            siftDown(from: index)
        }
    }

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    /// The highest-ranked entry, without removing it.
    var top: FreeRank? { entries.first }

    /// Adds an entry.
    mutating func push(_ rank: FreeRank) {
        entries.append(rank)
        siftUp(from: entries.count - 1)
    }

    /// Removes and returns the highest-ranked entry.
    mutating func popMax() -> FreeRank? {
        guard let first = entries.first else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            siftDown(from: 0)
        }
        return first
    }

    private mutating func siftUp(from start: Int) {
        var child = start
        let item = entries[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[parent] < item else { break }
            entries[child] = entries[parent]
            child = parent
        }
        entries[child] = item
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        let item = entries[parent]
        let count = entries.count
        while true {
            var child = 2 * parent + 1
            guard child < count else { break }
            if child + 1 < count, entries[child] < entries[child + 1] { child += 1 }
            guard item < entries[child] else { break }
            entries[parent] = entries[child]
            parent = child
        }
        entries[parent] = item
    }
}
