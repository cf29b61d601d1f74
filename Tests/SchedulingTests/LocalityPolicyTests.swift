import Foundation
import Testing
@testable import Scheduling

@Suite struct LocalityPolicyTests {
    typealias F = Fixture

    // MARK: required

    @Test func requiredRunsOnTheHolderEvenWhenOthersHaveMoreRoom() throws {
        let nodes = [F.node("w1", slots: 1, pins: ["a": F.GiB]), F.node("w2", slots: 32)]
        let decision = F.decide(try F.task("t", inputs: ["a"], locality: .required), on: nodes)
        #expect(decision.action == .place(node: "w1", localBytes: F.GiB, totalBytes: F.GiB))
    }

    @Test func requiredWaitsWhileTheHolderIsBusyThenFailsAfterTheQueueTimeout() throws {
        let nodes = [F.node("w1", busy: 4, pins: ["a": F.GiB]), F.node("w2", slots: 32)]
        let waiting = F.decide(try F.task("t", inputs: ["a"], locality: .required, waited: 12), on: nodes)
        #expect(waiting.action == .wait(.holderUnavailable))
        #expect(waiting.reason == "waiting: holder w1 busy (required locality), 12s of 10m queue timeout")

        let late = F.decide(try F.task("t", inputs: ["a"], locality: .required, waited: 600), on: nodes)
        #expect(late.action == .fail(.queueTimeout))
        #expect(late.reason == "failed: queue timeout of 10m passed; holder w1 busy (required locality)")
    }

    @Test func requiredNeedsANodeHoldingEveryInput() throws {
        let nodes = [
            F.node("w1", slots: 8, pins: ["a": 5 * F.GiB]),
            F.node("w2", busy: 4, pins: ["a": 5 * F.GiB, "b": F.MiB]),
            F.node("w3", status: .down, pins: ["a": 5 * F.GiB, "b": F.MiB]),
        ]
        let task = try F.task("t", inputs: ["a", "b"], locality: .required, waited: 90)
        let decision = F.decide(task, on: nodes)
        #expect(decision.action == .wait(.holderUnavailable))
        #expect(decision.reason == "waiting: holder w2 busy, and 1 other holder unavailable (required locality), 1m30s of 10m queue timeout")
        // Once w2 has room, it runs there.
        var freed = nodes
        freed[1] = F.node("w2", busy: 3, pins: ["a": 5 * F.GiB, "b": F.MiB])
        #expect(F.decide(task, on: freed).node == "w2")
    }

    @Test func requiredWaitsForAHolderThatIsDownOrDraining() throws {
        let down = [F.node("w1", status: .down, pins: ["a": F.GiB]), F.node("w2")]
        let decision = F.decide(try F.task("t", inputs: ["a"], locality: .required, waited: 5), on: down)
        #expect(decision.reason == "waiting: holder w1 down (required locality), 5s of 10m queue timeout")
        let draining = [F.node("w1", status: .draining, pins: ["a": F.GiB]), F.node("w2")]
        let other = F.decide(try F.task("t", inputs: ["a"], locality: .required, waited: 5), on: draining)
        #expect(other.reason == "waiting: holder w1 draining (required locality), 5s of 10m queue timeout")
    }

    @Test func requiredWithNoHolderWaitsThenFails() throws {
        let nodes = [F.node("w1", pins: ["a": F.GiB]), F.node("w2", pins: ["b": F.GiB])]
        let task = try F.task("t", inputs: ["a", "b"], locality: .required, waited: 30, queueTimeout: .seconds(60))
        let waiting = F.decide(task, on: nodes)
        #expect(waiting.action == .wait(.holderUnavailable))
        #expect(waiting.reason == "waiting: no suitable node holds all 2 inputs (required locality), 30s of 1m queue timeout")
        let failed = F.decide(task, on: nodes, now: F.now.addingTimeInterval(30))
        #expect(failed.action == .fail(.queueTimeout))
        #expect(failed.reason == "failed: queue timeout of 1m passed; no suitable node holds all 2 inputs (required locality)")
        let one = try F.task("t", inputs: ["c"], locality: .required, waited: 30, queueTimeout: .seconds(60))
        #expect(F.decide(one, on: nodes).reason == "waiting: no suitable node holds its input (required locality), 30s of 1m queue timeout")
    }

    @Test func requiredWithoutInputsRunsAnywhere() throws {
        let decision = F.decide(try F.task("t", locality: .required), on: [F.node("w1")])
        #expect(decision.node == "w1")
    }

    @Test func requiredPlacesOnAFailedHolderWhenItIsTheOnlyOneWithRoom() throws {
        let nodes = [F.node("w1", pins: ["a": F.GiB]), F.node("w2", busy: 4, pins: ["a": F.GiB]), F.node("w3")]
        let decision = F.decide(try F.task("t", inputs: ["a"], locality: .required, failedOn: ["w1"]), on: nodes)
        #expect(decision.node == "w1")
    }

    // MARK: preferred

    @Test func preferredWaitsForABusyHolderWithinItsWindowThenRunsElsewhere() throws {
        let nodes = [F.node("w1", busy: 4, pins: ["a": 4 * F.GiB]), F.node("w2")]
        let early = F.decide(try F.task("t", inputs: ["a"], waited: 5), on: nodes)
        #expect(early.action == .wait(.preferredWindow))
        #expect(early.reason == "waiting: holder w1 busy (preferred locality), 5s of 30s window")

        let late = F.decide(try F.task("t", inputs: ["a"], waited: 30), on: nodes)
        #expect(late.action == .place(node: "w2", localBytes: 0, totalBytes: 4 * F.GiB))
        #expect(late.reason == "placed on w2: 0 B of 4.0 GiB inputs local (holder w1 busy past the 30s preferred window)")
    }

