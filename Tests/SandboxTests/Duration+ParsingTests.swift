import Testing

@testable import Sandbox

@Suite struct DurationParsingTests {
    @Test(arguments: [
        ("30s", Duration.seconds(30)), ("10m", .seconds(600)), ("1h30m", .seconds(5400)), ("250ms", .milliseconds(250)),
        ("1.5s", .milliseconds(1500)), ("2d", .seconds(172_800)), ("1m 30s", .seconds(90)), ("0s", .zero),
        ("10M", .seconds(600)),
    ])
    func parses(text: String, duration: Duration) throws {
        #expect(try Duration(parsing: text) == duration)
    }

    @Test(arguments: ["", "30", "s", "5 fortnights", "-3s", ".5s", "1.2.3s", "1e3s", "10x"])
    func refuses(text: String) {
        #expect { try Duration(parsing: text) } throws: { ($0 as? SandboxError)?.code == .invalidDuration }
    }

    @Test func aBareNumberAsksForAUnit() {
        #expect { try Duration(parsing: "30") } throws: { error in
            (error as? SandboxError)?.message == "'30' needs a unit (ms, s, m, h or d)"
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
