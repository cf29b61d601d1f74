import AsyncHTTPClient
import Foundation
import NIOCore
import IPLD
import PoolAPI

extension PoolClient {
    /// `POST /api/v1/blocks`: uploads the CAR v1 file at `path`, streamed (never whole in memory).
    ///
    /// The requester verifies every block against its CID before storing it and pins the CAR's roots.
    ///
    /// - Parameter timeout: the deadline for the whole upload (default: an hour).
    /// - Throws: ``PoolClientError/Code/badRequest`` for a CAR the requester refuses,
    ///   ``PoolClientError/Code/tooLarge`` past its size limit, ``PoolClientError/Code/configuration``
    ///   when the file cannot be read.
    public func uploadBlocks(carFile path: String, timeout: TimeAmount = .hours(1)) async throws -> BlockUpload {
        let size: Int64
        do {
            size = ((try FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value ?? 0
        } catch {
            throw PoolClientError(.configuration, "cannot read \(path): \(error.localizedDescription)")
        }
        return try await uploadBlocks(.stream(FileChunks(path: path), length: .known(size)), timeout: timeout)
    }

    /// `POST /api/v1/blocks` with a CAR held in memory (a step's provenance blocks).
    public func uploadBlocks(car bytes: [UInt8], timeout: TimeAmount? = nil) async throws -> BlockUpload {
        try await uploadBlocks(.bytes(ByteBuffer(bytes: bytes)), timeout: timeout ?? configuration.requestTimeout)
    }

    func uploadBlocks(_ body: HTTPClientRequest.Body, timeout: TimeAmount) async throws -> BlockUpload {
        var request = request(.POST, PoolAPI.Path.blocks)
        request.headers.add(name: "Content-Type", value: "application/vnd.ipld.car")
        request.body = body
        let response = try await send(request, timeout: timeout)
        return try await decode(BlockUpload.self, from: response, route: "POST \(PoolAPI.Path.blocks)")
    }
}

/// A file read in chunks as an async sequence of buffers, for streamed request bodies.
///
/// The file is opened when iteration starts and closed when the iterator goes away. A read error
/// ends the sequence with ``PoolClientError/Code/configuration``.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let path: String
    var chunkSize = 256 * 1024

    struct AsyncIterator: AsyncIteratorProtocol {
        let path: String
        let chunkSize: Int
        var handle: FileHandle?
        var done = false

        mutating func next() async throws -> ByteBuffer? {
            guard !done else { return nil }
            if handle == nil {
                guard let opened = FileHandle(forReadingAtPath: path) else {
                    throw PoolClientError(.configuration, "cannot open \(path)")
                }
                handle = opened
            }
            let data: Data?
            do {
                data = try handle?.read(upToCount: chunkSize)
            } catch {
                throw PoolClientError(.configuration, "cannot read \(path): \(error.localizedDescription)")
            }
            guard let data, !data.isEmpty else {
                done = true
                try? handle?.close()
                handle = nil
                return nil
            }
            return ByteBuffer(data: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(path: path, chunkSize: chunkSize)
    }
}

extension PoolClient {
    /// `GET /ipfs/{cid}?format=raw`: one block, checked against its CID before it is returned.
    ///
    /// - Throws: ``PoolClientError/Code/notFound`` when the requester does not serve it,
    ///   ``PoolClientError/Code/badResponse`` when the bytes do not hash to `cid`.
    public func block(_ cid: CID) async throws -> [UInt8] {
        let path = PoolAPI.Path.ipfs(cid.string)
        var request = request(.GET, path, query: [("format", "raw")])
        request.headers.add(name: "Accept", value: "application/vnd.ipld.raw")
        let response = try await send(request, timeout: configuration.requestTimeout)
        let bytes = try await bytes(of: response, upTo: 4 << 20, route: "GET \(path)")
        guard cid.verifies(bytes) else {
            throw PoolClientError(.badResponse, "block \(cid) from the requester does not match its CID", route: "GET \(path)")
        }
        return bytes
    }
}
