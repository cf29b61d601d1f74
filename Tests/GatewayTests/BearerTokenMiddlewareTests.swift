import Hummingbird
import IPLD
import Testing

@testable import Gateway

/// The shared-token middleware in front of the gateway routes, over real HTTP.
@Suite struct BearerTokenMiddlewareTests {
    static func protectedRouter(_ source: any BlockSource, token: String) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/health") { _, _ in "ok" }
        let peers = router.group().add(middleware: BearerTokenMiddleware(verifier: SharedTokenVerifier(token)))
        GatewayRoutes(source: source).register(on: peers)
        return router
    }

    @Test func requestsWithoutTheRightTokenAre401AndNeverEchoIt() async throws {
        let store = MemoryBlockstore()
        let block = TestBlocks.raw(seed: 1)
        try store.put(block)
        try await withServer(Self.protectedRouter(store, token: "pool-secret")) { url in
            try await withClient { client in
                let path = "\(url)/ipfs/\(block.cid)?format=raw"
                for headers in [[], [("Authorization", "Bearer wrong-token")], [("Authorization", "Basic cG9vbC1zZWNyZXQ=")], [("Authorization", "Bearer ")]] {
                    let response = try await send(client, path, headers: headers)
                    #expect(response.status == 401, "\(headers)")
                    #expect(response.header("WWW-Authenticate") == "Bearer")
                    let body = String(decoding: response.body, as: UTF8.self)
                    #expect(!body.contains("wrong-token") && !body.contains("pool-secret"))
                }
                // A missing block is 401 too without the token: nothing is revealed before authentication.
                #expect(try await send(client, "\(url)/ipfs/\(TestBlocks.raw(seed: 2).cid)?format=raw").status == 401)
                let allowed = try await send(client, path, headers: [("Authorization", "Bearer pool-secret")])
                #expect(allowed.status == 200)
                #expect(allowed.body == block.bytes)
                let lowerCase = try await send(client, path, headers: [("Authorization", "bearer pool-secret")])
                #expect(lowerCase.status == 200)
                // Routes outside the group are not affected.
                #expect(try await send(client, "\(url)/health").status == 200)
            }
        }
    }

    @Test func theSharedTokenVerifierComparesWholeTokens() async {
        let verifier = SharedTokenVerifier("abc123")
        #expect(await verifier.isValid("abc123"))
        #expect(await !verifier.isValid("abc12"))
        #expect(await !verifier.isValid("abc1234"))
        #expect(await !verifier.isValid("abd123"))
        #expect(await !verifier.isValid(""))
        #expect(await !SharedTokenVerifier("").isValid(""), "an empty shared token grants nothing")
    }

    @Test func theBearerSchemeIsParsedCaseInsensitively() {
        #expect(BearerTokenMiddleware<BasicRequestContext>.bearerToken("Bearer  tok ") == "tok")
        #expect(BearerTokenMiddleware<BasicRequestContext>.bearerToken("BEARER tok") == "tok")
        #expect(BearerTokenMiddleware<BasicRequestContext>.bearerToken("Bearer") == nil)
        #expect(BearerTokenMiddleware<BasicRequestContext>.bearerToken("Token tok") == nil)
        #expect(BearerTokenMiddleware<BasicRequestContext>.bearerToken(nil) == nil)
    }
}
