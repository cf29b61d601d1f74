import Testing
@testable import Pipeline

@Suite struct LabelConstraintTests {
    @Test func parsesEachForm() {
        #expect(LabelConstraint(parsing: "region=eu") == LabelConstraint(key: "region", op: .equals("eu")))
        #expect(LabelConstraint(parsing: "tier!=spot") == LabelConstraint(key: "tier", op: .notEquals("spot")))
        #expect(LabelConstraint(parsing: "gpu exists") == LabelConstraint(key: "gpu", op: .exists))
        #expect(LabelConstraint(parsing: "gpu !exists") == LabelConstraint(key: "gpu", op: .notExists))
        #expect(LabelConstraint(parsing: "example.org/zone=a:1") == LabelConstraint(key: "example.org/zone", op: .equals("a:1")))
    }

    @Test(arguments: ["gpu", "region = eu", "=eu", "region=", "gpu maybe", "a b c", "!=x", "re gion=eu", "-x=1"])
    func rejectsOtherText(text: String) {
        #expect(LabelConstraint(parsing: text) == nil)
    }

    @Test func matchesLabels() throws {
        let labels = ["region": "eu", "gpu": "a100"]
        #expect(try #require(LabelConstraint(parsing: "region=eu")).isSatisfied(by: labels))
        #expect(try !#require(LabelConstraint(parsing: "region!=eu")).isSatisfied(by: labels))
        #expect(try #require(LabelConstraint(parsing: "tier!=spot")).isSatisfied(by: labels))
        #expect(try #require(LabelConstraint(parsing: "gpu exists")).isSatisfied(by: labels))
        #expect(try !#require(LabelConstraint(parsing: "gpu !exists")).isSatisfied(by: labels))
        #expect(try !#require(LabelConstraint(parsing: "tier=spot")).isSatisfied(by: labels))
    }

    @Test func printsAsWritten() {
        for text in ["region=eu", "tier!=spot", "gpu exists", "gpu !exists"] {
            #expect(LabelConstraint(parsing: text)?.description == text)
        }
    }
}
