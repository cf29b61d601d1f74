import Foundation
import IPLD
import Scheduling
import ShoalTesting

/// A seeded, realistic-looking pool and task list for the scheduler benchmark.
///
/// - Datasets: `datasetCount` DAGs with sizes spread log-uniformly from 1 MiB to 64 GiB. Each is
///   pinned on 1–3 random nodes; the 1% most popular ones on 8–20 nodes, as replicated
///   reference data would be.
/// - Nodes: ids `w0000…`; labels `region` (eu 40%, us 40%, ap 20%), `arch` (amd64 80%, arm64),
///   `gpu=a100` on 10%, `disk` (ssd or hdd); every slot comes with 1 CPU and 4 GiB memory.
///   A tenth of the nodes are already busy up to half their slots; 1% are draining, 1% down.
/// - Tasks: locality preferred 70%, required 15%, any 15%. A `preferred` or `any` task reads
///   1–3 datasets drawn by popularity (Zipf, s = 0.9), and 5% of them also a fresh upload that
///   no node pins (size unknown); a `required` task reads 1–3 datasets that one node pins
///   together (data that may not move is processed where it lives).
///   Constraints on 20% of the others (`region=eu`, `gpu exists`, `arch!=arm64`); a private input on 1%;
///   a previous failure on 2%; an upstream producer on 20%. Each asks 1 slot, 0.25–1 CPU and
///   256 MiB–4 GiB, and became ready within the last 60 s (windows of 30 s, so some have passed).
struct SchedulerWorkload {
    var nodes: [NodeSnapshot] = []
    var tasks: [TaskDemand] = []
    let now = Date(timeIntervalSince1970: 1_750_000_000)

    init(seed: UInt64, nodeCount: Int, taskCount: Int, datasetCount: Int, slotsPerNode: ClosedRange<Int>) {
        var random = SplitMix64(seed: seed)
        func below(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
        func chance(_ percent: Int) -> Bool { below(1000) < percent * 10 }
        func unit() -> Double { Double(random.next() >> 11) / Double(1 << 53) }

        let datasets = (0..<datasetCount).map { CID.sha256(Array("dataset-\(seed)-\($0)".utf8), codec: .raw) }
        let (low, high) = (log(Double(1 << 20)), log(Double(64) * Double(1 << 30)))
        let sizes = datasets.map { _ in UInt64(exp(low + (high - low) * unit())) }

        var pins = Array(repeating: [CID: UInt64](), count: nodeCount)
        for (rank, cid) in datasets.enumerated() {
            let replicas = rank < datasetCount / 100 ? 8 + below(13) : 1 + below(3)
            for _ in 0..<replicas { pins[below(nodeCount)][cid] = sizes[rank] }
        }

        for n in 0..<nodeCount {
            let regionRoll = below(10)
            var labels = [
                "region": regionRoll < 4 ? "eu" : (regionRoll < 8 ? "us" : "ap"),
                "arch": chance(80) ? "amd64" : "arm64",
                "disk": chance(50) ? "ssd" : "hdd",
            ]
            if chance(10) { labels["gpu"] = "a100" }
            let slots = slotsPerNode.lowerBound + below(slotsPerNode.count)
            let total = Resources(slots: slots, milliCPU: slots * 1_000, memory: UInt64(slots) << 32, disk: 2 << 40)
            let busy = chance(10) ? below(slots / 2 + 1) : 0
            let used = Resources(slots: busy, milliCPU: busy * 1_000, memory: UInt64(busy) << 32)
            let status: NodeSnapshot.Status = chance(1) ? .draining : (chance(1) ? .down : .ready)
            nodes.append(NodeSnapshot(
                id: String(format: "w%04d", n), labels: labels, status: status, total: total,
                free: used.subtracted(from: total), pins: pins[n]))
        }

        // Popularity: dataset at rank r is picked with weight 1 / (r + 1)^0.9.
        var cumulative: [Double] = []
        cumulative.reserveCapacity(datasetCount)
        var sum = 0.0
        for rank in 0..<datasetCount {
            sum += 1 / pow(Double(rank + 1), 0.9)
            cumulative.append(sum)
        }
        func popularDataset() -> Int {
            let target = unit() * sum
            var lo = 0, hi = datasetCount - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] < target { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }

        let constraintSets: [[Constraint]] = [
            [Constraint(key: "region", .equals("eu"))],
            [Constraint(key: "gpu", .exists)],
            [Constraint(key: "arch", .notEquals("arm64"))],
            [Constraint(key: "region", .equals("eu")), Constraint(key: "arch", .notEquals("arm64"))],
        ]
        let memories: [UInt64] = [256 << 20, 1 << 30, 2 << 30, 4 << 30]
        let sizeByCID = Dictionary(uniqueKeysWithValues: zip(datasets, sizes))
        for t in 0..<taskCount {
            let localityRoll = below(100)
            let locality: LocalityPolicy = localityRoll < 70 ? .preferred : (localityRoll < 85 ? .required : .any)
            var inputs: [TaskDemand.Input]
            if locality == .required {
                // Data that may not move is read where it lives: inputs that one node pins together.
                var held = pins[below(nodeCount)].keys.sorted()
                while held.isEmpty { held = pins[below(nodeCount)].keys.sorted() }
                inputs = (0..<min(held.count, 1 + below(3))).map { _ in
                    let cid = held[below(held.count)]
                    return TaskDemand.Input(cid: cid, size: sizeByCID[cid])
                }
            } else {
                inputs = (0..<(1 + below(3))).map { _ -> TaskDemand.Input in
                    let d = popularDataset()
                    return TaskDemand.Input(cid: datasets[d], size: sizes[d])
                }
                if chance(5) { inputs.append(TaskDemand.Input(cid: CID.sha256(Array("upload-\(t)".utf8), codec: .raw))) }
            }
            if chance(1) {
                // Private data: pick one that some node pins, so most such tasks can run.
                let n = below(nodeCount)
                if let (cid, size) = pins[n].min(by: { $0.key < $1.key }) {
                    inputs.append(TaskDemand.Input(cid: cid, size: size, isPrivate: true))
                }
            }
            tasks.append(TaskDemand(
                key: TaskKey(job: "job\(t / 5)", task: "t\(t % 5)"),
                inputs: inputs,
                resources: Resources(slots: 1, milliCPU: 250 << below(3), memory: memories[below(4)]),
                locality: locality,
                // A required task's holder was picked above; constraints could only contradict it.
                constraints: locality != .required && chance(20) ? constraintSets[below(constraintSets.count)] : [],
                failedOn: chance(2) ? [nodes[below(nodeCount)].id] : [],
                upstreamNodes: chance(20) ? [nodes[below(nodeCount)].id] : [],
                readySince: now.addingTimeInterval(-60 * unit())))
        }
    }

    var pinCount: Int { nodes.reduce(0) { $0 + $1.pins.count } }
    var slotCount: Int { nodes.reduce(0) { $0 + $1.free.slots } }
}
