import Testing
@testable import IPLD

@Suite struct IPLDDecoderTests {
    struct Model: Decodable {
        var name: String
        var outputs: [String: CID]
        var size: Int8?
    }

    @Test func typeMismatchNamesThePath() throws {
        let value: IPLDValue = ["name": "m", "outputs": ["model": "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"]]
        let error = try #require(throws: IPLDError.self) { try IPLDDecoder().decode(Model.self, from: value) }
        #expect(error.code == .typeMismatch)
        #expect(error.description == "type mismatch: at outputs.model: expected link, found string")
    }

    @Test func missingKeyIsMissingValue() throws {
        let error = try #require(throws: IPLDError.self) { try IPLDDecoder().decode(Model.self, from: ["name": "m"]) }
        #expect(error.code == .missingValue)
        #expect(error.description == "missing value: at outputs: required key is absent")
    }

    @Test func absentAndNullOptionalsAreNil() throws {
        let absent = try IPLDDecoder().decode(Model.self, from: ["name": "m", "outputs": [:]])
        #expect(absent.size == nil)
        let null = try IPLDDecoder().decode(Model.self, from: ["name": "m", "outputs": [:], "size": .null])
        #expect(null.size == nil)
        let present = try IPLDDecoder().decode(Model.self, from: ["name": "m", "outputs": [:], "size": -5])
        #expect(present.size == -5)
    }

    @Test func integerOverflowIsInvalidValue() throws {
        let error = try #require(throws: IPLDError.self) {
            try IPLDDecoder().decode(Model.self, from: ["name": "m", "outputs": [:], "size": 300])
        }
        #expect(error.code == .invalidValue)
        #expect(error.description == "invalid value: at size: integer 300 does not fit in Int8")
        #expect(throws: IPLDError.self) { try IPLDDecoder().decode(UInt.self, from: -1) }
        #expect(throws: IPLDError.self) { try IPLDDecoder().decode(Int64.self, from: .integer(.max)) }
        #expect(try IPLDDecoder().decode(UInt64.self, from: .integer(.max)) == .max)
    }

    @Test func numbersConvertOnlyExactly() throws {
        #expect(try IPLDDecoder().decode(Double.self, from: 3) == 3.0)
        #expect(try IPLDDecoder().decode(Double.self, from: .integer(.min)) == -18_446_744_073_709_551_616.0)
        let inexact = try #require(throws: IPLDError.self) {
            try IPLDDecoder().decode(Double.self, from: .integer(IPLDInteger(UInt64(1) << 53 + 1)))
        }
        #expect(inexact.code == .invalidValue)
        let error = try #require(throws: IPLDError.self) { try IPLDDecoder().decode(Int.self, from: 3.0) }
        #expect(error.code == .typeMismatch)
        #expect(error.description == "type mismatch: at top level: expected integer, found float")
    }

    @Test func nativeTypesRequireTheirKind() throws {
        #expect(throws: IPLDError.self) { try IPLDDecoder().decode(CID.self, from: "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku") }
        #expect(throws: IPLDError.self) { try IPLDDecoder().decode(IPLDBytes.self, from: [1, 2]) }
        #expect(throws: IPLDError.self) { try IPLDDecoder().decode(IPLDMap.self, from: []) }
        // [UInt8] also accepts a list of small integers.
        #expect(try IPLDDecoder().decode([UInt8].self, from: [1, 2]) == [1, 2])
        #expect(try IPLDDecoder().decode([UInt8].self, from: .bytes([1, 2])) == [1, 2])
    }

    @Test func listErrorsNameTheIndex() throws {
        struct Holder: Decodable { var links: [CID] }
        let value: IPLDValue = ["links": [.link(CID.sha256([], codec: .raw)), 5]]
        let error = try #require(throws: IPLDError.self) { try IPLDDecoder().decode(Holder.self, from: value) }
        #expect(error.description == "type mismatch: at links[1]: expected link, found integer")
    }

    @Test func userThrownDecodingErrorsBecomeOneLine() throws {
        enum Status: String, Decodable { case done }
        let error = try #require(throws: IPLDError.self) { try IPLDDecoder().decode([Status].self, from: ["done", "nope"]) }
        #expect(error.code == .invalidValue)
        #expect(error.message.hasPrefix("at [1]: "))
    }
}
