import IPLD
import Synchronization

/// A ``ProvenanceIndex`` held in memory, for tests and tools that build provenance on the fly.
public final class MemoryProvenanceIndex: ProvenanceIndex {
    private struct State {
        var producers: [CID: CID] = [:]
        var attestations: [CID: [CID]] = [:]
        var memo: [CID: [CID]] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func producingStep(of output: CID) throws -> CID? {
        state.withLock { $0.producers[output.v1] }
    }

    public func attestations(of step: CID) throws -> [CID] {
        state.withLock { $0.attestations[step.v1] ?? [] }
    }

    public func successfulSteps(of recipe: CID) throws -> [CID] {
        state.withLock { $0.memo[recipe.v1] ?? [] }
    }

    public func record(_ entry: ProvenanceIndexEntry) throws {
        state.withLock { state in
            for output in entry.outputs where state.producers[output.v1] == nil {
                state.producers[output.v1] = entry.step
            }
            for attestation in entry.attestations {
                Self.append(attestation, to: &state.attestations[entry.step.v1, default: []])
            }
            if entry.memoizable {
                Self.append(entry.step, to: &state.memo[entry.recipe.v1, default: []])
            }
        }
    }

    public func recordAttestation(_ attestation: CID, of step: CID) throws {
        state.withLock { Self.append(attestation, to: &$0.attestations[step.v1, default: []]) }
    }

    private static func append(_ cid: CID, to list: inout [CID]) {
        if !list.contains(cid) { list.append(cid) }
    }
}
