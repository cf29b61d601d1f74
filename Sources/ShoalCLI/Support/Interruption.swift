import Foundation

/// Ctrl-C and SIGTERM for long commands: the first one cancels the work (so running steps are
/// stopped and recorded as cancelled), a second one exits at once.
enum Interruption {
    static func cancelling<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let work = Task { try await body() }
        let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            let count = Counter()
            source.setEventHandler {
                if count.increment() > 1 { _exit(128 + number) }
                Output.note("\ninterrupted: stopping running tasks (again to quit at once)")
                work.cancel()
            }
            source.resume()
            return source
        }
        defer {
            for source in sources { source.cancel() }
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
        return try await work.value
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func increment() -> Int { lock.withLock { value += 1; return value } }
    }
}
