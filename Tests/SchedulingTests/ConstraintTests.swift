import Testing
@testable import Scheduling

@Suite struct ConstraintTests {
    @Test(arguments: [
        ("region=eu", Constraint(key: "region", .equals("eu")), "region=eu"),
        ("arch!=arm64", Constraint(key: "arch", .notEquals("arm64")), "arch!=arm64"),
        ("gpu exists", Constraint(key: "gpu", .exists), "gpu exists"),
        ("gpu not exists", Constraint(key: "gpu", .notExists), "gpu not exists"),
        ("  region = eu ", Constraint(key: "region", .equals("eu")), "region=eu"),
        ("arch != arm64", Constraint(key: "arch", .notEquals("arm64")), "arch!=arm64"),
        ("gpu   not\texists", Constraint(key: "gpu", .notExists), "gpu not exists"),
        ("kubernetes.io/arch=amd64", Constraint(key: "kubernetes.io/arch", .equals("amd64")), "kubernetes.io/arch=amd64"),
        ("zone=eu-west-1:a", Constraint(key: "zone", .equals("eu-west-1:a")), "zone=eu-west-1:a"),
        ("tier=!gold", Constraint(key: "tier", .equals("!gold")), "tier=!gold"),
    ])
    func parsesTheGrammar(text: String, expected: Constraint, canonical: String) throws {
        let parsed = try Constraint(parsing: text)
        #expect(parsed == expected)
        #expect(parsed.description == canonical)
        #expect(try Constraint(parsing: parsed.description) == parsed)
    }

    @Test(arguments: [
        ("", "invalid constraint: \"\": empty; expected key=value, key!=value, key exists or key not exists"),
        ("gpu", "invalid constraint: \"gpu\": expected key=value, key!=value, key exists or key not exists"),
        ("gpu exist", "invalid constraint: \"gpu exist\": expected key=value, key!=value, key exists or key not exists"),
        ("gpu not", "invalid constraint: \"gpu not\": expected key=value, key!=value, key exists or key not exists"),
        ("gpu exists now", "invalid constraint: \"gpu exists now\": expected key=value, key!=value, key exists or key not exists"),
        ("=eu", "invalid constraint: \"=eu\": missing label key"),
        ("!=eu", "invalid constraint: \"!=eu\": missing label key"),
        ("region=", "invalid constraint: \"region=\": missing value after \"=\""),
        ("region!=", "invalid constraint: \"region!=\": missing value after \"!=\""),
        ("region==eu", "invalid constraint: \"region==eu\": the value must not contain \"=\" (write key=value or key!=value)"),
        ("region=\"eu\"", "invalid constraint: \"region=\"eu\"\": values are written without quotes"),
        ("region=e u", "invalid constraint: \"region=e u\": the value must not contain spaces"),
        ("re gion=eu", "invalid constraint: \"re gion=eu\": label key \"re gion\" may only contain letters, digits, \".\", \"_\", \"-\" and \"/\""),
        ("-gpu exists", "invalid constraint: \"-gpu exists\": label key \"-gpu\" must start with a letter or digit"),
        ("régión=eu", "invalid constraint: \"régión=eu\": label key \"régión\" may only contain letters, digits, \".\", \"_\", \"-\" and \"/\""),
    ])
    func rejectsMalformedTextWithAOneLineMessage(text: String, message: String) {
        #expect {
            try Constraint(parsing: text)
        } throws: { error in
            let error = error as? SchedulingError
            return error?.code == .invalidConstraint && error?.description == message
        }
    }

    @Test func parsingAListNamesTheBadEntry() throws {
        #expect(try Constraint.parse([]) == [])
        #expect(try Constraint.parse(["region=eu", "gpu exists"]).map(\.description) == ["region=eu", "gpu exists"])
        #expect {
            try Constraint.parse(["region=eu", "gpu"])
        } throws: { error in
            (error as? SchedulingError)?.description
                == "invalid constraint: constraints[1] \"gpu\": expected key=value, key!=value, key exists or key not exists"
        }
    }

    @Test func matchesLabels() throws {
        let labels = ["region": "eu", "gpu": "a100"]
        func holds(_ text: String, _ labels: [String: String]) throws -> Bool {
            try Constraint(parsing: text).isSatisfied(by: labels)
        }
        #expect(try holds("region=eu", labels))
        #expect(try !holds("region=us", labels))
        #expect(try !holds("region=EU", labels))  // case-sensitive
        #expect(try !holds("zone=eu", labels))  // absent label never equals
        #expect(try holds("region!=us", labels))
        #expect(try !holds("region!=eu", labels))
        #expect(try holds("zone!=a", labels))  // absent label is "not equal"
        #expect(try holds("gpu exists", labels))
        #expect(try !holds("arch exists", labels))
        #expect(try holds("arch not exists", labels))
        #expect(try !holds("gpu not exists", labels))
        #expect(try holds("gpu exists", ["gpu": ""]))  // present with an empty value
    }
}
