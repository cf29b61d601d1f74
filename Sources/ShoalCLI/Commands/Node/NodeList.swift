import ArgumentParser
import Foundation
import PoolAPI
import PoolClient
import Units

/// `shoal node list [--json]`: what is where, at a glance.
struct NodeList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the pool's nodes: state, labels, used slots, pins and pinned bytes, running steps.")

    @OptionGroup var requester: RequesterOptions
    @OptionGroup var home: HomeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let nodes = try await requester.withClient(home: home) { try await $0.nodes() }
        if output.json { return try Output.json(nodes) }
        if nodes.isEmpty { return print("no nodes have joined") }
        print(Self.table(nodes, now: Date()))
    }

    /// One row per node under a header. SLOTS is used/total: the steps placed on the node or
    /// held by it, of the slots it joined with (the requester knows both from the join on).
    static func table(_ nodes: [NodeInfo], now: Date) -> String {
        let header = ["NODE", "STATE", "SLOTS", "RUNNING", "PINS", "PINNED", "HEARTBEAT", "URL", "LABELS"]
        var rows = [header]
        for node in nodes {
            let slots = "\(node.usedSlots)/\(node.capacity.slots)"
            let heartbeat = node.lastHeartbeat.map { "\(max(0, Int(now.timeIntervalSince($0))))s ago" } ?? "-"
            let labels = node.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            rows.append([
                JobText.node(node.id), node.state, slots, String(node.running), String(node.pins),
                HumanFormat.bytes(UInt64(max(0, node.pinnedBytes))), heartbeat, node.url, labels.isEmpty ? "-" : labels,
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
