import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PoolAPI

/// JSON bodies in and out, with the pool's shared coders and size limits.
enum JSONResponse {
    /// A response whose body is `value` encoded with ``PoolAPI/PoolAPI/encoder``.
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try PoolAPI.encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A plain-text response.
    static func text(_ text: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// The whole body, refused with 413 past `limit` bytes.
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        var collected = ByteBuffer()
        for try await chunk in request.body {
            guard collected.readableBytes + chunk.readableBytes <= limit else {
                throw RequesterError(.tooLarge, "the body is over the limit of \(limit) bytes")
            }
            var chunk = chunk
            collected.writeBuffer(&chunk)
        }
        return collected
    }

    /// The body decoded as `type` (413 past `limit`, 400 when it is not that JSON).
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        let buffer = try await collect(request, limit: limit)
        do {
            return try PoolAPI.decoder.decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw RequesterError(.badRequest, "the body is not a valid \(T.self): \(Self.describe(error))")
        } catch {
            throw RequesterError(.badRequest, "the body is not a valid \(T.self)")
        }
    }

    /// One line about a decoding error: the field path and what was wrong.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the body" : String(text.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context): return "\(path(context.codingPath)): \(context.debugDescription)"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) is null"
        case .dataCorrupted(let context): return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
