import Foundation
import Testing

/// `Runners/datakit` (`evaluate`) in the real sandbox: exact metrics for a hand-made model, agreement with
/// `train-linear` on the training set, held-out accuracy of a trained model, clear failures.
@Suite(.enabled(if: runningAsRoot, "the sandbox launcher needs root"))
struct EvaluateTests {
    /// p = σ(10·x): predicts y = 1 exactly when x ≥ 0.
    static let handModel = """
        {"type": "logistic-regression", "label": "y", "features": ["x"], "mean": [0], "scale": [1],
         "weights": [10], "bias": 0}
        """
    /// One of each: true negative, true positive, false positive, false negative.
    static let handData = "x,y,comment\n-1,0,tn\n1,1,tp\n0.5,0,fp\n-0.2,1,fn\n"

    static func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }

    @Test func metricsOfAHandMadeModelAreExact() async throws {
        let run = try await runTwiceExpectingIdenticalOutputs(
            "evaluate", ["python3", "evaluate.py"],
            inputs: ["model": .folder(["model.json": Self.handModel]), "data": .file(Self.handData)], outputs: ["metrics"])
        let metrics = try run.json("metrics", "metrics.json")
        #expect(metrics["examples"] as? Int == 4)
        #expect(metrics["confusion"] as? [String: Int] == [
            "true_positive": 1, "false_positive": 1, "true_negative": 1, "false_negative": 1,
        ])
        #expect(metrics["accuracy"] as? Double == 0.5)
        #expect(metrics["precision"] as? Double == 0.5 && metrics["recall"] as? Double == 0.5 && metrics["f1"] as? Double == 0.5)
        let expectedLoss = -(log(1 - Self.sigmoid(-10)) + log(Self.sigmoid(10)) + log(1 - Self.sigmoid(5)) + log(Self.sigmoid(-2))) / 4
        #expect(abs((metrics["loss"] as? Double ?? -1) - expectedLoss) < 1e-6, "loss \(String(describing: metrics["loss"])) vs \(expectedLoss)")
    }

    @Test func theThresholdMovesPredictions() async throws {
        let run = try await runTool(
            "evaluate", ["python3", "evaluate.py", "--threshold", "0.995"],
            inputs: ["model": .file(Self.handModel), "data": .file(Self.handData)], outputs: ["metrics"])
        #expect(run.succeeded, "\(run.stderr)")
        // σ(5) ≈ 0.9933 now counts as negative; σ(10) ≈ 0.99995 stays positive.
        #expect(try run.json("metrics", "metrics.json")["accuracy"] as? Double == 0.75)
    }

    @Test func agreesWithTrainingAndGeneralizesToHeldOutData() async throws {
        var generator = FixtureGenerator(seed: 34)
        let heldOut = generator.separableCSV(rows: 120)
        let trained = try await runTool(
            "train-linear", ["python3", "train.py", "--epochs", "100", "--learning-rate", "0.2"],
            inputs: ["train": .file(TrainLinearTests.separable)], outputs: ["model", "metrics"])
        #expect(trained.succeeded, "\(trained.stderr)")
        let model = RunnerInput.bytes(try #require(trained.outputs["model"]?["model.json"]))

        // On the training set, evaluate reports exactly what train-linear did: same scaling, same sums.
        let onTraining = try await runTool(
            "evaluate", ["python3", "evaluate.py"], inputs: ["model": model, "data": .file(TrainLinearTests.separable)],
            outputs: ["metrics"])
        let trainingMetrics = try trained.json("metrics", "metrics.json")
        let evaluated = try onTraining.json("metrics", "metrics.json")
        #expect(evaluated["accuracy"] as? Double == trainingMetrics["accuracy"] as? Double)
        #expect(evaluated["loss"] as? Double == trainingMetrics["loss"] as? Double)

        let onHeldOut = try await runTool(
            "evaluate", ["python3", "evaluate.py"], inputs: ["model": model, "data": .folder(["v.csv": heldOut])],
            outputs: ["metrics"])
        let metrics = try onHeldOut.json("metrics", "metrics.json")
        let accuracy = try #require(metrics["accuracy"] as? Double)
        let loss = try #require(metrics["loss"] as? Double)
        #expect(accuracy >= 0.95 && accuracy <= 1, "held-out accuracy \(accuracy)")
        #expect(loss > 0 && loss < 0.4, "held-out loss \(loss)")
        let confusion = try #require(metrics["confusion"] as? [String: Int])
        #expect(confusion.values.reduce(0, +) == 120)
        for key in ["precision", "recall", "f1"] {
            let value = try #require(metrics[key] as? Double)
            #expect(value >= 0.9 && value <= 1, "\(key) \(value)")
        }
    }

    @Test func badModelsAndDataFailWithOneLine() async throws {
        let data = RunnerInput.file(Self.handData)
        expectCleanFailure(
            try await runTool("evaluate", ["python3", "evaluate.py"], inputs: ["model": .file(#"{"type": "tree"}"#), "data": data], outputs: ["metrics"]),
            "evaluate: model is not a train-linear model")
        expectCleanFailure(
            try await runTool("evaluate", ["python3", "evaluate.py"], inputs: ["model": .file("{not json"), "data": data], outputs: ["metrics"]),
            "evaluate: model is not valid JSON")
        expectCleanFailure(
            try await runTool(
                "evaluate", ["python3", "evaluate.py"],
                inputs: ["model": .file(Self.handModel.replacingOccurrences(of: "\"weights\": [10]", with: "\"weights\": [10, 2]")), "data": data],
                outputs: ["metrics"]),
            "evaluate: model: 'weights' must be a list of 1 numbers, one per feature")
        expectCleanFailure(
            try await runTool("evaluate", ["python3", "evaluate.py"], inputs: ["model": .folder([:]), "data": data], outputs: ["metrics"]),
            "evaluate: input 'model' has no model.json")
        expectCleanFailure(
            try await runTool(
                "evaluate", ["python3", "evaluate.py"], inputs: ["model": .file(Self.handModel), "data": .file("z,y\n1,0\n")],
                outputs: ["metrics"]),
            "evaluate: data has no feature column 'x'")
        expectCleanFailure(
            try await runTool("evaluate", ["python3", "evaluate.py", "--threshold", "1"], inputs: ["model": .file(Self.handModel), "data": data], outputs: ["metrics"]),
            "evaluate: parameter 'threshold' must be < 1")
    }
}
