import Hummingbird
import IPLD

/// A provider that misbehaves on purpose, to test what a fetcher accepts.
///
/// It serves a DAG given as blocks in depth-first order, as a real gateway would (raw blocks
/// and CARs), except for what ``Behaviour`` says it does wrong. It never verifies anything.
struct HostileProvider: Sendable {
    enum Behaviour: Sendable {
        /// Serves this block with one byte flipped, in CARs and raw answers alike.
        case corrupt(CID)
        /// Ends the CAR cleanly after this many sections (raw answers are fine).
        case cutCAR(afterSections: Int)
        /// Ends the CAR in the middle of this section (the stream stops, then closes cleanly).
        case cutCARInsideSection(Int)
        /// Inserts a valid block that is not part of the DAG right after the root.
        case injectBlock(Block)
        /// Names another root in the CAR header.
        case wrongRoot(CID)
        /// Answers every request with this status.
        case status(Int)
        /// Answers raw requests with the block followed by `extra` junk bytes.
        case oversizedRaw(extra: Int)
        /// Serves a CAR without a Content-Type naming a CAR.
        case wrongContentType
        /// Never answers (until the server stops).
        case stall
    }

    let root: CID
    let blocks: [Block]
    let behaviour: Behaviour

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/ipfs/:cid") { request, context in
            if case .stall = behaviour { try await Task.sleep(for: .seconds(60)) }
            return try respond(cidText: context.parameters.get("cid") ?? "", format: request.uri.queryParameters.get("format") ?? "")
        }
        return router
    }

    private func served(_ block: Block) -> [UInt8] {
        guard case .corrupt(let cid) = behaviour, cid == block.cid else { return block.bytes }
        var bytes = block.bytes
        bytes[bytes.count / 2] ^= 0x01
        return bytes
    }

    private func respond(cidText: String, format: String) throws -> Response {
        if case .status(let code) = behaviour {
            return Response(status: .init(code: code), body: .init(byteBuffer: ByteBuffer(string: "scripted failure\n")))
        }
        let cid = try CID(cidText)
        if format == "raw" {
            guard let block = blocks.first(where: { $0.cid == cid }) else { return Response(status: .notFound) }
            var bytes = served(block)
            if case .oversizedRaw(let extra) = behaviour { bytes += [UInt8](repeating: 0xAB, count: extra) }
            return Response(status: .ok, headers: [.contentType: "application/vnd.ipld.raw"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        guard cid == root else { return Response(status: .notFound) }
        var sections = blocks.map { (cid: $0.cid, bytes: served($0)) }
        var roots = [root]
        var car: [UInt8]
        switch behaviour {
        case .cutCAR(let count):
            sections = Array(sections.prefix(count))
            car = CARBytes.make(roots: roots, blocks: sections)
        case .cutCARInsideSection(let index):
            let whole = CARBytes.make(roots: roots, blocks: Array(sections.prefix(index + 1)))
            let last = CARBytes.section(sections[index].cid, sections[index].bytes)
            car = Array(whole.dropLast(last.count / 2))
        case .injectBlock(let extra):
            sections.insert((extra.cid, extra.bytes), at: 1)
            car = CARBytes.make(roots: roots, blocks: sections)
        case .wrongRoot(let other):
            roots = [other]
            car = CARBytes.make(roots: roots, blocks: sections)
        default:
            car = CARBytes.make(roots: roots, blocks: sections)
        }
        var contentType = "application/vnd.ipld.car; version=1; order=dfs; dups=n"
        if case .wrongContentType = behaviour { contentType = "application/octet-stream" }
        return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: car)))
    }
}
