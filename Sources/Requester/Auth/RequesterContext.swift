import Foundation
import Hummingbird

/// The request context of the requester's routes: Hummingbird's core storage plus what the
/// authentication middleware found.
public struct RequesterContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    var authentication: Authentication = .missing

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// Bodies are collected by the routes with their own limits (see ``RequesterConfiguration/Limits``).
    public var maxUploadSize: Int { 4 << 20 }
}

/// Resolves the bearer token of every request to an ``Authentication``; each route then checks
/// the role it needs, so an unknown route stays a 404 whatever the token.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = RequesterContext
    let authority: TokenAuthority

    func handle(_ request: Request, context: RequesterContext, next: (Request, RequesterContext) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            context.authentication = Self.bearerToken(header).map(authority.authenticate) ?? .invalid
        }
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer …` header (the scheme is case-insensitive).
    static func bearerToken(_ header: String) -> String? {
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
