import IPLD

/// A node that serves blocks over the trustless gateway: where to reach it and how to authenticate.
///
/// The requester names providers for each input a worker must fetch (other workers that pin
/// it, or itself); ``BlockFetcher`` tries them in order.
public struct GatewayProvider: Sendable, Hashable, CustomStringConvertible {
    /// The base URL, such as `http://10.0.0.7:8081` (a trailing `/` is ignored).
    public var url: String
    /// Sent as `Authorization: Bearer <token>`; never printed.
    public var token: String?
    /// A label for reports and errors (a node id); the URL when `nil`.
    public var name: String?

    public init(url: String, token: String? = nil, name: String? = nil) {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        self.url = url
        self.token = token
        self.name = name
    }

    /// The name, else the URL: what reports and errors show (never the token).
    public var description: String { name ?? url }

    /// The gateway URL of `cid` with `query` (without the leading `?`).
    func url(for cid: CID, query: String) -> String {
        "\(url)/ipfs/\(cid)?\(query)"
    }
}
