import Foundation
import Testing
@testable import Provenance

struct ProvenanceTimeTests {
    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"),
        (0.5, "1970-01-01T00:00:00.500Z"),
        (1_735_787_045.678, "2025-01-02T03:04:05.678Z"),
        (951_782_400.0, "2000-02-29T00:00:00.000Z"),
        (-0.25, "1969-12-31T23:59:59.750Z"),
    ])
    func formatsRFC3339InUTCWithMilliseconds(_ seconds: Double, _ expected: String) {
        #expect(ProvenanceTime.string(from: Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func nowHasTheFixedShape() {
        let now = ProvenanceTime.now()
        #expect(now.count == 24)
        #expect(now.hasSuffix("Z"))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        #expect(formatter.date(from: now) != nil)
    }
}
