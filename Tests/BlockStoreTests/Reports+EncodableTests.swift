import Foundation
import IPLD
import ShoalTesting
import Testing

@testable import BlockStore

@Suite struct ReportsEncodableTests {
    @Test func reportsEncodeCIDsAsStrings() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let block = TestDAG.rawLeaf(seed: 1, size: 10)
        try repo.putAll([block])
        let gc = try JSONSerialization.jsonObject(with: JSONEncoder().encode(try repo.collectGarbage())) as? [String: Any]
        #expect((gc?["removed"] as? [[String: Any]])?.first?["cid"] as? String == block.cid.string)
        #expect(gc?["freedBytes"] as? Int == 10)
        let verify = try JSONSerialization.jsonObject(with: JSONEncoder().encode(try repo.verify())) as? [String: Any]
        #expect(verify?["healthy"] as? Bool == true)
    }
}
