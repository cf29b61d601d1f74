import IPLD
import Testing

@testable import Gateway

/// The verifcid-style checks applied to every received block.
@Suite struct BlockVerifierTests {
    @Test func aMatchingBlockWithinTheLimitsPasses() throws {
        let block = TestBlocks.raw(seed: 1, size: 1000)
        #expect(try BlockVerifier.standard.verify(block.cid, block.bytes) == block)
        let inline = CID(codec: .raw, multihash: .identity([1, 2, 3]))
        #expect(try BlockVerifier.standard.verify(inline, [1, 2, 3]).bytes == [1, 2, 3])
    }

    @Test func bytesThatDoNotMatchTheCIDAreABadBlock() {
        let block = TestBlocks.raw(seed: 1, size: 1000)
        var bytes = block.bytes
        bytes[500] ^= 1
        let error = #expect(throws: GatewayError.self) { try BlockVerifier.standard.verify(block.cid, bytes) }
        #expect(error?.code == .badBlock)
        #expect(error?.message == "block \(block.cid) does not match its hash (corrupt or tampered with)")
    }

    @Test(arguments: [
        (Multicodec(rawValue: 0x11), 20),  // sha1: not allowed
        (Multicodec(rawValue: 0x1e), 32),  // blake3: allowed by boxo, but Shoal cannot verify it
        (Multicodec.sha2_256, 16),  // too short
        (Multicodec.sha2_256, 200),  // too long
        (Multicodec.identity, 129),  // inlines too much
    ])
    func cidsOutsideTheAllowlistOrLengthLimitsAreRefused(code: Multicodec, length: Int) {
        let cid = CID(codec: .raw, multihash: Multihash(code: code, digest: [UInt8](repeating: 1, count: length)))
        let error = #expect(throws: GatewayError.self) { try BlockVerifier.standard.check(cid) }
        #expect(error?.code == .badBlock)
    }

    @Test func aBlockOverTheSizeLimitIsTooLarge() {
        let block = TestBlocks.raw(seed: 2, size: 4096)
        let verifier = BlockVerifier(maxBlockBytes: 4095)
        let error = #expect(throws: GatewayError.self) { try verifier.verify(block.cid, block.bytes) }
        #expect(error?.code == .tooLarge)
        #expect(BlockVerifier.defaultMaxBlockBytes == 2 * 1024 * 1024)
    }
}
