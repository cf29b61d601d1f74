import ShoalTesting
import Testing
import Yams
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
        "@", "`", "?", ":", ",", "-x1", "+.", "-.5", "+.inf", "--", "+a", "-_", "+0", "-:", "+~",
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

    @Test(arguments: known)
    func plainTagAgreesWithTheResolver(_ text: String) {
        #expect(SpecResolver.plainTag(text) == SpecResolver.resolvedPlainTag(text), "\(text.debugDescription)")
    }

    @Test func plainTagAgreesOnGeneratedTexts() {
        // The characters of the core schema's patterns, a few others, a line break and a
        // non-ASCII letter (the last two go to the resolver itself).
        // Whole words too, or booleans and nulls would hardly ever come up.
        let tokens = "0123456789-+.eExXoOaAbBfFnNlLsStTrRuUiI~_: \n\u{E9}".map(String.init)
            + ["true", "False", "TRUE", "null", "Null", "inf", "nan", "NaN", "0x", "0o", "e+", "yes"]
        var random = SplitMix64(seed: 0x7A6_5CA1)
        var counts: [Yams.Tag.Name: Int] = [:]
        for _ in 0..<20_000 {
            let length = Int(random.next() % 5)
            let text = (0..<length).map { _ in tokens[Int(random.next() % UInt64(tokens.count))] }.joined()
            let expected = SpecResolver.resolvedPlainTag(text)
            counts[expected, default: 0] += 1
            #expect(SpecResolver.plainTag(text) == expected, "\(text.debugDescription)")
        }
        // The generator reaches every type.
        for tag in [Yams.Tag.Name.null, .bool, .int, .float, .str] { #expect(counts[tag, default: 0] > 20, "\(tag)") }
    }

    @Test func plainScalarsAreTypedByTheCoreSchema() {
        #expect(SpecResolver.plainTag("") == .null)
        #expect(SpecResolver.plainTag("~") == .null)
        #expect(SpecResolver.plainTag("True") == .bool)
        #expect(SpecResolver.plainTag("no") == .str)
        #expect(SpecResolver.plainTag("0x1F") == .int)
        #expect(SpecResolver.plainTag("0o17") == .int)
        #expect(SpecResolver.plainTag("-12") == .int)
        #expect(SpecResolver.plainTag("1_000") == .str)
        #expect(SpecResolver.plainTag("+.inf") == .float)
        #expect(SpecResolver.plainTag("-.nan") == .str)
        #expect(SpecResolver.plainTag("1.") == .float)
        #expect(SpecResolver.plainTag("1e3") == .float)
        #expect(SpecResolver.plainTag("2024-01-01") == .str)
        #expect(SpecResolver.plainTag("-c") == .str)
    }

    @Test func wordsThatReadAsOtherTypesAreQuotedInPrint() {
        #expect(SpecResolver.needsQuotes("no"))
        #expect(SpecResolver.needsQuotes("012"))
        #expect(!SpecResolver.needsQuotes("outputs"))
        #expect(!SpecResolver.needsQuotes("-c"))
    }
}
