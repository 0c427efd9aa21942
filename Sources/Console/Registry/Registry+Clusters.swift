public import FoundationEssentials
import GRDB

extension Registry {
    /// Records a server's registration (`POST /api/v1/servers`), creating its cluster if new.
    /// - Returns: Whether the cluster was new.
    @discardableResult
    public func registerServer(
        clusterID: String,
        serverID: String,
        host: String,
        product: String,
        version: String,
        at now: Date = Date()
    ) async throws(RegistryError) -> Bool {
        try await write("record the registration of server \(serverID) of cluster \(clusterID)") { db in
            let isNew = try Self.touchCluster(db, clusterID, at: now)
            try db.execute(
                sql: """
                    INSERT INTO servers (cluster_id, server_id, host, product, version, first_seen, last_seen)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (cluster_id, server_id) DO UPDATE SET
                        host = excluded.host, product = excluded.product, version = excluded.version,
                        last_seen = excluded.last_seen
                    """,
                arguments: [clusterID, serverID, host, product, version, Self.seconds(now), Self.seconds(now)]
            )
            return isNew
        }
    }

    /// Records a server's latest statistics (`POST /api/v1/stats/{product}`), replacing the
    /// previous ones; a server or cluster not registered yet is created from the stats' tags
    /// (`host`, `version` of the `meta_node` entry), so a console whose file was lost recovers.
    /// - Returns: Whether the cluster was new.
    @discardableResult
    public func recordStats(
        clusterID: String,
        serverID: String,
        product: String,
        entries: [StatsEntry],
        at now: Date = Date()
    ) async throws(RegistryError) -> Bool {
        let encoded: String
        do {
            encoded = String(decoding: try JSONEncoder().encode(entries), as: UTF8.self)
        } catch {
            throw RegistryError(
                .failed,
                "console database \(path): cannot encode stats of server \(serverID): \(error)"
            )
        }
        let meta = entries.first { $0.name == "meta_node" }
        return try await write("record the stats of server \(serverID) of cluster \(clusterID)") { db in
            let isNew = try Self.touchCluster(db, clusterID, at: now)
            try db.execute(
                sql: """
                    INSERT INTO servers (cluster_id, server_id, host, product, version, first_seen, last_seen)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (cluster_id, server_id) DO UPDATE SET last_seen = excluded.last_seen
                    """,
                arguments: [
                    clusterID, serverID, meta?.tags["host"] ?? "", product, meta?.tags["version"] ?? "",
                    Self.seconds(now), Self.seconds(now),
                ]
            )
            try db.execute(
                sql: """
                    INSERT INTO server_stats (cluster_id, server_id, stats, received_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (cluster_id, server_id) DO UPDATE SET
                        stats = excluded.stats, received_at = excluded.received_at
                    """,
                arguments: [clusterID, serverID, encoded, Self.seconds(now)]
            )
            return isNew
        }
    }

    /// Every registered cluster, by id.
    public func clusters() async throws(RegistryError) -> [RegisteredCluster] {
        try await read("list the clusters") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM clusters ORDER BY id").map(Self.cluster(from:))
        }
    }

    /// The cluster `id`, if registered.
    public func cluster(_ id: String) async throws(RegistryError) -> RegisteredCluster? {
        try await read("read cluster \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM clusters WHERE id = ?", arguments: [id]).map(Self.cluster(from:))
        }
    }

    /// Names cluster `clusterID` (the `/start` page); an empty name clears it.
    /// - Returns: Whether the cluster is registered (nothing is stored otherwise).
    @discardableResult
    public func setName(clusterID: String, name: String) async throws(RegistryError) -> Bool {
        try await write("name cluster \(clusterID)") { db in
            try db.execute(
                sql: "UPDATE clusters SET name = ? WHERE id = ?",
                arguments: [name.isEmpty ? nil : name, clusterID]
            )
            return db.changesCount > 0
        }
    }

    /// Forgets cluster `clusterID`, its servers, stats and health.
    /// - Returns: Whether it was registered.
    @discardableResult
    public func removeCluster(_ clusterID: String) async throws(RegistryError) -> Bool {
        try await write("remove cluster \(clusterID)") { db in
            try db.execute(sql: "DELETE FROM clusters WHERE id = ?", arguments: [clusterID])
            return db.changesCount > 0
        }
    }

    /// The servers of cluster `clusterID`, by server id, with their latest stats.
    public func servers(clusterID: String) async throws(RegistryError) -> [RegisteredServer] {
        try await read("list the servers of cluster \(clusterID)") { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.*, t.stats AS stats, t.received_at AS received_at FROM servers s
                    LEFT JOIN server_stats t ON t.cluster_id = s.cluster_id AND t.server_id = s.server_id
                    WHERE s.cluster_id = ? ORDER BY length(s.server_id), s.server_id
                    """,
                arguments: [clusterID]
            )
            return rows.map { row in
                let stats: String? = row["stats"]
                let received: Double? = row["received_at"]
                return RegisteredServer(
                    clusterID: row["cluster_id"],
                    serverID: row["server_id"],
                    host: row["host"],
                    product: row["product"],
                    version: row["version"],
                    firstSeen: Self.date(row["first_seen"]),
                    lastSeen: Self.date(row["last_seen"]),
                    stats: stats.flatMap { try? JSONDecoder().decode([StatsEntry].self, from: Data($0.utf8)) } ?? [],
                    statsReceivedAt: received.map(Self.date)
                )
            }
        }
    }

    /// Creates the cluster if new, else moves its last contact to `now`; whether it was new.
    static func touchCluster(_ db: Database, _ clusterID: String, at now: Date) throws -> Bool {
        try db.execute(
            sql: "UPDATE clusters SET last_contact = ? WHERE id = ?",
            arguments: [seconds(now), clusterID]
        )
        guard db.changesCount == 0 else { return false }
        try db.execute(
            sql: "INSERT INTO clusters (id, first_seen, last_contact) VALUES (?, ?, ?)",
            arguments: [clusterID, seconds(now), seconds(now)]
        )
        return true
    }

    static func cluster(from row: Row) -> RegisteredCluster {
        let contact: Double? = row["last_contact"]
        return RegisteredCluster(
            id: row["id"],
            name: row["name"],
            firstSeen: date(row["first_seen"]),
            lastContact: contact.map(date)
        )
    }

    static func seconds(_ date: Date) -> Double { date.timeIntervalSince1970 }
    static func date(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }
}
