import IPLD
import PoolAPI
import Provenance
import ShoalTesting
import Testing

@testable import Worker

@Suite struct NodeCapacityTests {
    @Test func theMachineIsMeasured() {
        let folder = TemporaryDirectory("capacity")
        let capacity = NodeCapacity.detect(home: folder.path, slots: 3)
        #expect(capacity.slots == 3)
        #expect(capacity.milliCPU >= 1000)
        #expect(capacity.memory > 64 << 20)
        #expect(capacity.disk > 0)
    }

    @Test func memTotalIsReadFromMeminfo() {
        let total = NodeCapacity.memoryTotal(meminfo: "MemFree:  10 kB\nMemTotal:       24567892 kB\n")
        #expect(total == Int64(24_567_892) * 1024)
        #expect(NodeCapacity.memoryTotal(meminfo: "garbage") == nil)
    }

    @Test func freeCapacitySubtractsWhatRunningStepsReserved() {
        let total = Capacity(slots: 4, milliCPU: 8000, memory: 8 << 30, disk: 100)
        let heavy = Recipe(tool: nil, run: ["x"], inputs: [:], params: [:], env: [:], engine: "e", limits: ["cpu": .float(2.5), "memory": .integer(IPLDInteger(Int64(3) << 30))])
        let plain = Recipe(tool: nil, run: ["y"], inputs: [:], params: [:], env: [:], engine: "e", limits: [:])
        let free = NodeCapacity.free(total: total, running: [heavy, plain], home: "/")
        #expect(free.slots == 2)
        #expect(free.milliCPU == 8000 - 2500 - 1000)
        #expect(free.memory == 5 << 30)
        let overbooked = NodeCapacity.free(total: Capacity(slots: 1, milliCPU: 1000, memory: 1, disk: 1), running: [heavy, heavy], home: "/")
        #expect(overbooked == Capacity(slots: 0, milliCPU: 0, memory: 0, disk: overbooked.disk))
    }
}
