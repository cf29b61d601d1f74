import Logging
import PoolClient

/// Calls the requester until it answers: the retry policy of reports and uploads.
///
/// No answer, a 5xx, or a 401 (the node credential changes when the agent joins again after the
/// requester forgot it) are tried again after an exponential backoff (0.5 s doubling up to 15 s),
/// for as long as the calling task is not cancelled. Any other refusal ends the call with that
/// error: retrying the same request cannot change the answer.
enum RequesterRetry {
    enum Result<Value: Sendable>: Sendable {
        /// The requester accepted the call.
        case done(Value)
        /// The requester refused it for good (409 lease lost, 404, 400, 403, 413…).
        case refused(PoolClientError)
        /// The task was cancelled before an answer came.
        case stopped
    }

    static func isRetryable(_ error: PoolClientError) -> Bool {
        error.isTransient || error.code == .unauthorized
    }

    static func run<Value: Sendable>(
        _ what: String, logger: Logger, backoff: Backoff = Backoff(), _ operation: () async throws -> Value
    ) async -> Result<Value> {
        var backoff = backoff
        var attempts = 0
        while !Task.isCancelled {
            attempts += 1
            do {
                return .done(try await operation())
            } catch let error as PoolClientError where !isRetryable(error) {
                return .refused(error)
            } catch is CancellationError {
                return .stopped
            } catch {
                let delay = backoff.next()
                if attempts == 1 || attempts % 10 == 0 {
                    logger.warning("\(what): \(error); trying again (attempt \(attempts))")
                }
                do { try await Task.sleep(for: delay) } catch { return .stopped }
            }
        }
        return .stopped
    }
}
