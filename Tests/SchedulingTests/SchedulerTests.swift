import Foundation
import IPLD
import ShoalTesting
import Testing
@testable import Scheduling

@Suite struct SchedulerTests {
    typealias F = Fixture

    // MARK: Ranking by locality

    @Test func picksTheHolderWithTheMostInputBytes() throws {
        let nodes = [
            F.node("w1", pins: ["a": 1 * F.GiB]),
            F.node("w2", pins: ["a": 1 * F.GiB, "b": 3 * F.GiB]),
            F.node("w3", pins: ["b": 3 * F.GiB]),
            F.node("w4", slots: 16),  // the most free room, but none of the data
        ]
        let decision = F.decide(try F.task("t", inputs: ["a", "b"]), on: nodes)
        #expect(decision.action == .place(node: "w2", localBytes: 4 * F.GiB, totalBytes: 4 * F.GiB))
        #expect(decision.reason == "placed on w2: 4.0 GiB of 4.0 GiB inputs local")
    }

    @Test func countsWholeDAGSizesFromPinReports() throws {
        // w1 pins one big DAG; w2 pins two small ones. Bytes, not input counts, decide.
        let big = UInt64(4.1 * Double(F.GiB))
        let nodes = [
            F.node("w1", pins: ["corpus": big]),
            F.node("w2", pins: ["vocab": 2 * F.MiB, "config": 4 * F.KiB]),
        ]
        let decision = F.decide(try F.task("t", inputs: ["corpus", "vocab", "config"]), on: nodes)
        #expect(decision.action == .place(node: "w1", localBytes: big, totalBytes: big + 2 * F.MiB + 4 * F.KiB))
        #expect(decision.reason == "placed on w1: 4.1 GiB of 4.1 GiB inputs local")
    }

    @Test func sizeGivenByTheTaskWinsOverPinReports() throws {
        let nodes = [F.node("w1", pins: ["a": 10])]
        let decision = F.decide(try F.task("t", inputs: ["a"], sizes: ["a": 2 * F.GiB]), on: nodes)
        #expect(decision.action == .place(node: "w1", localBytes: 2 * F.GiB, totalBytes: 2 * F.GiB))
    }

    @Test func inputsOfUnknownSizeAreReportedButDoNotSkewTheRanking() throws {
        // "c" has no size in the task and no holder to report one: its size is unknown.
        let nodes = [F.node("w1", slots: 8), F.node("w2", pins: ["b": F.GiB])]
        let decision = F.decide(try F.task("t", inputs: ["b", "c"]), on: nodes)
        #expect(decision.action == .place(node: "w2", localBytes: F.GiB, totalBytes: F.GiB))
        #expect(decision.reason == "placed on w2: 1.0 GiB of 1.0 GiB inputs local, plus 1 input of unknown size pinned on no node")

        let allUnknown = F.decide(try F.task("u", inputs: ["y", "z"]), on: nodes)
        #expect(allUnknown.action == .place(node: "w1", localBytes: 0, totalBytes: 0))
        #expect(allUnknown.reason == "placed on w1: 0 of 2 inputs local (pinned on no node, sizes unknown)")
    }

    @Test func aPinReportedAsZeroBytesStillCountsAsLocal() throws {
        let nodes = [F.node("w1", slots: 8), F.node("w2", pins: ["empty": 0])]
        let decision = F.decide(try F.task("t", inputs: ["empty"]), on: nodes)
        #expect(decision.action == .place(node: "w2", localBytes: 0, totalBytes: 0))
    }

    @Test func duplicateInputsCountOnce() throws {
        let nodes = [F.node("w1", pins: ["a": F.GiB])]
        let decision = F.decide(try F.task("t", inputs: ["a", "a"]), on: nodes)
        #expect(decision.action == .place(node: "w1", localBytes: F.GiB, totalBytes: F.GiB))
    }

