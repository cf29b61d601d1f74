import Testing
@testable import UnixFS

@Suite struct ChunkerSpecTests {
    @Test func parsesSizeN() throws {
        #expect(try ChunkerSpec(parsing: "size-1024") == .fixedSize(1024))
        #expect(try ChunkerSpec(parsing: "size-1") == .fixedSize(1))
        #expect(try ChunkerSpec(parsing: "size-1048576") == .fixedSize(1_048_576))
        #expect(try ChunkerSpec(parsing: "") == .fixedSize(262_144))
        #expect(try ChunkerSpec(parsing: "default") == .default)
        #expect(ChunkerSpec.fixedSize(4096).description == "size-4096")
    }

    @Test(arguments: ["size-0", "size--1", "size-", "size-abc", "size-12x", "size-1048577", "size-99999999999999999999",
                      "rabin", "buzhash", "size 1024", "Size-1024", "size-+5", "size-١٢"])
    func rejects(_ text: String) {
        let error = #expect(throws: UnixFSError.self) { try ChunkerSpec(parsing: text) }
        #expect(error?.code == .invalidChunker)
    }

    @Test func tooLargeSaysTheLimit() {
        let error = #expect(throws: UnixFSError.self) { try ChunkerSpec(parsing: "size-2000000") }
        #expect(error?.message.contains("1048576") == true)
    }
}
