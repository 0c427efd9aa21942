@testable import MetaKernel

/// Metadata built by applying commands as consecutive log entries, as a node does.
struct ModelLog {
    static let hour: Int64 = 3_600_000_000_000
    static let day = 24 * hour

    var data = MetaData()
    var index: UInt64 = 0

    /// Applies `command` as the next entry.
    @discardableResult
    mutating func apply(_ command: MetaCommand) -> ApplyOutcome {
        index += 1
        return data.apply(command, term: 1, index: index)
    }

    /// Applies `command` as the next entry.
    @discardableResult
    mutating func apply(_ command: DataCommand) -> ApplyOutcome {
        apply(.data(command))
    }

    /// Adds `count` data nodes at `d<n>:8088` and returns their ids.
    @discardableResult
    mutating func addDataNodes(_ count: Int, passive: Bool = false, from first: Int = 1) -> [UInt64] {
        (first..<(first + count)).map { number in
            apply(.createDataNode(httpAddress: "d\(number):8086", tcpAddress: "d\(number):8088", passive: passive))
                .nodeID ?? 0
        }
    }

    /// Creates database `database` with policy `policy` as its default.
    mutating func addPolicy(
        database: String = "db",
        policy: String = "rp",
        replicaN: Int = 1,
        duration: Int64 = 0,
        shardGroupDuration: Int64 = hour
    ) {
        apply(
            .createDatabase(
                name: database,
                retentionPolicy: RetentionPolicySpec(
                    name: policy,
                    duration: duration,
                    shardGroupDuration: shardGroupDuration,
                    replicaN: replicaN
                )
            )
        )
    }

    /// The groups of `policy` in `database`.
    func groups(database: String = "db", policy: String = "rp") -> [ShardGroupInfo] {
        data.database(named: database)?.retentionPolicy(named: policy)?.shardGroups ?? []
    }
}
