#if canImport(FoundationEssentials)
import Units
import FoundationEssentials
#else
import Foundation
#endif

/// The locality policy: from a task's holdings and the pool's free room to one decision.
///
/// In order: an empty pool waits; constraints that match no node fail; a private input pinned
/// nowhere fails. Then the best node that can take the task now is found (see ``CandidateRank``),
/// among holders only when the task is restricted (`required`, or private inputs). Without such
/// a node the task fails if no matching node is large enough even when idle, and otherwise
/// waits. `required` and private-input tasks wait for a holder until their queue timeout;
/// `preferred` tasks wait for a busier holder with more input bytes until their preferred window
/// has passed; `any` tasks never wait for a holder.
extension PlacementRun {
    /// Decides for one task and, when it is placed, takes its resources from the chosen node.
    mutating func decide(_ task: TaskDemand, now: Date) -> PlacementDecision {
        defer { resetHoldings() }
        func decision(_ action: PlacementDecision.Action, _ reason: String) -> PlacementDecision {
            PlacementDecision(task: task.key, action: action, reason: reason)
        }
        guard !nodes.isEmpty else { return decision(.wait(.emptyPool), "waiting: no nodes in the pool") }
        let demand = task.resources.normalizedDemand
        let g = group(for: task.constraints)
        let constraintText = task.constraints.map(\.description).joined(separator: ", ")
        guard groups[g].matchCount > 0 else {
            return decision(
                .fail(.noMatchingNode),
                "failed: no node matches constraints \(constraintText) (0 of \(Self.count(nodes.count, "node")))")
        }

        let inputs = collectHoldings(of: task.inputs)
        let privateTotal = Int32(inputs.count { $0.isPrivate })
        if let missing = inputs.first(where: { $0.isPrivate && $0.holders.isEmpty }) {
            return decision(.fail(.privateInputUnavailable), "failed: private input \(missing.cid) is pinned on no node")
        }
        if privateTotal > 1, !touched.contains(where: { privateCount[Int($0)] == privateTotal }) {
            return decision(
                .fail(.privateInputUnavailable), "failed: no single node holds all \(privateTotal) private inputs")
        }
        let requiresAll = task.locality == .required && !inputs.isEmpty
        let restricted = requiresAll || privateTotal > 0
        let inputCount = Int32(inputs.count)
        func holdsEnough(_ node: Int32) -> Bool {
            (!requiresAll || localCount[Int(node)] == inputCount) && privateCount[Int(node)] == privateTotal
        }
        let failedOn = positions(of: task.failedOn)
        let upstream = positions(of: task.upstreamNodes)

        // The best node that can take the task now. Nodes that hold no input, produced no upstream
        // output and saw no failure rank only by free room, so one heap query stands for them all.
        var best: CandidateRank?
        func consider(_ node: Int32) {
            guard canTakeNow(node, group: g, demand: demand), !restricted || holdsEnough(node) else { return }
            let rank = rank(of: node, failedOn: failedOn, upstream: upstream)
            if best.map({ $0 < rank }) ?? true { best = rank }
        }
        for node in touched { consider(node) }
        if !restricted {
            for node in upstream { consider(node) }
            for node in failedOn { consider(node) }
            if let node = emptiestFittingNode(group: g, demand: demand, failedOn: failedOn) { consider(node) }
        }

        if best == nil, !isLargeEnough(group: g, for: demand) {
            let among = task.constraints.isEmpty ? "" : " matching \(constraintText)"
            return decision(.fail(.tooLarge), "failed: no node\(among) is large enough for \(demand), even when idle")
        }
        let elapsed = now.timeIntervalSince(task.readySince)

        if restricted {
            if let best { return placed(task, demand, on: best, inputs: inputs, note: nil) }
            // Name the holder the task waits for: a suitable node that holds what it must.
            let suitable = touched.filter { node in
                holdsEnough(node) && groups[g].matches[Int(node)] && demand.fits(in: nodes[Int(node)].total)
            }
            if privateTotal > 0, !touched.contains(where: { node in
                privateCount[Int(node)] == privateTotal && groups[g].matches[Int(node)]
                    && demand.fits(in: nodes[Int(node)].total)
            }) {
                return decision(
                    .fail(.privateInputUnavailable),
                    "failed: private inputs are pinned only on nodes that do not match the constraints or are too small")
            }
            let policy = requiresAll ? "required locality" : "private input"
            let waitingFor: String
            if let holder = suitable.max(by: { waitPreference($0) < waitPreference($1) }) {
                let others = suitable.count > 1 ? ", and \(Self.count(suitable.count - 1, "other holder")) unavailable" : ""
                waitingFor = "holder \(nodes[Int(holder)].id) \(availability(of: holder))\(others)"
            } else {
                waitingFor = inputs.count == 1 ? "no suitable node holds its input" : "no suitable node holds all \(inputs.count) inputs"
            }
            let timeout = task.queueTimeout.secondsValue
            if elapsed >= timeout {
                return decision(
                    .fail(.queueTimeout),
                    "failed: queue timeout of \(HumanFormat.duration(task.queueTimeout)) passed; \(waitingFor) (\(policy))")
            }
            return decision(
                .wait(.holderUnavailable),
                "waiting: \(waitingFor) (\(policy)), \(HumanFormat.duration(seconds: elapsed)) of \(HumanFormat.duration(task.queueTimeout)) queue timeout")
        }

        var note: String?
        // Worth waiting for: a busy holder with more input bytes than the best node now, or any
        // busy holder when the best node now is one where the task failed before.
        if task.locality == .preferred, let target = bestReadyHolder(group: g, demand: demand, failedOn: failedOn),
           best.map({ !$0.notFailed || ($0.bytes, $0.count) < (localBytes[Int(target)], localCount[Int(target)]) })
            ?? true {
            let holder = nodes[Int(target)].id
            let window = HumanFormat.duration(task.preferredWindow)
            if elapsed < task.preferredWindow.secondsValue {
                return decision(
                    .wait(.preferredWindow),
                    "waiting: holder \(holder) busy (preferred locality), \(HumanFormat.duration(seconds: elapsed)) of \(window) window")
            }
            note = "holder \(holder) busy past the \(window) preferred window"
        }
        if let best { return placed(task, demand, on: best, inputs: inputs, note: note) }

        let group = groups[g]
        let matching = task.constraints.isEmpty ? "" : " matching \(constraintText)"
        if group.readyCount == 0 {
            var away: [String] = []
            if group.drainingCount > 0 { away.append("\(group.drainingCount) draining") }
            if group.downCount > 0 { away.append("\(group.downCount) down") }
            return decision(.wait(.noReadyNode), "waiting: no ready node\(matching) (\(away.joined(separator: ", ")))")
        }
        return decision(
            .wait(.noCapacity),
            "waiting: no node has room for \(demand) (\(Self.count(group.readyCount, "ready node"))\(matching))")
    }

