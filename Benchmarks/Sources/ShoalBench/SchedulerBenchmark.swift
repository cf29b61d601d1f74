import ArgumentParser
import Foundation
import Scheduling

/// Placement throughput of the `Scheduling` module over 1,000 nodes and 100,000 tasks, against a
/// scan-every-node baseline in the same run.
///
/// Two ways of placing everything are measured:
/// - **one call** (like Nomad's C1M): the pool has room for every task and one
///   `Scheduler.place` call decides all of them;
/// - **requester loop**: the pool has about 16 slots per node, so the requester calls `place`
///   with every waiting task, starts what was placed, lets those steps finish, and calls again
///   10 s later, until every task is placed or failed. Waiting tasks are decided again each
///   round, as the requester would, so this counts their cost too.
///
/// The baseline is the same scheduler with `search: .scan` (look every input up in every
/// node's pins, scan every node for room), on the first `--baseline-tasks` tasks, because it
/// is slow; the indexed search is timed on the same prefix and its decisions compared.
struct SchedulerBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Placements per second of the scheduler, next to a scan-every-node baseline.")

    @Option(help: "Nodes in the pool.") var nodes = 1_000
    @Option(help: "Tasks to place.") var tasks = 100_000
    @Option(help: "Distinct pinned datasets.") var datasets = 20_000
    @Option(help: "Tasks the baseline places (it is slow).") var baselineTasks = 5_000
    @Option(help: "Repetitions of the one-call run; the best is reported.") var repeats = 3
    @Option(help: "Seed of the generated workload.") var seed: UInt64 = 42

    func run() throws {
        let roomy = SchedulerWorkload(
            seed: seed, nodeCount: nodes, taskCount: tasks, datasetCount: datasets, slotsPerNode: 96...160)
        print("scheduler: \(nodes) nodes, \(roomy.pinCount) pins of \(datasets) datasets, \(tasks) tasks, seed \(seed)")
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first ?? "?"
        print("  load average (1 min) at start: \(load) on \(ProcessInfo.processInfo.activeProcessorCount) cores")

        let setup = (0..<repeats).map { _ in
            Measure.seconds { _ = Scheduler.place(tasks: [], nodes: roomy.nodes, now: roomy.now) }
        }.min()!
        print("  per-call setup (holder index, node order): \(ms(setup))")

        // One call over a pool with room for everything.
        var decisions: [PlacementDecision] = []
        let oneCall = (0..<repeats).map { _ in
            Measure.seconds { decisions = Scheduler.place(tasks: roomy.tasks, nodes: roomy.nodes, now: roomy.now) }
        }.min()!
        let tally = Tally(decisions)
        print("one call, \(roomy.slotCount) free slots:")
        print("  indexed: \(tasks) decisions in \(ms(oneCall)): \(tally) → \(rate(tally.placed, oneCall)) placements/s")
        print("  input bytes local on the chosen node: \(percent(tally.localBytes, tally.totalBytes))")
        print("  causes: \(tally.causes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")

        // Baseline on a prefix (the oldest tasks, so the same ones are decided first).
        let prefix = Array(roomy.tasks.sorted { $0.readySince < $1.readySince }.prefix(baselineTasks))
        var scanned: [PlacementDecision] = []
        var indexed: [PlacementDecision] = []
        let scanTime = Measure.seconds {
            scanned = Scheduler.place(tasks: prefix, nodes: roomy.nodes, now: roomy.now, search: .scan)
        }
        let indexedTime = (0..<repeats).map { _ in
            Measure.seconds { indexed = Scheduler.place(tasks: prefix, nodes: roomy.nodes, now: roomy.now) }
        }.min()!
        let scanRate = Double(Tally(scanned).placed) / scanTime
        let indexedRate = Double(Tally(indexed).placed) / indexedTime
        print("baseline, first \(prefix.count) tasks:")
        print("  scan every node: \(ms(scanTime)) → \(rate(Tally(scanned).placed, scanTime)) placements/s")
        print("  indexed:         \(ms(indexedTime)) → \(rate(Tally(indexed).placed, indexedTime)) placements/s")
        print("  identical decisions: \(scanned == indexed ? "yes" : "NO")")
        print(String(format: "  ratio indexed/scan: %.1fx (same prefix); full one-call run vs scan: %.1fx",
                     indexedRate / scanRate, Double(tally.placed) / oneCall / scanRate))

        try requesterLoop()
    }

    /// Places every task through repeated calls, as the requester does when capacity frees up.
    private func requesterLoop() throws {
        let workload = SchedulerWorkload(
            seed: seed, nodeCount: nodes, taskCount: tasks, datasetCount: datasets, slotsPerNode: 12...20)
        var pending = workload.tasks
        var now = workload.now
        var spent = 0.0, calls: [Double] = [], decided = 0
        var total = Tally([])
        while !pending.isEmpty, calls.count < 200 {
            var decisions: [PlacementDecision] = []
            let seconds = Measure.seconds { decisions = Scheduler.place(tasks: pending, nodes: workload.nodes, now: now) }
            spent += seconds
            calls.append(seconds)
            decided += decisions.count
            let round = Tally(decisions)
            total.add(round)
            let settled = Set(decisions.filter { if case .wait = $0.action { false } else { true } }.map(\.task))
            pending.removeAll { settled.contains($0.key) }
            // Everything placed this round runs and finishes before the next call, so each call
            // sees the nodes at their starting load again; only the clock moves on.
            now = now.addingTimeInterval(10)
        }
        print("requester loop, \(workload.slotCount) free slots at the start, now += 10s per call:")
        print("  \(calls.count) calls, \(decided) decisions (\(total)); \(pending.count) still waiting")
        print("  time in place(): \(ms(spent)) → \(rate(total.placed, spent)) placements/s, \(rate(decided, spent)) decisions/s")
        print("  call latency p50 \(ms(Measure.quantile(calls, 0.5))), max \(ms(calls.max() ?? 0))")
        print("  input bytes local on the chosen node: \(percent(total.localBytes, total.totalBytes))")
        print("  causes: \(total.causes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
    }

    private func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
    private func rate(_ count: Int, _ seconds: Double) -> String { String(format: "%.0f", Double(count) / seconds) }
    private func percent(_ part: UInt64, _ whole: UInt64) -> String {
        whole == 0 ? "n/a" : String(format: "%.1f%%", Double(part) / Double(whole) * 100)
    }
}

/// Counts of decisions by kind, and the locality of the placements.
private struct Tally: CustomStringConvertible {
    var placed = 0, waiting = 0, failed = 0
    var localBytes: UInt64 = 0, totalBytes: UInt64 = 0
    var causes: [String: Int] = [:]

    init(_ decisions: [PlacementDecision]) {
        for decision in decisions {
            switch decision.action {
            case .place(_, let local, let total):
                placed += 1
                localBytes += local
                totalBytes += total
            case .wait(let cause):
                waiting += 1
                causes["wait \(cause)", default: 0] += 1
            case .fail(let cause):
                failed += 1
                causes["fail \(cause)", default: 0] += 1
            }
        }
    }

    mutating func add(_ other: Tally) {
        placed += other.placed
        waiting += other.waiting
        failed += other.failed
        localBytes += other.localBytes
        totalBytes += other.totalBytes
        causes.merge(other.causes, uniquingKeysWith: +)
    }

    var description: String { "\(placed) placed, \(waiting) waiting, \(failed) failed" }
}