    @Test func upstreamProducerBreaksTiesBetweenEqualHolders() throws {
        let nodes = [
            F.node("w1", slots: 8, pins: ["a": F.GiB]),
            F.node("w2", slots: 2, pins: ["a": F.GiB]),
            F.node("w3", slots: 16),
        ]
        let decision = F.decide(try F.task("t", inputs: ["a"], upstream: ["w2"]), on: nodes)
        #expect(decision.node == "w2")
        #expect(decision.reason == "placed on w2: 1.0 GiB of 1.0 GiB inputs local (ran its upstream steps)")

        // Without local data anywhere, the upstream producer beats a node with more room.
        let noData = F.decide(try F.task("u", upstream: ["w2"]), on: nodes)
        #expect(noData.node == "w2")
        // But input bytes come first.
        let moreBytes = F.decide(try F.task("v", inputs: ["a"], upstream: ["w3"]), on: nodes)
        #expect(moreBytes.node == "w1")
    }

    @Test func freeRoomThenIdBreakTiesAndSpreadsABatch() throws {
        let nodes = [F.node("w2", slots: 2), F.node("w1", slots: 2), F.node("w3", slots: 1)]
        let tasks = try (1...5).map { try F.task("t\($0)", waited: Double(10 - $0)) }
        let placed = F.place(tasks, on: nodes).map(\.node)
        // Equal room: the earlier id first; then whichever has more room left.
        #expect(placed == ["w1", "w2", "w1", "w2", "w3"])
    }

    // MARK: Capacity within a batch

    @Test func accountsForCapacityUsedEarlierInTheSameCall() throws {
        let nodes = [F.node("w1", slots: 2, pins: ["a": F.GiB]), F.node("w2", slots: 4)]
        let tasks = try (1...3).map { try F.task("t\($0)", inputs: ["a"], locality: .any, waited: Double(10 - $0)) }
        let decisions = F.place(tasks, on: nodes)
        #expect(decisions.map(\.node) == ["w1", "w1", "w2"])
        #expect(decisions[2].reason == "placed on w2: 0 B of 1.0 GiB inputs local")
    }

    @Test func accountsForMemoryAndCPUNotJustSlots() throws {
        let big = NodeSnapshot(
            id: "w1", total: Resources(slots: 8, milliCPU: 8_000, memory: 8 * F.GiB), pins: [F.cid("a"): F.GiB])
        let other = NodeSnapshot(id: "w2", total: Resources(slots: 8, milliCPU: 8_000, memory: 8 * F.GiB))
        let demand = Resources(slots: 1, milliCPU: 1_000, memory: 3 * F.GiB)
        let tasks = try (1...3).map {
            try F.task("t\($0)", inputs: ["a"], locality: .any, waited: Double(10 - $0), resources: demand)
        }
        #expect(F.place(tasks, on: [big, other]).map(\.node) == ["w1", "w1", "w2"])
    }

    @Test func decidesOldestReadyFirst() throws {
        let nodes = [F.node("w1", slots: 1)]
        let young = try F.task("a-young", waited: 1)
        let old = try F.task("z-old", waited: 50)
        let decisions = F.place([young, old], on: nodes)
        #expect(decisions.map(\.task.task) == ["z-old", "a-young"])
        #expect(decisions[0].node == "w1")
        #expect(decisions[1].action == .wait(.noCapacity))
        #expect(decisions[1].reason == "waiting: no node has room for 1 slot (1 ready node)")
    }

    @Test func neverPlacesOnDrainingOrDownNodes() throws {
        let nodes = [F.node("w1", status: .draining), F.node("w2", status: .down)]
        let decision = F.decide(try F.task("t", locality: .any), on: nodes)
        #expect(decision.action == .wait(.noReadyNode))
        #expect(decision.reason == "waiting: no ready node (1 draining, 1 down)")
    }

    @Test func emptyPoolWaits() throws {
        let decision = F.decide(try F.task("t"), on: [])
        #expect(decision.action == .wait(.emptyPool))
        #expect(decision.reason == "waiting: no nodes in the pool")
    }

    @Test func failsWhenNoNodeIsLargeEnough() throws {
        let decision = F.decide(
            try F.task("t", resources: Resources(slots: 1, memory: 512 * F.GiB), constraints: ["region=eu"]),
            on: [F.node("w1", labels: ["region": "eu"]), F.node("w2", slots: 64, labels: ["region": "us"])])
        #expect(decision.action == .fail(.tooLarge))
        #expect(decision.reason == "failed: no node matching region=eu is large enough for 1 slot, 512 GiB memory, even when idle")
    }

