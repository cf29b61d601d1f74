import Foundation
import IPLD
import Testing
@testable import Pipeline

@Suite struct PipelinePlanTests {
    @Test func stepsFollowDependencyOrderWithLevels() throws {
        let plan = try PipelinePlan(try Fixtures.load("valid", "diamond.yaml"))
        #expect(plan.name == "diamond")
        #expect(plan.steps.map(\.id) == ["fetch", "stats", "clean", "report"])
        #expect(plan.steps.map(\.level) == [0, 1, 1, 2])
        #expect(plan.steps.map(\.dependsOn) == [[], ["fetch"], ["fetch"], ["stats", "clean"]])
        #expect(plan.steps[0].inputs == [PipelinePlan.Input(
            name: "raw", from: "inputs.raw", cid: "bafybeicg2rebjoofv4kbyovkw7af3rpiitvnl6i7ckcywaq6xjcxnc2mby", path: nil)])
        #expect(plan.steps.allSatisfy { $0.cache == nil })
    }

    @Test func textShowsEachStep() throws {
        let plan = try PipelinePlan(try Fixtures.load("valid", "canonical.yaml"))
        #expect(plan.text == """
            pipeline clean-and-train: 2 tasks
            [0] dedupe
                tool    ../tools/dedupe
                run     python3 dedupe.py --threshold {{params.threshold}}
                input   corpus <- inputs.corpus (local ../data/corpus.txt, added at submit)
                output  clean
            [1] train  (after dedupe)
                tool    ../tools/train
                run     python3 train.py --epochs {{params.epochs}} --vocab {{inputs.vocab.cid}}
                input   data <- dedupe.clean
                input   vocab <- inputs.vocab (bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4)
                output  model
                output  metrics
            """)
    }

    @Test func cacheStatusIsShownOnceFilledIn() throws {
        var plan = try PipelinePlan(try Fixtures.load("valid", "minimal.yaml"))
        let key = CID.sha256(Array("recipe".utf8), codec: .dagCBOR)
        plan.steps[0].cache = PipelinePlan.CacheStatus(recipeKey: key, hit: true)
        #expect(plan.text.hasSuffix("    recipe  \(key.string)  (cached)"))
    }

    @Test func argumentsWithSpacesAreQuotedForDisplay() {
        #expect(PipelinePlan.quoted("a b") == "'a b'")
        #expect(PipelinePlan.quoted("it's") == #"'it'\''s'"#)
        #expect(PipelinePlan.quoted("") == "''")
        #expect(PipelinePlan.quoted("plain") == "plain")
    }
}
