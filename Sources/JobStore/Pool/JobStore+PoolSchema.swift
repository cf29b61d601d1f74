import GRDB

extension JobStore {
    /// The pool's tables (the requester's state): tokens, nodes with their pins, and executions
    /// with their leases. Appended after the one-machine schema; never edited once shipped.
    static func registerPoolMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration(Migration.poolTokens) { db in
            // Only the SHA-256 of a token's secret is kept: a stolen database grants nothing.
            try db.execute(sql: """
                CREATE TABLE pool_token (
                    id TEXT NOT NULL PRIMARY KEY,
                    secret_hash BLOB NOT NULL,            -- SHA-256 of the secret, never the secret
                    role TEXT NOT NULL,                   -- client | worker | admin | node
                    note TEXT,
                    node TEXT,                            -- the node a node credential is bound to
                    created REAL NOT NULL,
                    revoked REAL
                ) WITHOUT ROWID;
                CREATE INDEX pool_token_node ON pool_token(node);
                """)
        }
        migrator.registerMigration(Migration.poolNodes) { db in
            try db.execute(sql: """
                CREATE TABLE pool_node (
                    id TEXT NOT NULL PRIMARY KEY,         -- did:key
                    url TEXT NOT NULL,                    -- gateway base URL
                    labels TEXT NOT NULL,                 -- JSON {key: value}
                    capacity TEXT NOT NULL,               -- JSON NodeResources
                    free TEXT,                            -- JSON NodeResources, as last reported
                    state TEXT NOT NULL,                  -- ready | draining | down
                    joined REAL NOT NULL,
                    last_heartbeat REAL,
                    fetched_bytes INTEGER NOT NULL DEFAULT 0,
                    local_bytes INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID;
                CREATE TABLE pool_pin (
                    node TEXT NOT NULL REFERENCES pool_node(id) ON DELETE CASCADE,
                    cid BLOB NOT NULL,                    -- CIDv1 binary form
                    size INTEGER NOT NULL,                -- bytes of the whole DAG
                    private INTEGER NOT NULL,
                    PRIMARY KEY (node, cid)
                ) WITHOUT ROWID;
                CREATE INDEX pool_pin_cid ON pool_pin(cid);
                """)
        }
        migrator.registerMigration(Migration.poolExecutions) { db in
            try db.execute(sql: """
                CREATE TABLE pool_execution (
                    id TEXT NOT NULL PRIMARY KEY,
                    job_id TEXT NOT NULL REFERENCES job(id) ON DELETE CASCADE,
                    task_id TEXT NOT NULL,
                    attempt INTEGER NOT NULL,
                    state TEXT NOT NULL,                  -- ExecutionState
                    node TEXT,
                    assignment TEXT NOT NULL,             -- the StepAssignment as JSON
                    ready_since REAL NOT NULL,
                    not_before REAL,
                    lease_expires REAL,
                    placement TEXT,                       -- the last placement reason
                    outcome TEXT,                         -- the reported StepOutcome as JSON
                    reason TEXT,
                    created REAL NOT NULL,
                    placed REAL,
                    claimed REAL,
                    finished REAL
                ) WITHOUT ROWID;
                CREATE INDEX pool_execution_task ON pool_execution(job_id, task_id, attempt);
                CREATE INDEX pool_execution_state ON pool_execution(state);
                CREATE INDEX pool_execution_node ON pool_execution(node, state);
                """)
        }
        migrator.registerMigration(Migration.poolTokenIssuer) { db in
            // A node credential remembers the token its node joined with, so revoking that
            // token revokes the credentials it obtained. Revoked node credentials grant nothing
            // and were only kept because every rejoin added one: a rejoin now replaces them.
            try db.execute(sql: """
                ALTER TABLE pool_token ADD COLUMN issued_by TEXT;   -- a node credential's worker (or admin) token
                CREATE INDEX pool_token_issued_by ON pool_token(issued_by);
                DELETE FROM pool_token WHERE role = 'node' AND revoked IS NOT NULL;
                """)
        }
    }
}
