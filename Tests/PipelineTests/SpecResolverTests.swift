import ShoalTesting
import Testing
@testable import Pipeline

@Suite struct SpecResolverTests {
    /// Texts every schema rule could start with, and their neighbours.
    static let known: [String] = [
        "", "~", "null", "Null", "NULL", "nul", "nulls", "true", "True", "TRUE", "tRue", "truth", "false", "False",
        "yes", "Yes", "YES", "y", "n", "no", "No", "NO", "non", "on", "On", "ON", "off", "Off", "OFF", "offset", "out",
        "0", "00", "0o17", "0x1F", "0b101", "017", "1_000", "12", "-3", "+4", "1.5", "1.", ".5", "1e3", "1.0e-05",
        ".inf", "-.inf", "+.Inf", ".nan", ".NaN", "190:20:30", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
        "<<", "=", "<", "==", "-", "-c", "--flag", "+", ".", "..", "t0", "id", "run", "outputs", "tasks", "sh",
        "echo 1-2", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", "é", "naïve", "true\n", "1\n",
        "a\tb", "_x", "/abs/path", "$HOME", "{a}", "[b]", "'q'", "\"d\"", "#c", "&a", "*b", "!t", "|", ">", "%",
        "@", "`", "?", ":", ",",
    ]

    @Test(arguments: known)
    func fastPathAgreesWithTheResolvers(_ text: String) {
        #expect(SpecResolver.needsQuotes(text) == SpecResolver.resolvedNeedsQuotes(text), "\(text.debugDescription)")
    }

    @Test func fastPathAgreesOnGeneratedTexts() {
        // Short texts over the characters the patterns use, so many resolve to numbers, booleans,
        // nulls and timestamps.
        let alphabet = Array("0123456789-+._:eExXoObBaAfFnNtTrRuUlLsSyYiI~<= \tZ/")
        var random = SplitMix64(seed: 0x5EC_2E50)
        var nonStrings = 0
        for _ in 0..<3000 {
            let length = Int(random.next() % 7)
            let text = String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            let expected = SpecResolver.resolvedNeedsQuotes(text)
            if expected { nonStrings += 1 }
            #expect(SpecResolver.needsQuotes(text) == expected, "\(text.debugDescription)")
        }
        #expect(nonStrings > 100)  // the generator does reach the other types
    }

    @Test func wordsThatReadAsOtherTypesAreQuotedInPrint() {
        #expect(SpecResolver.needsQuotes("no"))
        #expect(SpecResolver.needsQuotes("012"))
        #expect(!SpecResolver.needsQuotes("outputs"))
        #expect(!SpecResolver.needsQuotes("-c"))
    }
}
