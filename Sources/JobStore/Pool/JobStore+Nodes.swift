import Foundation
import GRDB
import IPLD

extension JobStore {
    static let nodeColumns = "id, url, labels, capacity, free, state, joined, last_heartbeat, fetched_bytes, local_bytes"

    /// Records a node joining (or joining again): its record replaces the old one, and `pins`
    /// replace its whole pin list. Byte counters are kept across joins.
    public func joinNode(_ node: NodeRecord, pins: [NodePin]) throws {
        try write("record join of \(node.id)") { db in
            try db.execute(
                sql: """
                    INSERT INTO pool_node (id, url, labels, capacity, free, state, joined, last_heartbeat)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET url = excluded.url, labels = excluded.labels,
                        capacity = excluded.capacity, free = excluded.free, state = excluded.state,
                        joined = excluded.joined, last_heartbeat = excluded.last_heartbeat
                    """,
                arguments: [
                    node.id, node.url, Self.jsonText(node.labels), Self.jsonText(node.capacity),
                    node.free.map { Self.jsonText($0) }, node.state.rawValue, Self.seconds(node.joined),
                    Self.seconds(node.lastHeartbeat),
                ])
            try db.execute(sql: "DELETE FROM pool_pin WHERE node = ?", arguments: [node.id])
            try Self.insertPins(db, node: node.id, pins: pins)
        }
    }

    /// Records a heartbeat: the time, the free resources, pin changes and byte counters.
    /// A node marked down comes back as ready.
    ///
    /// - Throws: ``JobStoreError/Code/notFound`` for a node that never joined.
    public func recordHeartbeat(
        node: String, at date: Date, free: NodeResources?, pinsAdded: [NodePin], pinsRemoved: [CID],
        fetchedBytes: Int64, localBytes: Int64
    ) throws {
        try write("record heartbeat of \(node)") { db in
            try db.execute(
                sql: """
                    UPDATE pool_node SET last_heartbeat = ?, free = COALESCE(?, free),
                        state = CASE state WHEN 'down' THEN 'ready' ELSE state END,
                        fetched_bytes = fetched_bytes + ?, local_bytes = local_bytes + ?
                    WHERE id = ?
                    """,
                arguments: [Self.seconds(date), free.map { Self.jsonText($0) }, fetchedBytes, localBytes, node])
            guard db.changesCount > 0 else { throw JobStoreError(.notFound, "no node \(node) in the pool") }
            let remove = try db.cachedStatement(sql: "DELETE FROM pool_pin WHERE node = ? AND cid = ?")
            for cid in pinsRemoved { try remove.execute(arguments: [node, Data(cid.v1.bytes)]) }
            try Self.insertPins(db, node: node, pins: pinsAdded)
        }
    }

    /// Changes a node's state.
    ///
    /// - Throws: ``JobStoreError/Code/notFound``.
    public func setNodeState(_ node: String, to state: NodeState) throws {
        try write("update node \(node)") { db in
            try db.execute(sql: "UPDATE pool_node SET state = ? WHERE id = ?", arguments: [state.rawValue, node])
            guard db.changesCount > 0 else { throw JobStoreError(.notFound, "no node \(node) in the pool") }
        }
    }

    /// One node, or `nil`.
    public func node(_ id: String) throws -> NodeRecord? {
        try read("read node \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.nodeColumns) FROM pool_node WHERE id = ?", arguments: [id]).map(Self.nodeRecord)
        }
    }

    /// Every node, by id.
    public func nodes() throws -> [NodeRecord] {
        try read("list nodes") { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.nodeColumns) FROM pool_node ORDER BY id").map(Self.nodeRecord)
        }
    }

    /// The pins of every node, by node id.
    public func nodePins() throws -> [String: [NodePin]] {
        try read("list pins") { db in
            var result: [String: [NodePin]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT node, cid, size, private FROM pool_pin ORDER BY node") {
                let data: Data = row["cid"]
                let cid = try Self.pinCID(data)
                result[row["node"], default: []].append(NodePin(cid: cid, size: row["size"], isPrivate: row["private"]))
            }
            return result
        }
    }

    static func insertPins(_ db: Database, node: String, pins: [NodePin]) throws {
        let insert = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO pool_pin (node, cid, size, private) VALUES (?, ?, ?, ?)")
        for pin in pins { try insert.execute(arguments: [node, Data(pin.cid.v1.bytes), max(0, pin.size), pin.isPrivate]) }
    }

    static func pinCID(_ data: Data) throws -> CID {
        do { return try CID(bytes: Array(data)) } catch { throw corrupt("a pin", "not a CID") }
    }

    static func nodeRecord(_ row: Row) throws -> NodeRecord {
        let id: String = row["id"]
        guard let state = NodeState(rawValue: row["state"]) else { throw corrupt("node \(id)", "unknown state") }
        let free: String? = row["free"]
        return NodeRecord(
            id: id, url: row["url"], labels: try decodeJSON(row["labels"], "node \(id) labels"),
            capacity: try decodeJSON(row["capacity"], "node \(id) capacity"),
            free: try free.map { try decodeJSON($0, "node \(id) free") }, state: state,
            joined: date(row["joined"]) ?? Date(timeIntervalSince1970: 0), lastHeartbeat: date(row["last_heartbeat"]),
            fetchedBytes: row["fetched_bytes"], localBytes: row["local_bytes"])
    }

    /// Any Codable value as compact JSON with sorted keys.
    static func jsonText(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func decodeJSON<T: Decodable>(_ text: String, _ what: String) throws -> T {
        guard let value = try? JSONDecoder().decode(T.self, from: Data(text.utf8)) else { throw corrupt(what, "not valid JSON") }
        return value
    }
}
