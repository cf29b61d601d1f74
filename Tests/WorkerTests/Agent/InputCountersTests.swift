import Testing

@testable import Worker

@Suite struct InputCountersTests {
    @Test func reportedCountsAreSubtractedAndBytesCountedMeanwhileAreKept() {
        let counters = InputCounters()
        counters.addLocal(100)
        counters.addFetched(40)
        let sent = counters.snapshot()
        counters.addFetched(5)  // while the heartbeat is on its way
        counters.subtract(sent)
        #expect(counters.snapshot() == .init(fetchedBytes: 5, localBytes: 0))
        #expect(counters.totals == .init(fetchedBytes: 45, localBytes: 100))
    }
}
