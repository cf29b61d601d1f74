import Testing
@testable import Units

@Suite struct HumanFormatTests {
    @Test(arguments: [
        (0, "0 B"), (1, "1 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB"),
        (10 * 1024 + 512, "10.5 KiB"), (99 * 1024 + 50, "99.0 KiB"), (99 * 1024 + 1000, "100 KiB"), (512 << 20, "512 MiB"),
        ((1 << 20) - 1, "1.0 MiB"), (4_402_341_478, "4.1 GiB"), (1 << 40, "1.0 TiB"),
        (UInt64.max, "16.0 EiB"),
    ] as [(UInt64, String)])
    func formatsBytes(count: UInt64, text: String) {
        #expect(HumanFormat.bytes(count) == text)
    }

    @Test(arguments: [
        (0, "0s"), (-5, "0s"), (0.0004, "0s"), (0.25, "250ms"), (1, "1s"), (12.9, "12s"), (60, "1m"),
        (90, "1m30s"), (600, "10m"), (3600, "1h"), (5400, "1h30m"), (90061, "25h1m"),
        (.infinity, "0s"), (.nan, "0s"),
    ] as [(Double, String)])
    func formatsDurations(seconds: Double, text: String) {
        #expect(HumanFormat.duration(seconds: seconds) == text)
    }

    @Test func formatsDurationValues() {
        #expect(HumanFormat.duration(.seconds(600)) == "10m")
        #expect(HumanFormat.duration(.milliseconds(1500)) == "1s")
    }

    @Test(arguments: [(0, "0"), (2000, "2"), (500, "0.5"), (1250, "1.25"), (1005, "1.005"), (-1500, "-1.5")])
    func formatsCPU(milliCPU: Int, text: String) {
        #expect(HumanFormat.cpu(milliCPU: milliCPU) == text)
    }
}
