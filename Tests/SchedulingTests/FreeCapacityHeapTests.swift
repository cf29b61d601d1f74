import ShoalTesting
import Testing
@testable import Scheduling

@Suite struct FreeCapacityHeapTests {
    @Test func ranksByRoomThenEarlierNode() {
        let roomy = FreeRank(Resources(slots: 2, milliCPU: 0, memory: 0), node: 9)
        let tight = FreeRank(Resources(slots: 1, milliCPU: 64_000, memory: 1 << 40, disk: 1 << 40), node: 0)
        #expect(tight < roomy)  // slots first
        let moreMemory = FreeRank(Resources(slots: 1, milliCPU: 0, memory: 2), node: 5)
        let moreCPU = FreeRank(Resources(slots: 1, milliCPU: 9, memory: 1), node: 1)
        #expect(moreCPU < moreMemory)  // then memory, before CPU
        let moreDisk = FreeRank(Resources(slots: 1, milliCPU: 1, memory: 1, disk: 9), node: 7)
        let lessDisk = FreeRank(Resources(slots: 1, milliCPU: 1, memory: 1, disk: 8), node: 2)
        #expect(lessDisk < moreDisk)
        let same = Resources(slots: 1)
        #expect(FreeRank(same, node: 4) < FreeRank(same, node: 3))  // the earlier node wins a tie
    }

    @Test(arguments: [0, 1, 2, 7, 100, 1000])
    func popsInDescendingOrder(count: Int) {
        var random = SplitMix64(seed: UInt64(count))
        let ranks = (0..<count).map { node in
            FreeRank(Resources(slots: Int(random.next() % 8), memory: random.next() % 4), node: Int32(node))
        }
        var heap = FreeCapacityHeap(Array(ranks.prefix(count / 2)))
        for rank in ranks.dropFirst(count / 2) { heap.push(rank) }
        #expect(heap.count == count)
        var popped: [FreeRank] = []
        while let top = heap.popMax() { popped.append(top) }
        #expect(popped == ranks.sorted(by: >))
        #expect(heap.isEmpty && heap.top == nil)
    }

    @Test func topIsTheMaximumWithoutRemovingIt() {
        var heap = FreeCapacityHeap([FreeRank(Resources(slots: 1), node: 0), FreeRank(Resources(slots: 3), node: 1)])
        #expect(heap.top?.node == 1)
        #expect(heap.count == 2)
        #expect(heap.popMax()?.node == 1)
        #expect(heap.top?.node == 0)
    }
}
