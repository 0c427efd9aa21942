public import FoundationEssentials
import GRDB

/// One health sample of a cluster: what one poll found.
public struct HealthSample: Sendable, Equatable {
    /// When the poll ended.
    public var time: Date
    /// What it found.
    public var health: ClusterView.Health

    /// Creates a sample.
    public init(time: Date, health: ClusterView.Health) {
        self.time = time
        self.health = health
    }
}

extension Registry {
    /// Records what a poll of cluster `clusterID` found at `time`, and drops samples older than
    /// ``Configuration/healthRetention``.
    public func recordHealth(clusterID: String, health: ClusterView.Health, at time: Date = Date())
        async throws(RegistryError)
    {
        let cutoff = Self.seconds(time) - Double(configuration.healthRetention / .milliseconds(1)) / 1000
        try await write("record the health of cluster \(clusterID)") { db in
            try db.execute(
                sql: "INSERT INTO health_samples (cluster_id, time, health) SELECT ?, ?, ? WHERE EXISTS "
                    + "(SELECT 1 FROM clusters WHERE id = ?)",
                arguments: [clusterID, Self.seconds(time), health.rawValue, clusterID]
            )
            try db.execute(sql: "DELETE FROM health_samples WHERE time < ?", arguments: [cutoff])
        }
    }

    /// The distinct healths sampled per minute for cluster `clusterID` since `since`, each as a
    /// sample at its minute's start: what ``HealthHistory/buckets(_:now:)`` needs, without
    /// reading every sample of the hour.
    public func healthByMinute(clusterID: String, since: Date) async throws(RegistryError) -> [HealthSample] {
        try await read("read the health of cluster \(clusterID)") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT CAST(time / 60 AS INTEGER) * 60 AS minute, health FROM health_samples
                    WHERE cluster_id = ? AND time >= ? GROUP BY minute, health ORDER BY minute
                    """,
                arguments: [clusterID, Self.seconds(since)]
            ).map { row in
                let name: String = row["health"]
                let minute: Double = row["minute"]
                return HealthSample(time: Self.date(minute), health: ClusterView.Health(rawValue: name) ?? .unknown)
            }
        }
    }

    /// The health samples of cluster `clusterID` taken at or after `since`, oldest first.
    public func healthSamples(clusterID: String, since: Date) async throws(RegistryError) -> [HealthSample] {
        try await read("read the health of cluster \(clusterID)") { db in
            try Row.fetchAll(
                db,
                sql: "SELECT time, health FROM health_samples WHERE cluster_id = ? AND time >= ? ORDER BY time",
                arguments: [clusterID, Self.seconds(since)]
            ).map { row in
                let name: String = row["health"]
                return HealthSample(
                    time: Self.date(row["time"]),
                    health: ClusterView.Health(rawValue: name) ?? .unknown
                )
            }
        }
    }
}