    @Test func aFullButLargeEnoughNodeMeansWaitNotFail() throws {
        let decision = F.decide(try F.task("t", resources: Resources(slots: 2)), on: [F.node("w1", slots: 2, busy: 1)])
        #expect(decision.action == .wait(.noCapacity))
    }

    // MARK: Constraints

    @Test func constraintsFilterNodes() throws {
        let nodes = [
            F.node("w1", slots: 16, labels: ["region": "us", "gpu": "a100"]),
            F.node("w2", labels: ["region": "eu", "arch": "arm64", "gpu": "a100"]),
            F.node("w3", labels: ["region": "eu", "arch": "amd64", "gpu": "a100"]),
            F.node("w4", slots: 16, labels: ["region": "eu"]),
        ]
        let decision = F.decide(try F.task("t", constraints: ["region=eu", "gpu exists", "arch!=arm64"]), on: nodes)
        #expect(decision.node == "w3")
        // A holder outside the constraints is not used, however much it holds.
        let withData = F.place(
            [try F.task("u", inputs: ["a"], constraints: ["gpu not exists"])],
            on: nodes + [F.node("w5", labels: ["gpu": "h100"], pins: ["a": F.GiB])])
        #expect(withData[0].node == "w4")
    }

    @Test func failsWhenConstraintsMatchNoNode() throws {
        let nodes = [F.node("w1", labels: ["region": "us"]), F.node("w2", labels: ["region": "ap"], status: .down)]
        let decision = F.decide(try F.task("t", constraints: ["region=eu", "gpu exists"]), on: nodes)
        #expect(decision.action == .fail(.noMatchingNode))
        #expect(decision.reason == "failed: no node matches constraints region=eu, gpu exists (0 of 2 nodes)")
        // A matching node that is down is still a match: the task waits for it instead.
        let waiting = F.decide(try F.task("u", constraints: ["region=ap"]), on: nodes)
        #expect(waiting.action == .wait(.noReadyNode))
        #expect(waiting.reason == "waiting: no ready node matching region=ap (1 down)")
    }

    // MARK: Nodes where the task failed

    @Test func avoidsNodesWhereTheTaskFailed() throws {
        let nodes = [F.node("w1", slots: 8, pins: ["a": F.GiB]), F.node("w2")]
        // The holder is where it failed: run elsewhere at once rather than waiting for it.
        let decision = F.decide(try F.task("t", inputs: ["a"], failedOn: ["w1"]), on: nodes)
        #expect(decision.node == "w2")
        #expect(decision.reason == "placed on w2: 0 B of 1.0 GiB inputs local")
    }

    @Test func usesAFailedNodeOnlyAsALastResort() throws {
        let nodes = [F.node("w1", pins: ["a": F.GiB]), F.node("w2", busy: 4)]
        let decision = F.decide(try F.task("t", inputs: ["a"], failedOn: ["w1"]), on: nodes)
        #expect(decision.node == "w1")
        #expect(decision.reason == "placed on w1: 1.0 GiB of 1.0 GiB inputs local (failed here before; no other node can take it now)")
        // Also when it holds nothing.
        let plain = F.decide(try F.task("u", failedOn: ["w1"]), on: [F.node("w1", slots: 8), F.node("w2", busy: 4)])
        #expect(plain.node == "w1")
        // Failure ids that are not in the pool are ignored.
        let unknown = F.decide(try F.task("v", failedOn: ["gone"]), on: [F.node("w1")])
        #expect(unknown.node == "w1")
    }

