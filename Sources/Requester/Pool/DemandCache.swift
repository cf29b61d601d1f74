import Orchestrator
import Scheduling
import Synchronization

/// The scheduler's demand of each active execution, kept between placement passes so a pass
/// builds only the demands of executions it has not seen.
///
/// Two writers: the dispatcher ``remember(_:assignments:)``s the demands of the executions it just
/// stored, with their assignments (it holds them, so nothing is read back from the store or
/// decoded, neither by the pass nor by the claim that hands them out), and each
/// placement pass keeps the demands of the executions it found active. Everything else is
/// forgotten at the end of a pass, so an execution that ended (reported, lost, returned,
/// cancelled) leaves nothing behind, and its next attempt, a new execution, gets its own demand.
///
/// A pass cannot tell by itself whether a remembered execution that it did not find active has
/// ended or was stored after its read of the store. So every entry carries the generation it was
/// written in, and ``beginPass()`` (called before the pass reads the store) starts a new one:
/// an entry written before that, by a dispatcher that stores first and remembers after, belongs to
/// an execution the read saw if it was still active, and is dropped when it was not; one written
/// since is kept for the next pass. Nothing survives a restart: the first pass builds every
/// demand from the store.
final class DemandCache: Sendable {
    private struct Entry {
        var demand: TaskDemand
        /// The assignment as the dispatcher queued it; `nil` for a demand a pass built from the store.
        var assignment: StepAssignment?
        var generation: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())

    init() {}

    /// Keeps the demands of executions just stored, and their assignments, by execution id.
    func remember(_ demands: [String: TaskDemand], assignments: [String: StepAssignment] = [:]) {
        guard !demands.isEmpty else { return }
        state.withLock { state in
            for (id, demand) in demands {
                state.entries[id] = Entry(demand: demand, assignment: assignments[id], generation: state.generation)
            }
        }
    }

    /// Starts a placement pass; call it before reading the active executions, and hand the
    /// result to ``endPass(_:keeping:)``.
    func beginPass() -> UInt64 {
        state.withLock { state in
            state.generation += 1
            return state.generation
        }
    }

    /// The demands known now, by execution id.
    func known() -> [String: TaskDemand] {
        state.withLock { $0.entries.mapValues(\.demand) }
    }

    /// Ends the pass begun as `pass`: keeps `active` (the demands of the executions it found
    /// active) and what was remembered since it began, and forgets the rest.
    func endPass(_ pass: UInt64, keeping active: [String: TaskDemand]) {
        state.withLock { state in
            let before = state.entries
            state.entries = before.filter { $0.value.generation >= pass && active[$0.key] == nil }
            for (id, demand) in active {
                state.entries[id] = Entry(demand: demand, assignment: before[id]?.assignment, generation: pass)
            }
        }
    }

    /// The demand kept for execution `id`.
    func demand(_ id: String) -> TaskDemand? { state.withLock { $0.entries[id]?.demand } }

    /// The assignment the dispatcher queued execution `id` with, while its demand is kept.
    func assignment(_ id: String) -> StepAssignment? { state.withLock { $0.entries[id]?.assignment } }

    /// How many demands are kept (tests: nothing of an ended execution may stay).
    var count: Int { state.withLock { $0.entries.count } }
}
