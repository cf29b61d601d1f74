import AsyncHTTPClient
import BlockStore
import Foundation
import IPLD
import Logging
import NIOCore
import PoolAPI
import ShoalTesting
@testable import Requester

/// A requester running in this process on `127.0.0.1:0`, with short timings, and a client to
/// talk to it over real HTTP.
final class TestPool: Sendable {
    let home: TemporaryDirectory
    let requester: Requester
    let url: String
    let client: HTTPClient
    let admin: String

    /// Timings short enough for tests: fast loops and a short retry backoff. Fake workers do not
    /// heartbeat unless a test asks, so the lease is long (a 5 s lease ran out on a machine busy
    /// with the whole suite); tests of lease expiry shorten it.
    static func configuration(home: String) -> RequesterConfiguration {
        var logger = Logger(label: "requester-test")
        logger.logLevel = .critical
        var configuration = RequesterConfiguration(home: home, host: "127.0.0.1", port: 0, logger: logger)
        configuration.lease = .seconds(120)
        configuration.heartbeat = .milliseconds(200)
        configuration.placementInterval = .milliseconds(50)
        configuration.reaperInterval = .milliseconds(50)
        configuration.retryBackoff = .milliseconds(20)
        configuration.preferredWindow = .seconds(600)
        configuration.shutdownGrace = .seconds(5)
        return configuration
    }

    private init(home: TemporaryDirectory, requester: Requester, url: String, client: HTTPClient) throws {
        self.home = home
        self.requester = requester
        self.url = url
        self.client = client
        admin = try String(contentsOfFile: requester.adminTokenPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `body` with a requester on a fresh home (or `home`), stopped gracefully after.
    static func with<T: Sendable>(
        home: TemporaryDirectory = TemporaryDirectory("requester"),
        configure: (inout RequesterConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestPool) async throws -> T
    ) async throws -> T {
        var configuration = configuration(home: home.path)
        configure(&configuration)
        let requester = try Requester(configuration: configuration)
        return try await HTTPClient.withHTTPClient(configuration: clientConfiguration) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await requester.run() }
                let url = await requester.url()
                guard !url.isEmpty else { throw TestFailure("the requester did not start") }
                let pool = try TestPool(home: home, requester: requester, url: url, client: client)
                do {
                    let result = try await body(pool)
                    await requester.shutdown()
                    try await group.waitForAll()
                    return result
                } catch {
                    await requester.shutdown()
                    try? await group.waitForAll()
                    throw error
                }
            }
        }
    }

    static let clientConfiguration: HTTPClient.Configuration = {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5), read: .seconds(90)))
        configuration.decompression = .disabled
        return configuration
    }()

    // MARK: Requests

    /// Sends a request and reads the whole answer.
    func send(
        _ method: String, _ path: String, token: String?, body: [UInt8]? = nil, contentType: String = "application/json",
        headers: [(String, String)] = []
    ) async throws -> Exchange {
        var request = HTTPClientRequest(url: url + path)
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: .seconds(90))
        var buffer = try await response.body.collect(upTo: 1 << 30)
        return Exchange(
            status: Int(response.status.code), body: buffer.readBytes(length: buffer.readableBytes) ?? [],
            headers: Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }) { first, _ in first })
    }

    /// Sends a JSON body.
    func send(_ method: String, _ path: String, token: String?, json: some Encodable) async throws -> Exchange {
        try await send(method, path, token: token, body: Array(try PoolAPI.encoder.encode(json)))
    }

    /// A token of `role`, made with the admin token.
    func token(_ role: TokenRole, note: String? = nil) async throws -> String {
        let exchange = try await send("POST", PoolAPI.Path.tokens, token: admin, json: TokenRequest(role: role, note: note))
        try exchange.expect(201)
        return try exchange.decode(TokenCreated.self).token
    }

    /// Submits spec text as a client; returns the answer.
    func submit(_ spec: String, token: String? = nil) async throws -> Exchange {
        try await send("POST", PoolAPI.Path.jobs, token: token ?? admin, json: JobSubmission(spec: spec, file: "test.yaml"))
    }

    /// Submits spec text that must be accepted, and returns the job id.
    func submitJob(_ spec: String) async throws -> String {
        let exchange = try await submit(spec)
        try exchange.expect(201)
        return try exchange.decode(JobStatus.self).id
    }

    func status(_ job: String) async throws -> JobStatus {
        let exchange = try await send("GET", PoolAPI.Path.job(job), token: admin)
        try exchange.expect(200)
        return try exchange.decode(JobStatus.self)
    }

    func events(_ job: String, after: Int = 0, wait: Int = 0) async throws -> [JobEventMessage] {
        let exchange = try await send("GET", PoolAPI.Path.events(job) + "?after=\(after)&wait=\(wait)", token: admin)
        try exchange.expect(200)
        return try exchange.decode([JobEventMessage].self)
    }

    /// Waits (bounded) until the job's status satisfies `condition`, and returns it.
    @discardableResult
    func waitForStatus(_ job: String, timeout: Duration = .seconds(30), _ condition: (JobStatus) -> Bool) async throws -> JobStatus {
        let deadline = ContinuousClock.now + timeout
        while true {
            let status = try await status(job)
            if condition(status) { return status }
            guard ContinuousClock.now < deadline else { throw TestFailure("job \(job) never reached the expected state; last: \(status)") }
            try await Task.sleep(for: .milliseconds(30))
        }
    }

    /// Waits until the job ended.
    @discardableResult
    func waitForEnd(_ job: String, timeout: Duration = .seconds(30)) async throws -> JobStatus {
        try await waitForStatus(job, timeout: timeout) { ["succeeded", "failed", "cancelled"].contains($0.state) }
    }
}