    @Test func preferredWaitsForABusyHolderRatherThanGoBackToAFailedOne() throws {
        let nodes = [F.node("w1", pins: ["a": F.GiB]), F.node("w2", busy: 4, pins: ["a": F.GiB])]
        let early = F.decide(try F.task("t", inputs: ["a"], waited: 5, failedOn: ["w1"]), on: nodes)
        #expect(early.action == .wait(.preferredWindow))
        #expect(early.reason == "waiting: holder w2 busy (preferred locality), 5s of 30s window")
        let late = F.decide(try F.task("t", inputs: ["a"], waited: 40, failedOn: ["w1"]), on: nodes)
        #expect(late.node == "w1")
        #expect(late.reason == "placed on w1: 1.0 GiB of 1.0 GiB inputs local (failed here before; no other node can take it now; holder w2 busy past the 30s preferred window)")
    }

    // MARK: Determinism and agreement

    @Test func sameInputGivesTheSameDecisionsWhateverTheOrder() throws {
        let workload = try RandomWorkload(seed: 7, nodeCount: 40, taskCount: 300, datasetCount: 30)
        let first = Scheduler.place(tasks: workload.tasks, nodes: workload.nodes, now: F.now)
        var random = SplitMix64(seed: 99)
        let shuffled = Scheduler.place(
            tasks: workload.tasks.shuffled(using: &random),
            nodes: workload.nodes.shuffled(using: &random), now: F.now)
        #expect(first == shuffled)
        #expect(Set(first.map(\.task)).count == workload.tasks.count)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func indexedSearchDecidesLikeTheScanBaseline(seed: UInt64) throws {
        let workload = try RandomWorkload(seed: seed, nodeCount: 60, taskCount: 400, datasetCount: 40)
        let indexed = Scheduler.place(tasks: workload.tasks, nodes: workload.nodes, now: F.now)
        let scanned = Scheduler.place(tasks: workload.tasks, nodes: workload.nodes, now: F.now, search: .scan)
        #expect(indexed == scanned)
        // The workload reaches every kind of decision, so the agreement means something.
        let kinds = Set(indexed.map { decision -> String in
            switch decision.action {
            case .place: "place"
            case .wait(let cause): "wait \(cause)"
            case .fail(let cause): "fail \(cause)"
            }
        })
        #expect(kinds.isSuperset(of: ["place", "wait noCapacity", "wait preferredWindow", "wait holderUnavailable"]))
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func placementsRespectCapacityConstraintsAndPrivateData(seed: UInt64) throws {
        let workload = try RandomWorkload(seed: seed, nodeCount: 50, taskCount: 500, datasetCount: 25)
        let decisions = Scheduler.place(tasks: workload.tasks, nodes: workload.nodes, now: F.now)
        let byID = Dictionary(uniqueKeysWithValues: workload.nodes.map { ($0.id, $0) })
        let tasks = Dictionary(uniqueKeysWithValues: workload.tasks.map { ($0.key, $0) })
        var used: [String: Resources] = [:]
        for decision in decisions {
            guard let id = decision.node, let node = byID[id], let task = tasks[decision.task] else { continue }
            #expect(node.status == .ready)
            #expect(task.constraints.allSatisfy { $0.isSatisfied(by: node.labels) })
            for input in task.inputs where input.isPrivate { #expect(node.pins[input.cid] != nil) }
            if task.locality == .required { #expect(task.inputs.allSatisfy { node.pins[$0.cid] != nil }) }
            let sum = used[id, default: .zero]
            used[id] = Resources(
                slots: sum.slots + max(1, task.resources.slots), milliCPU: sum.milliCPU + task.resources.milliCPU,
                memory: sum.memory + task.resources.memory, disk: sum.disk + task.resources.disk)
        }
        for (id, total) in used { #expect(total.fits(in: byID[id]!.free), "node \(id) overcommitted") }
    }

    @Test func aNodeIdGivenTwiceKeepsItsFirstSnapshot() throws {
        let nodes = [F.node("w1", busy: 4), F.node("w1", slots: 8)]
        let decision = F.decide(try F.task("t"), on: nodes)
        #expect(decision.action == .wait(.noCapacity))
    }

    @Test func decisionDescriptionNamesTheTask() throws {
        let decision = F.decide(try F.task("t"), on: [F.node("w1")])
        #expect(decision.description == "j1/t: placed on w1: no inputs")
        #expect(decision.node == "w1")
    }
}
