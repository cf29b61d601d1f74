import Testing
@testable import IPLD

@Suite struct IPLDMapTests {
    @Test func keepsKeysInByteOrder() {
        let map: IPLDMap = ["b": 1, "aa": 2, "a": 3, "é": 4, "Z": 5, "": 6]
        #expect(map.keys == ["", "Z", "a", "aa", "b", "é"])
    }

    @Test func canonicallyEquivalentKeysStayDistinct() {
        var map = IPLDMap()
        map["\u{e9}"] = 1
        map["e\u{301}"] = 2
        #expect(map.count == 2)
        #expect(map["\u{e9}"] == 1)
        #expect(map["e\u{301}"] == 2)
    }

    @Test func subscriptInsertsReplacesAndRemoves() {
        var map: IPLDMap = ["a": 1]
        map["c"] = 3
        map["b"] = 2
        map["a"] = 10
        #expect(map.keys == ["a", "b", "c"])
        #expect(map["a"] == 10)
        map["b"] = nil
        map["missing"] = nil
        #expect(map.keys == ["a", "c"])
        #expect(map["b"] == nil)
    }

    @Test func laterDuplicatesWinOnlyWhereAllowed() {
        let pairs: [(String, IPLDValue)] = [("k", 1), ("j", 0), ("k", 2)]
        #expect(IPLDMap(pairs)["k"] == 2)
        #expect(IPLDMap(pairs).count == 2)
        #expect(IPLDMap(uniqueKeysWithValues: pairs) == nil)
        #expect(IPLDMap(uniqueKeysWithValues: [("x", 1)])?["x"] == 1)
    }

    @Test func equalityAndHashingIgnoreInsertionOrder() {
        let a = IPLDMap([("x", 1), ("y", 2)])
        let b = IPLDMap([("y", 2), ("x", 1)])
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a.dictionary == ["x": 1, "y": 2])
    }
}
