import BlockStore
import Hummingbird
import IPLD
import Logging

/// Writes a CAR v1 response body while the DAG is walked.
///
/// The framing is CAR v1's (ipld.io/specs/transport/car/carv1): the length-prefixed dag-cbor
/// header (``BlockStore/CARHeader``, roots = the requested CID), then one section per block,
/// `varint(len(cid) + len(data)) cid data`. Sections are gathered into a buffer of about
/// ``GatewayRoutes/chunkBytes`` and written out; the writer's back-pressure (it suspends while
/// the client is slow) bounds memory to one buffer and the block being read.
struct CARStream: Sendable {
    let root: CID
    let traversal: DAGTraversal
    let chunkBytes: Int
    let metrics: any GatewayMetrics
    let logger: Logger

    /// Streams the CAR, then finishes the body. A block that cannot be sent ends the stream by
    /// throwing, which closes the connection without the final chunk.
    func write(to writer: inout any ResponseBodyWriter) async throws {
        var traversal = traversal
        var buffer = ByteBufferAllocator().buffer(capacity: chunkBytes + 64 * 1024)
        var scratch: [UInt8] = []
        let header = CARHeader(roots: [root]).encoded()
        Self.appendVarint(header.count, to: &buffer, scratch: &scratch)
        buffer.writeBytes(header)

        var blocks = 0
        var bytes = 0
        var complete = false
        defer { metrics.served(ServedResponse(format: .car, cid: root, blocks: blocks, bytes: bytes, complete: complete)) }
        do {
            while let block = try traversal.next() {
                let cid = block.cid.bytes
                Self.appendVarint(cid.count + block.bytes.count, to: &buffer, scratch: &scratch)
                buffer.writeBytes(cid)
                buffer.writeBytes(block.bytes)
                blocks += 1
                bytes += block.bytes.count
                if buffer.readableBytes >= chunkBytes {
                    try await writer.write(buffer)
                    buffer = ByteBufferAllocator().buffer(capacity: chunkBytes + 64 * 1024)
                }
            }
        } catch let error as GatewayError {
            logger.warning("gateway: CAR of \(root) ended early after \(blocks) blocks: \(error.message)")
            // Send what was gathered, so the client keeps every block it can verify.
            if buffer.readableBytes > 0 { try? await writer.write(buffer) }
            throw error
        }
        if buffer.readableBytes > 0 { try await writer.write(buffer) }
        try await writer.finish(nil)
        complete = true
    }

    private static func appendVarint(_ value: Int, to buffer: inout ByteBuffer, scratch: inout [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        Varint.append(UInt64(value), to: &scratch)
        buffer.writeBytes(scratch)
    }
}
