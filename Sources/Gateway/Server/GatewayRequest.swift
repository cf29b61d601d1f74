import IPLD

/// Which blocks of the DAG under a CID a CAR response carries (the `dag-scope` parameter).
public enum DAGScope: String, Sendable, Hashable, CaseIterable {
    /// Only the root block.
    case block
    /// The blocks needed to read the root as one entity: a whole UnixFS file, the blocks that
    /// enumerate a directory (all the shards of a HAMT, but no entries); for anything else,
    /// the root block alone.
    case entity
    /// The whole DAG (the default).
    case all
}

/// A byte range of a UnixFS file, as `entity-bytes=from:to` asks for it.
///
/// Both ends are inclusive offsets; a negative offset counts from the end of the file, and a
/// `nil` upper end (`*`) means the end of the file.
public struct EntityBytes: Sendable, Hashable {
    public var from: Int64
    public var to: Int64?

    public init(from: Int64, to: Int64?) {
        self.from = from
        self.to = to
    }

    /// Parses `from:to` (`0:*`, `-1024:*`, `499:-1000`, `10:20`).
    ///
    /// - Throws: ``GatewayError/Code/badRequest`` for another shape, or a range whose end comes
    ///   before its start when both count from the same end.
    public init(parsing text: some StringProtocol) throws(GatewayError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let from = Int64(parts[0]) else {
            throw GatewayError(.badRequest, "entity-bytes must be 'from:to' with integer offsets (to may be '*'), not '\(text.prefix(60))'")
        }
        var to: Int64?
        if parts[1] != "*" {
            guard let value = Int64(parts[1]) else {
                throw GatewayError(.badRequest, "entity-bytes must be 'from:to' with integer offsets (to may be '*'), not '\(text.prefix(60))'")
            }
            to = value
        }
        if let to, (from >= 0) == (to >= 0), to < from {
            throw GatewayError(.badRequest, "entity-bytes \(text) ends before it starts")
        }
        self.init(from: from, to: to)
    }

    /// The inclusive range of a file of `size` bytes this selects, or `nil` when it selects
    /// nothing (empty file, or `from` resolves after `to`).
    func resolved(size: UInt64) -> ClosedRange<UInt64>? {
        guard size > 0 else { return nil }
        let size = Int64(clamping: size)
        let lower = from < 0 ? max(0, size + from) : from
        let upper = to.map { $0 < 0 ? size + $0 : min($0, size - 1) } ?? size - 1
        guard lower <= upper, upper >= 0, lower < size else { return nil }
        return UInt64(lower)...UInt64(upper)
    }

    /// The text form, as in the query parameter.
    var text: String { "\(from):\(to.map(String.init) ?? "*")" }
}

/// The CAR variant a request asks for: `dag-scope`, `entity-bytes`, and the `dups` content
/// type parameter (IPIP-412). The version is always 1 and the order always depth-first.
struct CARParameters: Sendable, Hashable {
    var scope: DAGScope = .all
    /// `dups=y`: a block is sent every time the walk reaches it.
    var duplicates = false
    var range: EntityBytes?

    /// The `Content-Type` of the response, naming every parameter.
    var contentType: String { "\(MediaType.car); version=1; order=dfs; dups=\(duplicates ? "y" : "n")" }

    /// A suffix that makes the Etag differ for every variant of the same root.
    var etagSuffix: String {
        var suffix = "\(scope.rawValue).\(duplicates ? "y" : "n")"
        if let range { suffix += ".\(range.text)" }
        return suffix
    }
}

/// The two media types a trustless gateway serves.
enum MediaType {
    static let raw = "application/vnd.ipld.raw"
    static let car = "application/vnd.ipld.car"
}

/// What a gateway request asks for, parsed from the path, the query and the `Accept` header.
///
/// Format negotiation follows the trustless gateway spec: `?format=` wins over `Accept`; a
/// request with neither is refused with 400 (the spec's rule for gateways that only serve
/// trustless responses), and one whose `Accept` names neither block nor CAR with 406.
struct GatewayRequest: Sendable, Hashable {
    enum Format: Sendable, Hashable {
        case raw
        case car(CARParameters)

        var parameterValue: String {
            switch self {
            case .raw: "raw"
            case .car: "car"
            }
        }
    }

    let cid: CID
    let format: Format
    /// The format came from `Accept`, not `?format=`: the response names its URL in
    /// `Content-Location` so caches keep the variants apart.
    let negotiatedByAccept: Bool

    /// Formats of the path gateway that are not trustless: named with 406, not 400.
    private static let deserializedFormats: Set<String> = ["tar", "dag-json", "dag-cbor", "json", "cbor", "ipns-record"]

    /// Parses a request for `/ipfs/{cidText}[/{path}]`.
    ///
    /// - Parameters:
    ///   - query: the query parameters (first value of each name).
    ///   - accept: every `Accept` header value, in order.
    /// - Throws: ``GatewayError`` with `.badRequest` or `.notAcceptable`.
    static func parse(
        cid cidText: String, path: [Substring], query: [String: String], accept: [String], verifier: BlockVerifier
    ) throws(GatewayError) -> GatewayRequest {
        let cid: CID
        do {
            cid = try CID(cidText)
        } catch {
            throw GatewayError(.badRequest, "'\(cidText.prefix(100))' is not a valid CID")
        }
        do {
            try verifier.check(cid)
        } catch {
            throw GatewayError(.badRequest, error.message)
        }

        var (format, negotiated) = try negotiate(query: query, accept: accept)
        if case .car(var parameters) = format {
            try applyQuery(query, to: &parameters)
            format = .car(parameters)
        }
        if !path.isEmpty {
            switch format {
            case .raw: throw GatewayError(.badRequest, "a raw block request takes no path after the CID")
            case .car: throw GatewayError(.badRequest, "this gateway serves /ipfs/{cid} only, without a path")
            }
        }
        return GatewayRequest(cid: cid, format: format, negotiatedByAccept: negotiated)
    }

