import Hummingbird
import Testing

@testable import Gateway

/// Errors map to statuses and read as one line.
@Suite struct GatewayErrorTests {
    @Test(arguments: [
        (GatewayError.Code.badRequest, 400), (.notAcceptable, 406), (.notFound, 404), (.notCached, 412),
        (.unauthorized, 401), (.storage, 500), (.fetchFailed, 500),
    ])
    func codesMapToStatuses(code: GatewayError.Code, status: Int) {
        #expect(Int(GatewayError(code, "x").status.code) == status)
    }

    @Test func descriptionsNameTheCodeAndProviderFailuresTheProvider() {
        let failure = ProviderFailure(provider: "w2", code: .badBlock, message: "block b… does not match its hash")
        #expect(failure.description == "w2: bad block: block b… does not match its hash")
        let error = GatewayError(.fetchFailed, "cannot fetch r", failures: [failure])
        #expect(error.description == "fetch failed: cannot fetch r")
        #expect(error.failures == [failure])
    }
}
