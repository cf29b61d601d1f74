import Foundation
import GRDB
import IPLD
import Provenance

/// The ``Provenance/ProvenanceIndex`` of a node, kept in its job store.
///
/// It follows the protocol's rules with SQL constraints rather than code paths:
/// - an output keeps its **first** producing step (`INSERT OR IGNORE` on the output key);
/// - attestations and memoization candidates are listed in the order they were recorded
///   (an autoincrement sequence), each once (a unique constraint);
/// - only entries marked memoizable (steps that ran and succeeded) become candidates;
/// - recording the same entry twice changes nothing.
///
/// CIDs are keyed by their CIDv1 binary form, so a CIDv0 and a CIDv1 name of the same block are
/// the same key (as in ``Provenance/MemoryProvenanceIndex``); lookups return CIDv1.
///
/// ```swift
/// let index = try JobStore(home: home).provenanceIndex
/// let writer = ProvenanceWriter(sink: repoWriter, index: index, identity: identity)
/// ```
public struct SQLiteProvenanceIndex: ProvenanceIndex {
    let store: JobStore

    public func producingStep(of output: CID) throws -> CID? {
        try store.read("look up the step of \(output)") { db in
            try Data.fetchOne(db, sql: "SELECT step FROM provenance_output WHERE output = ?", arguments: [Self.key(output)])
        }.map { try Self.cid($0) }
    }

    public func attestations(of step: CID) throws -> [CID] {
        try store.read("look up attestations of \(step)") { db in
            try Data.fetchAll(
                db, sql: "SELECT attestation FROM provenance_attestation WHERE step = ? ORDER BY seq", arguments: [Self.key(step)])
        }.map(Self.cid)
    }

    public func successfulSteps(of recipe: CID) throws -> [CID] {
        try store.read("look up steps of recipe \(recipe)") { db in
            try Data.fetchAll(
                db, sql: "SELECT step FROM provenance_memo WHERE recipe = ? ORDER BY seq", arguments: [Self.key(recipe)])
        }.map(Self.cid)
    }

    public func record(_ entry: ProvenanceIndexEntry) throws {
        try store.write("record step \(entry.step)") { db in try Self.record(entry, in: db) }
    }

    /// Records `entry` inside a transaction the caller holds (a report records its outcome and
    /// indexes its step in one).
    static func record(_ entry: ProvenanceIndexEntry, in db: Database) throws {
        let step = Self.key(entry.step)
        let output = try db.cachedStatement(sql: "INSERT OR IGNORE INTO provenance_output (output, step) VALUES (?, ?)")
        for cid in entry.outputs { try output.execute(arguments: [Self.key(cid), step]) }
        let attestation = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO provenance_attestation (step, attestation) VALUES (?, ?)")
        for cid in entry.attestations { try attestation.execute(arguments: [step, Self.key(cid)]) }
        if entry.memoizable {
            try db.execute(
                sql: "INSERT OR IGNORE INTO provenance_memo (recipe, step) VALUES (?, ?)",
                arguments: [Self.key(entry.recipe), step])
        }
    }

    public func recordAttestation(_ attestation: CID, of step: CID) throws {
        try store.write("record attestation of \(step)") { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO provenance_attestation (step, attestation) VALUES (?, ?)",
                arguments: [Self.key(step), Self.key(attestation)])
        }
    }

    static func key(_ cid: CID) -> Data { Data(cid.v1.bytes) }

    static func cid(_ data: Data) throws -> CID {
        do { return try CID(bytes: Array(data)) } catch {
            throw JobStoreError(.corruptRecord, "the provenance index holds a value that is not a CID")
        }
    }
}

extension JobStore {
    /// This store's provenance index: output → step, step → attestations, recipe → successful steps.
    public var provenanceIndex: SQLiteProvenanceIndex { SQLiteProvenanceIndex(store: self) }
}
