import Foundation
import Testing

/// `Runners/datakit` (`split`) in the real sandbox: sizes, disjointness, order, the exact seeded choice
/// (predicted here with the same SplitMix64 shuffle), stratification and clear failures.
@Suite(.enabled(if: runningAsRoot, "the sandbox launcher needs root"))
struct SplitTests {
    /// `id,group,value` rows; `group` is "a" for 70% of them.
    static func table(rows: Int) -> String {
        var generator = FixtureGenerator(seed: 21)
        var lines = ["id,group,value"]
        for id in 0..<rows {
            lines.append("\(id),\(generator.below(10) < 7 ? "a" : "b"),\"\(generator.word()), \(generator.word())\"")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The ids in column 0 of a written CSV, and its header line.
    static func ids(_ csv: String) -> (header: String, ids: [Int]) {
        let lines = csv.split(separator: "\n").map(String.init)
        return (lines.first ?? "", lines.dropFirst().compactMap { Int($0.prefix { $0 != "," }) })
    }

    @Test func splitsIntoDisjointOrderedSetsChosenBySeed() async throws {
        let csv = Self.table(rows: 101)
        let run = try await runTwiceExpectingIdenticalOutputs(
            "split", ["python3", "split.py", "--seed", "9", "--validation", "0.2"],
            inputs: ["data": .folder(["table.csv": csv])], outputs: ["train", "validation"])
        let train = Self.ids(run.text("train", "train.csv"))
        let validation = Self.ids(run.text("validation", "validation.csv"))
        #expect(train.header == "id,group,value" && validation.header == "id,group,value")
        #expect(validation.ids.count == 20 && train.ids.count == 81)
        #expect(Set(train.ids).isDisjoint(with: validation.ids))
        #expect(Set(train.ids).union(validation.ids) == Set(0..<101))
        #expect(train.ids == train.ids.sorted() && validation.ids == validation.ids.sorted())

        // The same choice, predicted with the same generator and shuffle.
        var generator = FixtureGenerator(seed: 9)
        var order = Array(0..<101)
        generator.shuffle(&order)
        #expect(validation.ids == order.prefix(20).sorted())
        // Quoted fields with commas survive the round trip.
        #expect(run.text("train", "train.csv").contains(",\""))
        #expect(run.stdout == "split: 81 training and 20 validation rows of 101 (seed 9)\n")
    }

    @Test func anotherSeedChoosesOtherRows() async throws {
        let input: [String: RunnerInput] = ["data": .file(Self.table(rows: 50))]
        let first = try await runTool("split", ["python3", "split.py", "--seed", "1"], inputs: input, outputs: ["train", "validation"])
        let second = try await runTool("split", ["python3", "split.py"], inputs: input, params: #"{"seed": 2}"#, outputs: ["train", "validation"])
        #expect(first.succeeded && second.succeeded)
        #expect(Self.ids(first.text("validation", "validation.csv")).ids != Self.ids(second.text("validation", "validation.csv")).ids)
    }

    @Test func stratifyingKeepsTheGroupProportions() async throws {
        let csv = Self.table(rows: 200)
        let groups = Dictionary(grouping: csv.split(separator: "\n").dropFirst()) { $0.split(separator: ",")[1] }
        let run = try await runTool(
            "split", ["python3", "split.py", "--stratify", "group", "--validation", "0.25", "--seed", "3"],
            inputs: ["data": .file(csv)], outputs: ["train", "validation"])
        #expect(run.succeeded, "\(run.stderr)")
        let validation = run.text("validation", "validation.csv").split(separator: "\n").dropFirst()
        for (group, members) in groups {
            let chosen = validation.filter { $0.split(separator: ",")[1] == group }.count
            #expect(chosen == Int(Double(members.count) * 0.25 + 0.5), "group \(group)")
        }
    }

    @Test func badTablesAndParametersFailWithOneLine() async throws {
        expectCleanFailure(
            try await runTool("split", ["python3", "split.py"], inputs: ["data": .file("a,b\n1,2\n")], outputs: ["train", "validation"]),
            "split: data has 1 data row; a split needs at least 2")
        expectCleanFailure(
            try await runTool(
                "split", ["python3", "split.py"], inputs: ["data": .file("a,b\n1,2\n3\n4,5\n")], outputs: ["train", "validation"]),
            "split: data:3: expected 2 fields like the header, found 1")
        expectCleanFailure(
            try await runTool(
                "split", ["python3", "split.py", "--stratify", "label"], inputs: ["data": .file(Self.table(rows: 10))],
                outputs: ["train", "validation"]),
            "split: parameter 'stratify' names column 'label', which data does not have")
        expectCleanFailure(
            try await runTool(
                "split", ["python3", "split.py", "--validation", "1"], inputs: ["data": .file(Self.table(rows: 10))],
                outputs: ["train", "validation"]),
            "split: parameter 'validation' must be < 1")
        expectCleanFailure(
            try await runTool(
                "split", ["python3", "split.py", "--validation", "0.01"], inputs: ["data": .file(Self.table(rows: 10))],
                outputs: ["train", "validation"]),
            "split: a validation fraction of 0.01 leaves the validation set of 10 rows empty")
        expectCleanFailure(
            try await runTool(
                "split", ["python3", "split.py"], inputs: ["data": .folder(["a.csv": "x\n1\n2\n", "b.csv": "x\n3\n4\n"])],
                outputs: ["train", "validation"]),
            "split: input 'data' must be a CSV file or a folder with exactly one .csv file (found: a.csv, b.csv)")
    }
}
