import Testing
@testable import Units

@Suite struct DurationSpecTests {
    @Test(arguments: [
        ("30s", 30_000), ("10m", 600_000), ("1h30m", 5_400_000), ("500ms", 500), ("2d", 172_800_000),
        ("1h", 3_600_000), ("1m30s250ms", 90_250), ("0s", 0), ("90m", 5_400_000),
    ] as [(String, Int64)])
    func parses(text: String, milliseconds: Int64) throws {
        #expect(try DurationSpec(parsing: text).milliseconds == milliseconds)
    }

    @Test func rejectsWithReasons() {
        #expect(throws: UnitsError(.invalidDuration, "a number without a unit in '30': \(DurationSpec.expected)")) {
            try DurationSpec(parsing: "30")
        }
        #expect(throws: UnitsError(.invalidDuration, "'30m1h' repeats or misorders units: \(DurationSpec.expected)")) {
            try DurationSpec(parsing: "30m1h")
        }
        #expect(throws: UnitsError(.invalidDuration, "'1m1m' repeats or misorders units: \(DurationSpec.expected)")) {
            try DurationSpec(parsing: "1m1m")
        }
        #expect(throws: UnitsError(.invalidDuration, "unknown unit 'min' in '10min': \(DurationSpec.expected)")) {
            try DurationSpec(parsing: "10min")
        }
        #expect(throws: UnitsError(.invalidDuration, "empty duration: \(DurationSpec.expected)")) {
            try DurationSpec(parsing: "")
        }
    }

    @Test(arguments: ["h", "1.5h", "-1s", "1h 30m", " 1s", "10S", "99999999999999999999s", "9999999999999999d"])
    func rejectsMalformed(text: String) {
        #expect(throws: UnitsError.self) { try DurationSpec(parsing: text) }
    }

    @Test(arguments: [
        (0, "0s"), (5_400_000, "1h30m"), (1_500, "1s500ms"), (86_400_000 + 1, "1d1ms"), (45_000, "45s"),
    ] as [(Int64, String)])
    func printsCanonically(milliseconds: Int64, text: String) throws {
        let duration = DurationSpec(milliseconds: milliseconds)
        #expect(duration.description == text)
        #expect(try DurationSpec(parsing: text) == duration)
    }

    @Test func convertsToSwiftDurationAndSeconds() {
        let duration = DurationSpec(milliseconds: 1_500)
        #expect(duration.duration == .milliseconds(1_500))
        #expect(duration.secondsRoundedUp == 2)
        #expect(DurationSpec(milliseconds: 2_000).secondsRoundedUp == 2)
    }
}