    @Test func preferredWaitsForTheHolderWithMoreBytesThanTheBestFreeNode() throws {
        // w2 holds the small input and has room; w1 holds the large one but is busy.
        let nodes = [
            F.node("w1", busy: 4, pins: ["large": 8 * F.GiB]),
            F.node("w2", pins: ["small": F.MiB]),
        ]
        let decision = F.decide(try F.task("t", inputs: ["large", "small"], waited: 1), on: nodes)
        #expect(decision.action == .wait(.preferredWindow))
        // A holder with as many bytes as the busy one, and room, is taken at once.
        let withCopy = nodes + [F.node("w3", pins: ["large": 8 * F.GiB])]
        #expect(F.decide(try F.task("t", inputs: ["large", "small"], waited: 1), on: withCopy).node == "w3")
    }

    @Test func preferredDoesNotWaitWhenNoHolderCouldTakeIt() throws {
        let noHolder = F.decide(try F.task("t", inputs: ["a"]), on: [F.node("w1")])
        #expect(noHolder.node == "w1")
        // Holders that are down, draining, outside the constraints or too small are not waited for.
        let away = [
            F.node("w1", status: .down, pins: ["a": F.GiB]),
            F.node("w2", status: .draining, pins: ["a": F.GiB]),
            F.node("w3", labels: ["region": "us"], pins: ["a": F.GiB]),
            F.node("w4", slots: 1, busy: 1, labels: ["region": "eu"], pins: ["a": F.GiB]),
            F.node("w5", slots: 4, labels: ["region": "eu"]),
        ]
        let decision = F.decide(
            try F.task("t", inputs: ["a"], resources: Resources(slots: 2), constraints: ["region=eu"]), on: away)
        #expect(decision.node == "w5")
    }

    @Test func preferredPastItsWindowStillWaitsWhenNothingHasRoom() throws {
        let nodes = [F.node("w1", busy: 4, pins: ["a": F.GiB]), F.node("w2", busy: 4)]
        let decision = F.decide(try F.task("t", inputs: ["a"], waited: 300), on: nodes)
        #expect(decision.action == .wait(.noCapacity))
        #expect(decision.reason == "waiting: no node has room for 1 slot (2 ready nodes)")
    }

    // MARK: any

    @Test func anyRunsAtOnceWhenTheHolderIsBusy() throws {
        let nodes = [F.node("w1", busy: 4, pins: ["a": F.GiB]), F.node("w2")]
        let decision = F.decide(try F.task("t", inputs: ["a"], locality: .any), on: nodes)
        #expect(decision.action == .place(node: "w2", localBytes: 0, totalBytes: F.GiB))
        #expect(decision.reason == "placed on w2: 0 B of 1.0 GiB inputs local")
    }

    @Test func anyStillPrefersAHolderWithRoom() throws {
        let nodes = [F.node("w1", slots: 1, pins: ["a": F.GiB]), F.node("w2", slots: 32)]
        #expect(F.decide(try F.task("t", inputs: ["a"], locality: .any), on: nodes).node == "w1")
    }

    // MARK: private inputs

    @Test(arguments: LocalityPolicy.allCases)
    func privateInputsNeverLeaveTheirHolder(policy: LocalityPolicy) throws {
        let nodes = [F.node("w1", busy: 4, pins: ["secret": F.GiB]), F.node("w2", slots: 32, pins: ["public": 9 * F.GiB])]
        let task = try F.task("t", inputs: ["public"], privateInputs: ["secret"], locality: policy, waited: 700)
        let busy = F.decide(task, on: nodes, now: F.now.addingTimeInterval(-690))
        #expect(busy.action == .wait(.holderUnavailable))
        #expect(busy.reason == (policy == .required
            ? "waiting: no suitable node holds all 2 inputs (required locality), 10s of 10m queue timeout"
            : "waiting: holder w1 busy (private input), 10s of 10m queue timeout"))
        #expect(F.decide(task, on: nodes).action == .fail(.queueTimeout))

        var free = nodes
        free[0] = F.node("w1", busy: 3, pins: ["secret": F.GiB])
        let placed = F.decide(task, on: free, now: F.now.addingTimeInterval(-690))
        if policy == .required {
            #expect(placed.action == .wait(.holderUnavailable))  // w1 lacks "public", which may not move
        } else {
            #expect(placed.action == .place(node: "w1", localBytes: F.GiB, totalBytes: 10 * F.GiB))
        }
    }

    @Test func privateInputPinnedNowhereFails() throws {
        let decision = F.decide(try F.task("t", privateInputs: ["secret"], locality: .any), on: [F.node("w1")])
        #expect(decision.action == .fail(.privateInputUnavailable))
        #expect(decision.reason == "failed: private input \(F.cid("secret")) is pinned on no node")
    }

    @Test func privateInputsSplitAcrossNodesFail() throws {
        let nodes = [F.node("w1", pins: ["s1": F.GiB]), F.node("w2", pins: ["s2": F.GiB])]
        let decision = F.decide(try F.task("t", privateInputs: ["s1", "s2"]), on: nodes)
        #expect(decision.action == .fail(.privateInputUnavailable))
        #expect(decision.reason == "failed: no single node holds all 2 private inputs")
    }

    @Test func privateInputHeldOnlyOutsideTheConstraintsFails() throws {
        let nodes = [F.node("w1", labels: ["region": "us"], pins: ["secret": F.GiB]), F.node("w2", labels: ["region": "eu"])]
        let decision = F.decide(try F.task("t", privateInputs: ["secret"], constraints: ["region=eu"]), on: nodes)
        #expect(decision.action == .fail(.privateInputUnavailable))
        #expect(decision.reason == "failed: private inputs are pinned only on nodes that do not match the constraints or are too small")
    }
}
