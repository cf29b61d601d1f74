import IPLD

/// What `shoal verify --rerun` needs from provenance: which steps to run again, and how to
/// compare what they produce with what was recorded.
///
/// Running a recipe is the executor's job (the Worker module); it plugs in as a
/// ``RecipeRunner``. This module picks the steps, in an order where producers come first, and
/// judges the outcome.
///
/// ```swift
/// let graph = try Lineage.walk(from: modelCID, source: store, index: index)
/// for result in await Rerun.run(Rerun.candidates(in: graph), with: worker) {
///     print(result.step, result.outcome)       // "reproduced" or "differs: model: …"
/// }
/// ```
public enum Rerun {
    /// One step that can be run again: it and its recipe were read.
    public struct Candidate: Sendable, Hashable {
        public var stepCID: CID
        public var step: Step
        public var recipeCID: CID
        public var recipe: Recipe
    }

    /// The result of re-running one candidate.
    public struct Result: Sendable, Hashable, CustomStringConvertible {
        public var stepCID: CID
        public var task: String
        public var outcome: RerunOutcome

        /// `dedupe bafy…: reproduced`.
        public var description: String { "\(task) \(stepCID): \(outcome)" }
    }

    /// The steps of `graph` that can be re-run, producers before consumers.
    ///
    /// Cached steps are left out (their original, which actually ran, is in the graph through
    /// the `original` edge), as are failed steps and steps whose recipe block is missing.
    public static func candidates(in graph: LineageGraph) -> [Candidate] {
        graph.stepsInRunOrder.compactMap { entry in
            guard let recipe = entry.recipe, entry.step.succeeded, !entry.step.isCached else { return nil }
            return Candidate(stepCID: entry.cid, step: entry.step, recipeCID: entry.step.recipe, recipe: recipe)
        }
    }

    /// Runs each candidate with `runner` and compares its outputs with the recorded ones.
    ///
    /// A runner error becomes ``RerunOutcome/failed(_:)`` for that step; the others still run.
    public static func run(_ candidates: [Candidate], with runner: some RecipeRunner) async -> [Result] {
        var results: [Result] = []
        for candidate in candidates {
            let outcome: RerunOutcome
            do {
                let outputs = try await runner.run(candidate.recipe, key: candidate.recipeCID)
                outcome = RerunOutcome(recorded: candidate.step.outputs, rerun: outputs)
            } catch {
                outcome = .failed("\(error)")
            }
            results.append(Result(stepCID: candidate.stepCID, task: candidate.step.task, outcome: outcome))
        }
        return results
    }
}

/// Runs a recipe afresh and returns its output CIDs by name: the executor's side of `--rerun`.
///
/// The implementation must not consult the memoization index (that would just return the
/// recorded outputs); it runs the command.
public protocol RecipeRunner: Sendable {
    func run(_ recipe: Recipe, key: CID) async throws -> [String: CID]
}

/// Whether running a recipe again gave the outputs that were recorded.
public enum RerunOutcome: Sendable, Hashable, CustomStringConvertible {
    /// Every output has the recorded CID, and there are no others.
    case reproduced
    /// Some outputs differ, are missing, or are new.
    case differs([OutputDifference])
    /// The re-run itself could not be done.
    case failed(String)

    /// Compares recorded outputs with a re-run's.
    public init(recorded: [String: CID], rerun: [String: CID]) {
        let names = Set(recorded.keys).union(rerun.keys).sorted()
        let differences = names.compactMap { name -> OutputDifference? in
            let expected = recorded[name], actual = rerun[name]
            return expected?.v1 == actual?.v1 ? nil : OutputDifference(name: name, expected: expected, actual: actual)
        }
        self = differences.isEmpty ? .reproduced : .differs(differences)
    }

    /// `reproduced`, `differs: model: recorded bafy…, re-run gave bafy…`, `re-run failed: …`.
    public var description: String {
        switch self {
        case .reproduced: "reproduced"
        case .differs(let differences): "differs: " + differences.map(\.description).joined(separator: "; ")
        case .failed(let reason): "re-run failed: \(reason)"
        }
    }
}

/// One output whose CID differs between the recorded step and a re-run.
public struct OutputDifference: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    /// The recorded CID (`nil`: the re-run produced an output the step did not record).
    public var expected: CID?
    /// The re-run's CID (`nil`: the re-run did not produce it).
    public var actual: CID?

    public var description: String {
        "\(name): recorded \(expected?.string ?? "nothing"), re-run gave \(actual?.string ?? "nothing")"
    }
}
