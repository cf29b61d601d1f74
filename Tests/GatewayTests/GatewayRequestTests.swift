import IPLD
import Testing

@testable import Gateway

/// Request parsing and format negotiation, without HTTP.
@Suite struct GatewayRequestTests {
    static let cid = TestBlocks.raw(seed: 1).cid.string

    static func parse(query: [String: String] = [:], accept: [String] = [], path: [Substring] = []) throws(GatewayError) -> GatewayRequest {
        try GatewayRequest.parse(cid: cid, path: path, query: query, accept: accept, verifier: .standard)
    }

    static func carParameters(_ request: GatewayRequest) -> CARParameters? {
        if case .car(let parameters) = request.format { return parameters }
        return nil
    }

    @Test func formatWinsOverAccept() throws {
        let request = try Self.parse(query: ["format": "raw"], accept: ["application/vnd.ipld.car"])
        #expect(request.format == .raw)
        #expect(!request.negotiatedByAccept)
    }

    @Test func acceptParametersCountOnlyWhenAcceptAsksForACARToo() throws {
        let withCAR = try Self.parse(query: ["format": "car"], accept: ["application/vnd.ipld.car; dups=y"])
        #expect(Self.carParameters(withCAR)?.duplicates == true)
        let withRaw = try Self.parse(query: ["format": "car"], accept: ["application/vnd.ipld.raw; dups=y"])
        #expect(Self.carParameters(withRaw)?.duplicates == false)
    }

    @Test func queryParametersWinOverAcceptParameters() throws {
        let request = try Self.parse(query: ["format": "car", "car-dups": "n"], accept: ["application/vnd.ipld.car; dups=y"])
        #expect(Self.carParameters(request)?.duplicates == false)
    }

    @Test func theHighestWeightedAcceptableTypeWins() throws {
        let request = try Self.parse(accept: ["text/html, application/vnd.ipld.raw;q=0.4", "application/vnd.ipld.car;q=0.9"])
        #expect(Self.carParameters(request) == CARParameters())
        #expect(request.negotiatedByAccept)
        // A CAR variant that is not served falls back to another acceptable type.
        let fallback = try Self.parse(accept: ["application/vnd.ipld.car;version=2, application/vnd.ipld.raw;q=0.1"])
        #expect(fallback.format == .raw)
    }

    @Test func entityBytesImpliesEntityScope() throws {
        let request = try Self.parse(query: ["format": "car", "dag-scope": "all", "entity-bytes": "10:20"])
        #expect(Self.carParameters(request)?.scope == .entity)
        #expect(Self.carParameters(request)?.range == EntityBytes(from: 10, to: 20))
        #expect(Self.carParameters(request)?.etagSuffix == "entity.n.10:20")
    }

    @Test(arguments: [
        ("0:*", 0, nil), ("-1024:*", -1024, nil), ("499:-1000", 499, -1000), ("10:20", 10, 20), ("-5:-1", -5, -1),
    ] as [(String, Int64, Int64?)])
    func entityBytesParses(text: String, from: Int64, to: Int64?) throws {
        #expect(try EntityBytes(parsing: text) == EntityBytes(from: from, to: to))
    }

    @Test(arguments: ["", "10", "a:b", "10:", ":10", "20:10", "-1:-5", "1:2:3"])
    func malformedEntityBytesIsABadRequest(text: String) {
        #expect(throws: GatewayError.self) { try EntityBytes(parsing: text) }
    }

    @Test func entityBytesResolvesAgainstTheFileSize() {
        #expect(EntityBytes(from: 0, to: nil).resolved(size: 100) == 0...99)
        #expect(EntityBytes(from: -10, to: nil).resolved(size: 100) == 90...99)
        #expect(EntityBytes(from: -500, to: nil).resolved(size: 100) == 0...99)
        #expect(EntityBytes(from: 10, to: -10).resolved(size: 100) == 10...90)
        #expect(EntityBytes(from: 50, to: 5000).resolved(size: 100) == 50...99)
        #expect(EntityBytes(from: 0, to: -200).resolved(size: 100) == nil)
        #expect(EntityBytes(from: 100, to: nil).resolved(size: 100) == nil)
        #expect(EntityBytes(from: 0, to: nil).resolved(size: 0) == nil)
    }

    @Test func mediaRangesParseParametersAndWeights() {
        let ranges = MediaRange.parseList("Application/VND.ipld.car ; Version=\"1\"; order=dfs ;q=0.5, */*")
        #expect(ranges.count == 2)
        #expect(ranges[0].type == "application/vnd.ipld.car")
        #expect(ranges[0].parameters == ["version": "1", "order": "dfs"])
        #expect(ranges[0].quality == 0.5)
        #expect(ranges[1].quality == 1)
        #expect(MediaRange.parseList("garbage, ;;").isEmpty)
    }

    @Test func aCIDUnderAnUnverifiableHashIsABadRequest() {
        let sha1 = CID(codec: .raw, multihash: Multihash(code: Multicodec(rawValue: 0x11), digest: [UInt8](repeating: 7, count: 20)))
        #expect(throws: GatewayError.self) {
            try GatewayRequest.parse(cid: sha1.string, path: [], query: ["format": "raw"], accept: [], verifier: .standard)
        }
    }
}