    private static func negotiate(query: [String: String], accept: [String]) throws(GatewayError) -> (Format, Bool) {
        let offers = accept.flatMap(MediaRange.parseList)
        if let name = query["format"] {
            switch name {
            case "raw":
                return (.raw, false)
            case "car":
                // Content type parameters count only when Accept asks for a CAR too.
                var parameters = CARParameters()
                if let offer = offers.first(where: { $0.type == MediaType.car }) {
                    try applyOffer(offer, to: &parameters)
                }
                return (.car(parameters), false)
            case let name where deserializedFormats.contains(name):
                throw GatewayError(.notAcceptable, "format=\(name) is not served: this is a trustless gateway (format=raw or format=car)")
            default:
                throw GatewayError(.badRequest, "unknown format '\(name.prefix(40))' (this trustless gateway serves format=raw and format=car)")
            }
        }
        if offers.isEmpty {
            throw GatewayError(.badRequest, "this trustless gateway needs ?format=raw or ?format=car (or Accept: \(MediaType.raw) or \(MediaType.car))")
        }
        // The acceptable offer with the highest weight; the first one on a tie.
        var best: (format: Format, quality: Double)?
        var refusal: GatewayError?
        for offer in offers where offer.quality > 0 {
            let format: Format
            switch offer.type {
            case MediaType.raw:
                format = .raw
            case MediaType.car:
                var parameters = CARParameters()
                do {
                    try applyOffer(offer, to: &parameters)
                } catch {
                    refusal = error
                    continue
                }
                format = .car(parameters)
            default:
                continue
            }
            if best == nil || offer.quality > best!.quality { best = (format, offer.quality) }
        }
        if let best { return (best.format, true) }
        throw refusal ?? GatewayError(.notAcceptable, "this trustless gateway only serves \(MediaType.raw) and \(MediaType.car)")
    }

    /// Applies the `version`, `order` and `dups` parameters of an Accept offer.
    private static func applyOffer(_ offer: MediaRange, to parameters: inout CARParameters) throws(GatewayError) {
        try apply(version: offer.parameters["version"], order: offer.parameters["order"], dups: offer.parameters["dups"], to: &parameters)
    }

    /// Applies `dag-scope`, `entity-bytes` and the `car-*` query parameters, which win over Accept.
    private static func applyQuery(_ query: [String: String], to parameters: inout CARParameters) throws(GatewayError) {
        try apply(version: query["car-version"], order: query["car-order"], dups: query["car-dups"], to: &parameters)
        if let scope = query["dag-scope"] {
            guard let value = DAGScope(rawValue: scope) else {
                throw GatewayError(.badRequest, "dag-scope must be block, entity or all, not '\(scope.prefix(40))'")
            }
            parameters.scope = value
        }
        if let range = query["entity-bytes"] {
            parameters.range = try EntityBytes(parsing: range)
            parameters.scope = .entity
        }
    }

    private static func apply(version: String?, order: String?, dups: String?, to parameters: inout CARParameters) throws(GatewayError) {
        if let version, !version.isEmpty, version != "1" {
            throw GatewayError(.notAcceptable, "CAR version \(version.prefix(20)) is not served (only version=1)")
        }
        if let order, !order.isEmpty, order != "dfs", order != "unk" {
            throw GatewayError(.notAcceptable, "CAR order '\(order.prefix(20))' is not served (only order=dfs)")
        }
        switch dups {
        case nil, "": break  // not asked: keep what was chosen before (default n)
        case "n": parameters.duplicates = false
        case "y": parameters.duplicates = true
        case let other?: throw GatewayError(.notAcceptable, "CAR dups '\(other.prefix(20))' is not understood (y or n)")
        }
    }
}

/// One media range of an `Accept` header: a type, its parameters and its weight (`q`).
struct MediaRange: Sendable, Hashable {
    let type: String
    let parameters: [String: String]
    let quality: Double

    /// The ranges of one header value (`a/b; k=v, c/d;q=0.5`). Malformed entries are skipped.
    static func parseList(_ header: String) -> [MediaRange] {
        header.split(separator: ",").compactMap { MediaRange(parsing: $0) }
    }

    init?(parsing text: Substring) {
        let pieces = text.split(separator: ";")
        guard let first = pieces.first else { return nil }
        let type = first.trimmingSpaces.lowercased()
        guard type.contains("/") else { return nil }
        var parameters: [String: String] = [:]
        var quality = 1.0
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let key = pair[0].trimmingSpaces.lowercased()
            var value = pair[1].trimmingSpaces
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            if key == "q" { quality = Double(value) ?? 0 } else { parameters[key] = value }
        }
        self.type = type
        self.parameters = parameters
        self.quality = quality
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
