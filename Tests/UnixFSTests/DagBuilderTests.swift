import IPLD
import ShoalTesting
import Testing
@testable import UnixFS

@Suite struct DagBuilderTests {
    /// A dag-pb leaf framed in place must be byte-identical to encoding the node the long way,
    /// including chunks whose varint lengths are shorter than the largest chunk's.
    @Test(arguments: [1, 100, 127, 128, 200, 16_383, 16_384, 262_144])
    func framedLeafEqualsEncodedNode(chunk: Int) {
        let maxChunk = 262_144
        for type in [UnixFSData.DataType.file, .raw] {
            let framing = LeafFraming(dagPBLeafOf: type)
            let payload = SplitMix64.bytes(seed: UInt64(chunk), count: chunk)
            let headroom = framing.headerLength(forChunk: maxChunk)
            var block = [UInt8](repeating: 0xee, count: headroom + maxChunk + framing.trailerLength(forChunk: maxChunk))
            block.replaceSubrange(headroom..<(headroom + chunk), with: payload)
            let length = block.withUnsafeMutableBytes { framing.frame(chunkOf: chunk, at: headroom, in: $0) }
            let expected = PBNode(data: UnixFSData(type: type, data: payload, filesize: UInt64(chunk)).encoded()).encoded()
            #expect(Array(block[..<length]) == expected)
        }
    }

    @Test func rawFramingIsTheChunk() {
        #expect(LeafFraming.raw.headerLength(forChunk: 1000) == 0)
        #expect(LeafFraming.raw.trailerLength(forChunk: 1000) == 0)
    }

    /// A short last chunk must not keep a whole chunk's buffer alive in the stored block.
    @Test func shortLeavesAreStoredCompactly() throws {
        struct Capture: BlockSink {
            let blocks = MemoryBlockstore()
            func put(_ block: Block) throws {
                #expect(block.bytes.capacity < 2 * max(block.bytes.count, 64))
                try blocks.put(block)
            }
        }
        for rawLeaves in [true, false] {
            let profile = ImportProfile(cidVersion: .v1, rawLeaves: rawLeaves, chunker: .fixedSize(1_048_576))
            _ = try UnixFSImporter(profile: profile, sink: Capture()).importBytes(SplitMix64.bytes(seed: 1, count: 10))
        }
    }
}
