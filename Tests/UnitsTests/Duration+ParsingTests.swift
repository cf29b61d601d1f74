import Testing

@testable import Units

@Suite struct DurationParsingTests {
    @Test(arguments: [
        ("30s", Duration.seconds(30)), ("10m", .seconds(600)), ("1h30m", .seconds(5400)), ("250ms", .milliseconds(250)),
        ("1s500ms", .milliseconds(1500)), ("2d", .seconds(172_800)), ("1m30s", .seconds(90)), ("0s", .zero),
    ])
    func parses(text: String, duration: Duration) throws {
        #expect(try Duration(parsing: text) == duration)
    }

    @Test(arguments: ["", "30", "s", "5 fortnights", "-3s", ".5s", "1.5s", "1e3s", "10x", "10M", "30m1h", "1m 30s"])
    func refuses(text: String) {
        #expect { try Duration(parsing: text) } throws: { ($0 as? UnitsError)?.code == .invalidDuration }
    }

    @Test func aBareNumberAsksForAUnit() {
        #expect { try Duration(parsing: "30") } throws: { error in
            (error as? UnitsError)?.message.hasPrefix("a number without a unit in '30'") == true
        }
    }

    @Test(arguments: [
        (Duration.seconds(600), "10m"), (.seconds(5400), "1h30m"), (.milliseconds(1500), "1s500ms"), (.zero, "0s"),
        (.seconds(90_061), "1d1h1m1s"),
    ])
    func describesCompactly(duration: Duration, text: String) throws {
        #expect(duration.compactDescription == text)
        #expect(try Duration(parsing: text) == duration)
    }

    @Test func wholeMillisecondsRoundUp() {
        #expect(Duration.microseconds(1500).wholeMilliseconds == 2)
        #expect(Duration.seconds(2).wholeMilliseconds == 2000)
    }
}
