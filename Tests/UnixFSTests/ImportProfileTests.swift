import IPLD
import Testing
@testable import UnixFS

@Suite struct ImportProfileTests {
    @Test func presetsHoldKubosSettings() {
        let kubo = ImportProfile.kuboDefault
        #expect(kubo.cidVersion == .v0)
        #expect(!kubo.rawLeaves)
        #expect(kubo.chunker == .fixedSize(262_144))
        #expect(kubo.layout == .balanced)
        #expect(kubo.maxLinks == 174)
        #expect(kubo.hamtShardingThreshold == 262_144)
        #expect(kubo.hamtFanout == 256)
        #expect(ImportProfile.cidV1.cidVersion == .v1)
        #expect(ImportProfile.cidV1.rawLeaves)
        #expect(ImportProfile.shoalDefault == .cidV1)
    }

    @Test func flagsFollowKubosRules() throws {
        #expect(try ImportProfile() == .shoalDefault)
        #expect(try ImportProfile(cidVersion: 0) == .kuboDefault)
        #expect(try ImportProfile(cidVersion: 1) == .cidV1)
        #expect(try ImportProfile(cidVersion: 1, rawLeaves: false).rawLeaves == false)
        #expect(try ImportProfile(cidVersion: 0, rawLeaves: true).rawLeaves == true)
        let custom = try ImportProfile(cidVersion: 0, chunker: "size-1024", trickle: true)
        #expect(custom.chunker == .fixedSize(1024))
        #expect(custom.layout == .trickle)
    }

    @Test func rejectsBadFlags() {
        #expect(throws: UnixFSError.self) { try ImportProfile(cidVersion: 2) }
        #expect(throws: UnixFSError.self) { try ImportProfile(chunker: "size-0") }
    }

    @Test(arguments: [
        ImportProfile(cidVersion: .v1, rawLeaves: true, maxLinks: 1),
        ImportProfile(cidVersion: .v1, rawLeaves: true, hamtFanout: 100),
        ImportProfile(cidVersion: .v1, rawLeaves: true, hamtFanout: 4),
        ImportProfile(cidVersion: .v1, rawLeaves: true, hamtFanout: 2048),
        ImportProfile(cidVersion: .v1, rawLeaves: true, hamtShardingThreshold: -1),
        ImportProfile(cidVersion: .v1, rawLeaves: true, chunker: .fixedSize(0)),
        ImportProfile(cidVersion: .v1, rawLeaves: true, chunker: .fixedSize(2_000_000)),
    ])
    func validateRejectsOutOfRange(profile: ImportProfile) {
        #expect(throws: UnixFSError.self) { try profile.validate() }
        #expect(throws: UnixFSError.self) { try UnixFSImporter(profile: profile, sink: DiscardingBlockSink()).importBytes([1]) }
    }
}
