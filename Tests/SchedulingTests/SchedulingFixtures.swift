import Foundation
import IPLD
import Scheduling
import ShoalTesting
import Testing

/// Small builders for pools and tasks, shared by the Scheduling tests.
enum Fixture {
    static let KiB: UInt64 = 1 << 10
    static let MiB: UInt64 = 1 << 20
    static let GiB: UInt64 = 1 << 30

    /// The instant tasks in these tests are decided at.
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    /// A CID standing for the DAG called `name`.
    static func cid(_ name: String) -> CID {
        CID.sha256(Array(name.utf8), codec: .raw)
    }

    /// A node with `slots` slots (4 CPU and 16 GiB memory per slot) of which `busy` are in use.
    static func node(
        _ id: String, slots: Int = 4, busy: Int = 0, labels: [String: String] = [:],
        status: NodeSnapshot.Status = .ready, pins: [String: UInt64] = [:]
    ) -> NodeSnapshot {
        let total = Resources(slots: slots, milliCPU: slots * 4_000, memory: UInt64(slots) * 16 * GiB, disk: 100 * GiB)
        let used = Resources(slots: busy, milliCPU: busy * 4_000, memory: UInt64(busy) * 16 * GiB)
        return NodeSnapshot(
            id: id, labels: labels, status: status, total: total, free: used.subtracted(from: total),
            pins: Dictionary(uniqueKeysWithValues: pins.map { (cid($0.key), $0.value) }))
    }

    /// A task of job `j1` reading the named DAGs (sizes left to the pin reports), ready `waited` seconds before ``now``.
    static func task(
        _ id: String, inputs: [String] = [], privateInputs: [String] = [], sizes: [String: UInt64] = [:],
        locality: LocalityPolicy = .preferred, waited: Double = 0, resources: Resources = Resources(slots: 1),
        constraints: [String] = [], failedOn: Set<String> = [], upstream: Set<String> = [],
        preferredWindow: Duration = .seconds(30), queueTimeout: Duration = .seconds(600)
    ) throws -> TaskDemand {
        let all = inputs.map { TaskDemand.Input(cid: cid($0), size: sizes[$0]) }
            + privateInputs.map { TaskDemand.Input(cid: cid($0), size: sizes[$0], isPrivate: true) }
        return TaskDemand(
            key: TaskKey(job: "j1", task: id), inputs: all, resources: resources, locality: locality,
            preferredWindow: preferredWindow, queueTimeout: queueTimeout,
            constraints: try Constraint.parse(constraints), failedOn: failedOn, upstreamNodes: upstream,
            readySince: now.addingTimeInterval(-waited))
    }

    /// Places `tasks` on `nodes` at ``now`` with both searches, checks they agree, and returns the decisions.
    static func place(_ tasks: [TaskDemand], on nodes: [NodeSnapshot], now: Date = now) -> [PlacementDecision] {
        let indexed = Scheduler.place(tasks: tasks, nodes: nodes, now: now)
        let scanned = Scheduler.place(tasks: tasks, nodes: nodes, now: now, search: .scan)
        #expect(indexed == scanned, "indexed and scan searches disagree")
        return indexed
    }

    /// The one decision for a single task.
    static func decide(_ task: TaskDemand, on nodes: [NodeSnapshot], now: Date = now) -> PlacementDecision {
        place([task], on: nodes, now: now)[0]
    }
}

/// A seeded random pool and task list that exercises every rule: statuses, labels, pins with
/// replicas, partial capacity, private inputs, failures and upstream producers.
struct RandomWorkload {
    var nodes: [NodeSnapshot] = []
    var tasks: [TaskDemand] = []

    init(seed: UInt64, nodeCount: Int, taskCount: Int, datasetCount: Int) throws {
        var random = SplitMix64(seed: seed)
        func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
        let regions = ["eu", "us", "ap"]
        let datasets = (0..<datasetCount).map { Fixture.cid("dataset-\(seed)-\($0)") }
        let sizes = (0..<datasetCount).map { _ in UInt64(1 + pick(64)) * Fixture.MiB }
        for n in 0..<nodeCount {
            var labels = ["region": regions[pick(3)]]
            if pick(4) == 0 { labels["gpu"] = "a100" }
            let status: NodeSnapshot.Status = pick(10) == 0 ? .down : (pick(10) == 0 ? .draining : .ready)
            let slots = 1 + pick(4)
            let total = Resources(slots: slots, milliCPU: slots * 2_000, memory: UInt64(slots) * 4 * Fixture.GiB)
            let busy = pick(slots + 1)
            let used = Resources(slots: busy, milliCPU: busy * 2_000, memory: UInt64(busy) * 4 * Fixture.GiB)
            var pins: [CID: UInt64] = [:]
            for _ in 0..<pick(6) {
                let d = pick(datasetCount)
                pins[datasets[d]] = sizes[d]
            }
            nodes.append(NodeSnapshot(
                id: "w\(n)", labels: labels, status: status, total: total, free: used.subtracted(from: total), pins: pins))
        }
        let constraintChoices: [[String]] = [[], [], ["region=eu"], ["gpu exists"], ["region!=us", "gpu not exists"]]
        let start = Fixture.now.addingTimeInterval(-120)
        for t in 0..<taskCount {
            let inputs = (0..<pick(4)).map { _ -> TaskDemand.Input in
                let d = pick(datasetCount)
                let size: UInt64? = pick(3) == 0 ? nil : sizes[d]
                return TaskDemand.Input(cid: datasets[d], size: size, isPrivate: pick(12) == 0)
            }
            let memory = UInt64(1 + pick(6)) * Fixture.GiB
            tasks.append(TaskDemand(
                key: TaskKey(job: "j\(pick(3))", task: "t\(t)"),
                inputs: inputs,
                resources: Resources(slots: 1, milliCPU: 500 * (1 + pick(4)), memory: memory),
                locality: LocalityPolicy.allCases[pick(3)],
                preferredWindow: .seconds(pick(90)),
                queueTimeout: .seconds(30 + pick(120)),
                constraints: try Constraint.parse(constraintChoices[pick(constraintChoices.count)]),
                failedOn: pick(5) == 0 ? ["w\(pick(nodeCount))"] : [],
                upstreamNodes: pick(3) == 0 ? ["w\(pick(nodeCount))", "w\(pick(nodeCount))"] : [],
                readySince: start.addingTimeInterval(Double(pick(120)))))
        }
    }
}
