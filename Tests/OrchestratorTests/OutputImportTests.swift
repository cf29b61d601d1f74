import Testing
import UnixFS
@testable import Orchestrator

struct OutputImportTests {
    @Test func defaultsAreCIDv1RawLeavesAnd256KiB() throws {
        let profile = try OutputImport().profile()
        #expect(profile == .shoalDefault)
        #expect(profile.chunker.maxChunkSize == 256 * 1024)
    }

    @Test func specSettingsMapOntoTheProfile() throws {
        let profile = try OutputImport(cidVersion: 0, rawLeaves: nil, chunkSize: 4096, layout: "trickle").profile()
        #expect(profile.cidVersion == .v0)
        #expect(!profile.rawLeaves)
        #expect(profile.chunker.maxChunkSize == 4096)
        #expect(profile.layout == .trickle)
        #expect(throws: (any Error).self) { try OutputImport(cidVersion: 7).profile() }
    }
}
