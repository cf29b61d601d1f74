import Foundation
import NIOCore

/// A server that could not start listening, said plainly: `cannot listen on 127.0.0.1:8420:
/// address already in use` instead of NIO's `bind(descriptor:ptr:bytes:): Address already in
/// use) (errno: 98)`. The requester and the worker's gateway both start servers.
public struct ListenFailure: Error, Sendable, CustomStringConvertible {
    public let description: String

    /// `error` as a listen failure when it is one (the address is in use, not on this machine,
    /// or not permitted), otherwise `nil`.
    public static func from(_ error: any Error, host: String, port: Int) -> ListenFailure? {
        guard let error = error as? IOError, [EADDRINUSE, EADDRNOTAVAIL, EACCES].contains(error.errnoCode) else { return nil }
        let reason = String(cString: strerror(error.errnoCode)).lowercased()
        return ListenFailure(description: "cannot listen on \(host):\(port): \(reason)")
    }
}