/// One HTTP answer.
struct Exchange: Sendable {
    let status: Int
    let body: [UInt8]
    /// The answer's headers by lowercased name (the first value of each).
    var headers: [String: String] = [:]

    var text: String { String(decoding: body, as: UTF8.self) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try PoolAPI.decoder.decode(T.self, from: Data(body))
        } catch {
            throw TestFailure("cannot decode \(T.self) from \(status) \(text): \(error)")
        }
    }

    var error: APIErrorBody? { try? PoolAPI.decoder.decode(APIErrorBody.self, from: Data(body)) }

    func expect(_ status: Int, file: String = #fileID, line: Int = #line) throws {
        guard self.status == status else { throw TestFailure("\(file):\(line): expected \(status), got \(self.status): \(text)") }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A raw block made from SplitMix64 bytes.
func testBlock(_ seed: UInt64, count: Int = 64) -> Block {
    Block(bytes: SplitMix64.bytes(seed: seed, count: count), codec: .raw)
}

/// A CAR v1 stream of `blocks` with `roots`; `corrupt` replaces a block's bytes after its CID.
func carBytes(roots: [CID], blocks: [Block], corrupt: CID? = nil) -> [UInt8] {
    var out: [UInt8] = []
    let header = CARHeader(roots: roots).encoded()
    Varint.append(UInt64(header.count), to: &out)
    out += header
    for block in blocks {
        var data = block.bytes
        if block.cid == corrupt { data[0] ^= 0xff }
        let cid = block.cid.bytes
        Varint.append(UInt64(cid.count + data.count), to: &out)
        out += cid
        out += data
    }
    return out
}

/// A spec with one task `a` reading `input` (and more tasks from `extra`).
func oneTaskSpec(input: CID, locality: String = "preferred", isPrivate: Bool = false, name: String = "t", extra: String = "") -> String {
    let inputLine = isPrivate ? "  data: {cid: \(input.string), private: true}" : "  data: \(input.string)"
    return """
        version: 1
        name: \(name)
        inputs:
        \(inputLine)
        tasks:
          - id: a
            run: [sh, -c, "cat /inputs/data"]
            inputs: {data: {from: inputs.data}}
            outputs: [out]
            locality: \(locality)
        \(extra)
        """
}
