import Testing
@testable import Scheduling

@Suite struct ResourcesTests {
    let node = Resources(slots: 4, milliCPU: 8_000, memory: 16 << 30, disk: 100 << 30)

    @Test func fitsOnlyWhenEveryDimensionFits() {
        #expect(Resources(slots: 4, milliCPU: 8_000, memory: 16 << 30, disk: 100 << 30).fits(in: node))
        #expect(Resources.zero.fits(in: .zero))
        #expect(!Resources(slots: 5).fits(in: node))
        #expect(!Resources(milliCPU: 8_001).fits(in: node))
        #expect(!Resources(memory: (16 << 30) + 1).fits(in: node))
        #expect(!Resources(disk: (100 << 30) + 1).fits(in: node))
    }

    @Test func subtractsEachDimension() {
        let left = Resources(slots: 1, milliCPU: 500, memory: 1 << 30, disk: 0).subtracted(from: node)
        #expect(left == Resources(slots: 3, milliCPU: 7_500, memory: 15 << 30, disk: 100 << 30))
    }

    @Test func demandTakesAtLeastOneSlot() {
        #expect(Resources().normalizedDemand == Resources(slots: 1))
        #expect(Resources(slots: -2, milliCPU: -5).normalizedDemand == Resources(slots: 1))
        #expect(Resources(slots: 3, memory: 7).normalizedDemand == Resources(slots: 3, memory: 7))
    }

    @Test func describesNonZeroDimensions() {
        #expect(Resources.zero.description == "nothing")
        #expect(Resources(slots: 1).description == "1 slot")
        #expect(node.description == "4 slots, 8 CPU, 16.0 GiB memory, 100 GiB disk")
        #expect(Resources(milliCPU: 500, memory: 512 << 20).description == "0.5 CPU, 512 MiB memory")
    }
}
