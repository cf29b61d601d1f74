import IPLD
import Testing

@testable import Gateway

/// Provider addresses and labels.
@Suite struct GatewayProviderTests {
    @Test func providersNeverPrintTheirToken() {
        let provider = GatewayProvider(url: "http://10.0.0.7:8081/", token: "s3cret")
        #expect(provider.url == "http://10.0.0.7:8081")
        #expect(provider.description == "http://10.0.0.7:8081")
        #expect(GatewayProvider(url: "http://x", token: "s3cret", name: "w2").description == "w2")
    }

    @Test func requestURLsNameTheCIDAndTheQuery() {
        let cid = TestBlocks.raw(seed: 1).cid
        #expect(GatewayProvider(url: "http://h:1//").url(for: cid, query: "format=raw") == "http://h:1/ipfs/\(cid)?format=raw")
    }
}