    // MARK: Helpers

    /// Positions of the named nodes that are in the pool, in position order.
    private func positions(of ids: Set<String>) -> [Int32] {
        ids.compactMap { positionByID[$0] }.sorted()
    }

    /// The ready, suitable holder with the most input bytes (then inputs, then earliest id) that
    /// the task has not failed on: the node a `preferred` task is worth waiting for.
    private func bestReadyHolder(group g: Int, demand: Resources, failedOn: [Int32]) -> Int32? {
        var best: (bytes: UInt64, count: Int32, node: Int32)?
        for node in touched {
            let position = Int(node)
            guard nodes[position].status == .ready, groups[g].matches[position],
                  demand.fits(in: nodes[position].total), !failedOn.contains(node)
            else { continue }
            let candidate = (bytes: localBytes[position], count: localCount[position], node: node)
            if let current = best,
               (current.bytes, current.count, -current.node) >= (candidate.bytes, candidate.count, -candidate.node) {
                continue
            }
            best = candidate
        }
        return best?.node
    }

    /// Orders holders for naming in a wait reason: ready before draining before down, then more
    /// input bytes, then earlier id.
    private func waitPreference(_ node: Int32) -> (Int, UInt64, Int32) {
        let position = Int(node)
        let status = switch nodes[position].status {
        case .ready: 2
        case .draining: 1
        case .down: 0
        }
        return (status, localBytes[position], -node)
    }

    /// `busy`, `draining` or `down`: why a holder cannot take the task now.
    private func availability(of node: Int32) -> String {
        switch nodes[Int(node)].status {
        case .ready: "busy"
        case .draining: "draining"
        case .down: "down"
        }
    }

    /// Takes the task's resources from `best` and describes the placement.
    private mutating func placed(
        _ task: TaskDemand, _ demand: Resources, on best: CandidateRank, inputs: [ResolvedInput], note: String?
    ) -> PlacementDecision {
        let node = best.node
        let position = Int(node)
        let total = inputs.reduce(UInt64(0)) { $0 &+ ($1.size ?? 0) }
        let local = localBytes[position]
        // An input's size is unknown only when the task gives none and no node pins it (a holder
        // always reports one), so inputs of unknown size are never local anywhere.
        let unknown = inputs.count { $0.size == nil }

        var summary: String
        if inputs.isEmpty {
            summary = "no inputs"
        } else if unknown == 0 {
            summary = "\(HumanFormat.bytes(local)) of \(HumanFormat.bytes(total)) inputs local"
        } else if unknown == inputs.count {
            summary = "0 of \(Self.count(inputs.count, "input")) local (pinned on no node, sizes unknown)"
        } else {
            summary = "\(HumanFormat.bytes(local)) of \(HumanFormat.bytes(total)) inputs local, "
                + "plus \(Self.count(unknown, "input")) of unknown size pinned on no node"
        }
        var notes: [String] = []
        if !best.notFailed { notes.append("failed here before; no other node can take it now") }
        if best.upstream { notes.append("ran its upstream steps") }
        if let note { notes.append(note) }
        if !notes.isEmpty { summary += " (\(notes.joined(separator: "; ")))" }

        consume(demand, on: node)
        return PlacementDecision(
            task: task.key,
            action: .place(node: nodes[position].id, localBytes: local, totalBytes: total),
            reason: "placed on \(nodes[position].id): \(summary)")
    }

    /// `1 node`, `3 nodes`.
    static func count(_ n: Int, _ noun: String) -> String {
        n == 1 ? "1 \(noun)" : "\(n) \(noun)s"
    }
}
