import Foundation
import Logging
import PoolClient
import Synchronization

/// Streams a running execution's stdout and stderr to the requester
/// (`POST /api/v1/executions/{id}/logs?stream=…&offset=N`), so `shoal job logs --follow` shows
/// them live and they outlive the worker.
///
/// The executor writes each attempt's logs to files (`logs/<job>/<task>/<attempt>/`); the
/// shipper reads what is new every ``interval`` and sends it with its byte offset, in chunks of
/// at most ``chunkBytes``. Offsets make a retry harmless: bytes already stored are not stored
/// twice. A stream the requester refuses (409, 404) stops being shipped; a call that gets no
/// answer is tried again on the next tick. ``finish()`` makes it send what is left and return.
final class LogShipper: Sendable {
    let execution: String
    let folder: String
    let client: @Sendable () -> PoolClient
    let interval: Duration
    let chunkBytes: Int
    let logger: Logger

    private let finishing = Mutex(false)

    init(
        execution: String, folder: String, logger: Logger, interval: Duration = .milliseconds(500), chunkBytes: Int = 1 << 20,
        client: @escaping @Sendable () -> PoolClient
    ) {
        self.execution = execution
        self.folder = folder
        self.logger = logger
        self.interval = interval
        self.chunkBytes = chunkBytes
        self.client = client
    }

    /// Asks ``run()`` to send what is left and return.
    func finish() { finishing.withLock { $0 = true } }

    /// Ships until ``finish()`` (then a last round) or cancellation.
    func run() async {
        var offsets: [PoolClient.LogStream: Int] = [.stdout: 0, .stderr: 0]
        var refused: Set<PoolClient.LogStream> = []
        while true {
            let last = finishing.withLock { $0 }
            for stream in PoolClient.LogStream.allCases where !refused.contains(stream) {
                guard !Task.isCancelled else { return }
                let done = await ship(stream, from: &offsets[stream, default: 0], final: last)
                if !done { refused.insert(stream) }
            }
            if last || Task.isCancelled { return }
            try? await Task.sleep(for: interval)
        }
    }

    /// Sends what is new in one stream's file. Returns `false` when the requester refuses the stream.
    func ship(_ stream: PoolClient.LogStream, from offset: inout Int, final: Bool) async -> Bool {
        let path = folder + "/" + stream.rawValue + ".log"
        guard let handle = FileHandle(forReadingAtPath: path) else { return true }
        defer { try? handle.close() }
        // On the last round, everything left is sent; while running, one chunk per tick.
        var rounds = final ? Int.max : 1
        while rounds > 0 {
            rounds -= 1
            guard (try? handle.seek(toOffset: UInt64(offset))) != nil,
                  let data = try? handle.read(upToCount: chunkBytes), !data.isEmpty
            else { return true }
            do {
                try await client().appendLog(execution: execution, stream: stream, offset: offset, bytes: Array(data))
                offset += data.count
            } catch let error as PoolClientError
                where error.code == .conflict || error.code == .notFound || error.code == .badRequest || error.code == .tooLarge {
                // Refused for good (a 413: the log reached the requester's cap): sending the same
                // chunk again every tick would only be refused again. The full log still goes up
                // with the step's provenance.
                logger.info("execution \(execution): the requester refused its \(stream.rawValue) log: \(error)")
                return false
            } catch {
                logger.debug("execution \(execution): \(stream.rawValue) log not shipped yet: \(error)")
                return true
            }
        }
        return true
    }
}
