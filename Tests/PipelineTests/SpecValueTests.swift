import Testing
@testable import Pipeline

@Suite struct SpecValueTests {
    @Test func mapKeepsInsertionOrder() {
        var map = SpecMap()
        map["b"] = .int(1)
        map["a"] = .int(2)
        map["b"] = .int(3)
        #expect(map.keys == ["b", "a"])
        #expect(map["b"] == .int(3))
        map["b"] = nil
        #expect(map.keys == ["a"])
        #expect(map.count == 1)
        #expect(Array(map.map(\.key)) == ["a"])
    }

    @Test func nestedLookup() {
        let map: SpecMap = ["model": .map(["depth": .int(3)]), "n": .int(1)]
        #expect(map.value(at: ["model", "depth"]) == .int(3))
        #expect(map.value(at: ["model", "width"]) == nil)
        #expect(map.value(at: ["n", "x"]) == nil)
        #expect(map.value(at: [String]()) == nil)
    }

    @Test func scalarText() {
        #expect(SpecValue.string("x").scalarText == "x")
        #expect(SpecValue.int(-5).scalarText == "-5")
        #expect(SpecValue.float(0.95).scalarText == "0.95")
        #expect(SpecValue.bool(false).scalarText == "false")
        #expect(SpecValue.list([]).scalarText == nil)
        #expect(SpecValue.map([:]).scalarText == nil)
    }
}
