import Foundation
import Testing

/// `Runners/datakit` (`train-linear`) in the real sandbox: it learns a linearly separable set, its loss
/// falls, the seed matters only for mini-batches, reruns are bit-identical, bad data fails cleanly.
@Suite(.enabled(if: runningAsRoot, "the sandbox launcher needs root"))
struct TrainLinearTests {
    static let separable: String = {
        var generator = FixtureGenerator(seed: 33)
        return generator.separableCSV(rows: 240)
    }()

    @Test func learnsALinearlySeparableSet() async throws {
        let run = try await runTwiceExpectingIdenticalOutputs(
            "train-linear", ["python3", "train.py", "--epochs", "150", "--learning-rate", "0.2"],
            inputs: ["train": .folder(["train.csv": Self.separable])], outputs: ["model", "metrics"])
        let metrics = try run.json("metrics", "metrics.json")
        #expect(metrics["examples"] as? Int == 240)
        let accuracy = try #require(metrics["accuracy"] as? Double)
        #expect(accuracy >= 0.97, "training accuracy \(accuracy)")
        let curve = try #require(metrics["loss_curve"] as? [[String: Any]])
        let losses = curve.compactMap { $0["loss"] as? Double }
        #expect(curve.first?["epoch"] as? Int == 1 && curve.last?["epoch"] as? Int == 150)
        #expect(losses.count == curve.count && losses.count >= 10)
        #expect(zip(losses, losses.dropFirst()).allSatisfy { $0 > $1 }, "the loss should fall: \(losses)")
        #expect(losses.first ?? 0 < 0.6932, "after one epoch the loss is below that of the zero model, log 2")
        #expect(metrics["loss"] as? Double == losses.last)

        let model = try run.json("model", "model.json")
        #expect(model["type"] as? String == "logistic-regression")
        #expect(model["features"] as? [String] == ["x1", "x2", "noise"])
        let weights = try #require(model["weights"] as? [Double])
        // The label is 2·x1 − x2 + 0.3 > 0: x1 pushes up, x2 down, noise hardly at all.
        #expect(weights.count == 3 && weights[0] > 1 && weights[1] < -0.5 && abs(weights[2]) < weights[0] / 4, "\(weights)")
        #expect((model["mean"] as? [Double])?.count == 3 && (model["scale"] as? [Double])?.allSatisfy { $0 > 0 } == true)
        #expect(run.stdout.hasPrefix("train-linear: 240 examples, 3 features, 150 epochs"))
    }

    @Test func theSeedOrdersMiniBatchesButNotAFullBatch() async throws {
        let input: [String: RunnerInput] = ["train": .file(Self.separable)]
        func weights(_ arguments: [String]) async throws -> [Double] {
            let run = try await runTool("train-linear", ["python3", "train.py", "--epochs", "5"] + arguments, inputs: input, outputs: ["model", "metrics"])
            #expect(run.succeeded, "\(run.stderr)")
            return try #require(try run.json("model", "model.json")["weights"] as? [Double])
        }
        #expect(try await weights(["--seed", "1"]) != (try await weights(["--seed", "2"])))
        #expect(try await weights(["--seed", "1", "--batch-size", "0"]) == (try await weights(["--seed", "2", "--batch-size", "0"])))
    }

    @Test func featuresAndLabelCanBeChosen() async throws {
        let csv = "id,a,b,outcome\n" + (0..<40).map { "\($0),\($0 % 7),\($0),\($0 >= 20 ? 1 : 0)" }.joined(separator: "\n") + "\n"
        let run = try await runTool(
            "train-linear", ["python3", "train.py"], inputs: ["train": .file(csv)],
            params: #"{"label": "outcome", "features": "b, a", "epochs": 50}"#, outputs: ["model", "metrics"])
        #expect(run.succeeded, "\(run.stderr)")
        #expect(try run.json("model", "model.json")["features"] as? [String] == ["b", "a"])
        #expect(try run.json("metrics", "metrics.json")["positives"] as? Int == 20)
    }

    @Test func badDataFailsWithOneLineNamingThePlace() async throws {
        let outputs = ["model", "metrics"]
        expectCleanFailure(
            try await runTool("train-linear", ["python3", "train.py"], inputs: ["train": .file("x,label\n1,0\n2,2\n")], outputs: outputs),
            "train-linear: train:3: label column 'label' must be 0 or 1 (got '2')")
        expectCleanFailure(
            try await runTool("train-linear", ["python3", "train.py"], inputs: ["train": .file("x,label\n1,0\n\nabc,1\n")], outputs: outputs),
            "train-linear: train:4: column 'x' must be a number (got 'abc')")
        expectCleanFailure(
            try await runTool("train-linear", ["python3", "train.py"], inputs: ["train": .file("x,label\nnan,0\n")], outputs: outputs),
            "train-linear: train:2: column 'x' must be a finite number")
        expectCleanFailure(
            try await runTool("train-linear", ["python3", "train.py"], inputs: ["train": .file("x,y\n1,0\n")], outputs: outputs),
            "train-linear: train has no label column 'label' (columns: x, y)")
        expectCleanFailure(
            try await runTool(
                "train-linear", ["python3", "train.py", "--features", "x,z"], inputs: ["train": .file("x,label\n1,0\n")], outputs: outputs),
            "train-linear: train has no feature column 'z'")
        expectCleanFailure(
            try await runTool("train-linear", ["python3", "train.py", "--epochs", "0"], inputs: ["train": .file(Self.separable)], outputs: outputs),
            "train-linear: parameter 'epochs' must be >= 1 (got 0)")
    }
}
