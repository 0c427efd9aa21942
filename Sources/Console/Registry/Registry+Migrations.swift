import GRDB

extension Registry {
    /// The schema, one migration per change; applied in order at open.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: clusters, servers, stats, health") { db in
            try db.create(table: "clusters") { t in
                t.primaryKey("id", .text)
                t.column("name", .text)
                t.column("first_seen", .double).notNull()
                t.column("last_contact", .double)
            }
            try db.create(table: "servers") { t in
                t.column("cluster_id", .text).notNull().references("clusters", onDelete: .cascade)
                t.column("server_id", .text).notNull()
                t.column("host", .text).notNull()
                t.column("product", .text).notNull()
                t.column("version", .text).notNull()
                t.column("first_seen", .double).notNull()
                t.column("last_seen", .double).notNull()
                t.primaryKey(["cluster_id", "server_id"])
            }
            try db.create(table: "server_stats") { t in
                t.column("cluster_id", .text).notNull()
                t.column("server_id", .text).notNull()
                t.column("stats", .text).notNull()
                t.column("received_at", .double).notNull()
                t.primaryKey(["cluster_id", "server_id"])
                t.foreignKey(["cluster_id", "server_id"], references: "servers", onDelete: .cascade)
            }
            try db.create(table: "health_samples") { t in
                t.column("cluster_id", .text).notNull().references("clusters", onDelete: .cascade)
                t.column("time", .double).notNull()
                t.column("health", .text).notNull()
            }
            try db.create(index: "health_samples_by_time", on: "health_samples", columns: ["cluster_id", "time"])
        }
        migrator.registerMigration("v2: health samples pruned by age") { db in
            try db.create(index: "health_samples_by_age", on: "health_samples", columns: ["time"])
        }
        return migrator
    }
}
