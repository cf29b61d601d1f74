import Testing
@testable import IPLD

@Suite struct IPLDIntegerTests {
    @Test(arguments: [
        ("0", IPLDInteger(isNegative: false, cborArgument: 0)),
        ("-1", IPLDInteger(isNegative: true, cborArgument: 0)),
        ("18446744073709551615", IPLDInteger.max),
        ("-18446744073709551616", IPLDInteger.min),
        ("-9223372036854775808", IPLDInteger(Int64.min)),
        ("-9223372036854775809", IPLDInteger(isNegative: true, cborArgument: 1 << 63)),
    ])
    func decimalTextRoundTrips(_ text: String, _ integer: IPLDInteger) {
        #expect(integer.description == text)
        #expect(IPLDInteger(text) == integer)
    }

    @Test(arguments: ["", "-", "18446744073709551616", "-18446744073709551617", "1.0", "+1", "1a", " 1",
                      "99999999999999999999999"])
    func rejectsOtherText(_ text: String) {
        #expect(IPLDInteger(text) == nil)
    }

    @Test func convertsOnlyWhenItFits() {
        #expect(IPLDInteger(-1).as(Int8.self) == -1)
        #expect(IPLDInteger(-1).as(UInt64.self) == nil)
        #expect(IPLDInteger(128).as(Int8.self) == nil)
        #expect(IPLDInteger(Int64.min).as(Int64.self) == .min)
        #expect(IPLDInteger(isNegative: true, cborArgument: 1 << 63).as(Int64.self) == nil)
        #expect(IPLDInteger.max.as(UInt64.self) == .max)
        #expect(IPLDInteger(exactly: UInt8(200)) == 200)
        #expect(IPLDInteger(exactly: -5 as Int16) == -5)
    }

    @Test func exactDoubleOnlyWhenExact() {
        #expect(IPLDInteger(1 << 53).exactDouble == 9_007_199_254_740_992.0)
        #expect(IPLDInteger(1 << 53 + 1).exactDouble == nil)
        #expect(IPLDInteger(-(1 << 53) - 1).exactDouble == nil)
        #expect(IPLDInteger.min.exactDouble == -18_446_744_073_709_551_616.0)
        #expect(IPLDInteger.max.exactDouble == nil)
    }

    @Test func ordersNumerically() {
        let sorted: [IPLDInteger] = [.min, IPLDInteger(Int64.min), -1, 0, 1, IPLDInteger(UInt64(1) << 63), .max]
        #expect(sorted.shuffled().sorted() == sorted)
    }
}
