import Testing

@testable import MetaKernel

@Suite("Retention policy rules")
struct RetentionPolicyRulesTests {
    static let hour = ModelLog.hour
    static let day = ModelLog.day

    static func logWithDatabase() -> ModelLog {
        var log = ModelLog()
        log.apply(.createDatabase(name: "db"))
        return log
    }

    static func policy(_ log: ModelLog, _ name: String = "rp") -> RetentionPolicyInfo? {
        log.data.database(named: "db")?.retentionPolicy(named: name)
    }

    @Test(
        "the default shard-group duration: 1h under 2 days, 1d under 180 days, else (and forever) 7d",
        arguments: [
            (Int64(0), 7 * day), (hour, hour), (2 * day - 1, hour), (2 * day, day), (180 * day - 1, day),
            (180 * day, 7 * day), (1000 * day, 7 * day),
        ]
    )
    func defaultShardGroupDuration(duration: Int64, expected: Int64) {
        #expect(RetentionPolicyRules.defaultShardGroupDuration(for: duration) == expected)
        var log = Self.logWithDatabase()
        log.apply(
            .createRetentionPolicy(
                database: "db",
                policy: RetentionPolicySpec(name: "rp", duration: duration),
                makeDefault: false
            )
        )
        #expect(Self.policy(log)?.shardGroupDuration == expected)
    }

    @Test("an unset spec takes the defaults: forever, 7d groups, one replica; a short group duration becomes 1h")
    func defaults() {
        var log = Self.logWithDatabase()
        log.apply(.createRetentionPolicy(database: "db", policy: RetentionPolicySpec(name: "rp"), makeDefault: false))
        #expect(
            Self.policy(log)
                == RetentionPolicyInfo(name: "rp", duration: 0, shardGroupDuration: 7 * Self.day, replicaN: 1)
        )
        #expect(log.data.database(named: "db")?.defaultRetentionPolicy == "")
        log.apply(
            .createRetentionPolicy(
                database: "db",
                policy: RetentionPolicySpec(name: "short", shardGroupDuration: 60_000_000_000),
                makeDefault: true
            )
        )
        #expect(Self.policy(log, "short")?.shardGroupDuration == Self.hour)
        #expect(log.data.database(named: "db")?.defaultRetentionPolicy == "short")
    }

    @Test(
        "invalid policies are refused with InfluxDB's words",
        arguments: [
            (RetentionPolicySpec(name: ""), "retention policy name required"),
            (
                RetentionPolicySpec(name: String(repeating: "n", count: 256)),
                "retention policy name is longer than 255 bytes"
            ),
            (RetentionPolicySpec(name: "rp", replicaN: 0), "replication factor must be greater than 0"),
            (RetentionPolicySpec(name: "rp", duration: hour - 1), "retention policy duration must be at least 1h0m0s"),
            (RetentionPolicySpec(name: "rp", duration: -1), "retention policy duration must be at least 1h0m0s"),
            (
                RetentionPolicySpec(name: "rp", duration: 2 * hour, shardGroupDuration: 3 * hour),
                "retention policy duration must be greater than the shard duration"
            ),
        ]
    )
    func invalid(spec: RetentionPolicySpec, message: String) {
        var log = Self.logWithDatabase()
        #expect(log.apply(.createRetentionPolicy(database: "db", policy: spec, makeDefault: false)).error == message)
        #expect(log.data.database(named: "db")?.retentionPolicies.isEmpty == true)
        guard !spec.name.isEmpty else { return }  // create-database names it autogen
        var other = ModelLog()
        #expect(other.apply(.createDatabase(name: "x", retentionPolicy: spec)).error == message)
        #expect(other.data.databases.isEmpty)
    }

    @Test("create-database names a policy without a name autogen")
    func unnamedPolicy() {
        var log = ModelLog()
        log.apply(.createDatabase(name: "db", retentionPolicy: RetentionPolicySpec(name: "", replicaN: 2)))
        #expect(log.data.database(named: "db")?.defaultRetentionPolicy == "autogen")
        #expect(log.data.database(named: "db")?.retentionPolicy(named: "autogen")?.replicaN == 2)
    }

    @Test("a 255-byte name is accepted")
    func longestName() {
        var log = Self.logWithDatabase()
        let name = String(repeating: "n", count: 255)
        let outcome = log.apply(
            .createRetentionPolicy(database: "db", policy: RetentionPolicySpec(name: name), makeDefault: false)
        )
        #expect(outcome.error == nil)
    }

    @Test("creating in a missing database is refused")
    func missingDatabase() {
        var log = ModelLog()
        let outcome = log.apply(
            .createRetentionPolicy(database: "nope", policy: RetentionPolicySpec(name: "rp"), makeDefault: false)
        )
        #expect(outcome.error == "database not found: nope")
    }

    @Test("an identical policy again is a no-op; a different one, or making it default, is refused")
    func existing() {
        var log = Self.logWithDatabase()
        let spec = RetentionPolicySpec(name: "rp", duration: 2 * Self.day, replicaN: 2)
        log.apply(.createRetentionPolicy(database: "db", policy: spec, makeDefault: false))
        #expect(log.apply(.createRetentionPolicy(database: "db", policy: spec, makeDefault: false)).error == nil)
        var other = spec
        other.replicaN = 3
        #expect(
            log.apply(.createRetentionPolicy(database: "db", policy: other, makeDefault: false)).error
                == "retention policy already exists"
        )
        #expect(
            log.apply(.createRetentionPolicy(database: "db", policy: spec, makeDefault: true)).error
                == "retention policy conflicts with an existing policy"
        )
        #expect(log.data.database(named: "db")?.retentionPolicies.count == 1)
        #expect(Self.policy(log)?.replicaN == 2)
    }

    @Test("create-database with a policy makes it the default; the same again is a no-op, another a conflict")
    func createDatabaseWithPolicy() {
        var log = ModelLog()
        let autogen = RetentionPolicySpec(name: "autogen", duration: 0, shardGroupDuration: 7 * Self.day, replicaN: 1)
        #expect(log.apply(.createDatabase(name: "db", retentionPolicy: autogen)).error == nil)
        #expect(log.data.database(named: "db")?.defaultRetentionPolicy == "autogen")
        #expect(log.apply(.createDatabase(name: "db", retentionPolicy: autogen)).error == nil)
        #expect(
            log.apply(.createDatabase(name: "db", retentionPolicy: RetentionPolicySpec(name: "autogen"))).error == nil
        )
        #expect(log.apply(.createDatabase(name: "db")).error == nil)
        let conflict = "retention policy conflicts with an existing policy"
        #expect(
            log.apply(.createDatabase(name: "db", retentionPolicy: RetentionPolicySpec(name: "autogen", replicaN: 2)))
                .error == conflict
        )
        #expect(
            log.apply(.createDatabase(name: "db", retentionPolicy: RetentionPolicySpec(name: "other"))).error
                == conflict
        )
        log.apply(.createRetentionPolicy(database: "db", policy: RetentionPolicySpec(name: "side"), makeDefault: false))
        // An existing policy that is not the default is a conflict too.
        #expect(
            log.apply(.createDatabase(name: "db", retentionPolicy: RetentionPolicySpec(name: "side"))).error == conflict
        )
        #expect(log.data.database(named: "db")?.retentionPolicies.map(\.name) == ["autogen", "side"])

        // A database created without one takes the policy later.
        log.apply(.createDatabase(name: "bare"))
        #expect(log.apply(.createDatabase(name: "bare", retentionPolicy: autogen)).error == nil)
        #expect(log.data.database(named: "bare")?.defaultRetentionPolicy == "autogen")
    }

    @Test("update changes fields, renames (keeping the default), and makes default")
    func update() {
        var log = Self.logWithDatabase()
        log.apply(.createRetentionPolicy(database: "db", policy: RetentionPolicySpec(name: "rp"), makeDefault: true))
        log.apply(.createRetentionPolicy(database: "db", policy: RetentionPolicySpec(name: "b"), makeDefault: false))
        let change = RetentionPolicyUpdate(
            name: "renamed",
            duration: 3 * Self.day,
            shardGroupDuration: Self.day,
            replicaN: 3
        )
        #expect(
            log.apply(.updateRetentionPolicy(database: "db", name: "rp", update: change, makeDefault: false)).error
                == nil
        )
        #expect(
            Self.policy(log, "renamed")
                == RetentionPolicyInfo(
                    name: "renamed",
                    duration: 3 * Self.day,
                    shardGroupDuration: Self.day,
                    replicaN: 3
                )
        )
        #expect(log.data.database(named: "db")?.defaultRetentionPolicy == "renamed")
        log.apply(.updateRetentionPolicy(database: "db", name: "b", update: RetentionPolicyUpdate(), makeDefault: true))
        #expect(log.data.database(named: "db")?.defaultRetentionPolicy == "b")
        // A shard-group duration under an hour is raised to an hour.
        log.apply(
            .updateRetentionPolicy(
                database: "db",
                name: "b",
                update: RetentionPolicyUpdate(shardGroupDuration: 1),
                makeDefault: false
            )
        )
        #expect(Self.policy(log, "b")?.shardGroupDuration == Self.hour)
    }

    @Test(
        "invalid updates are refused and change nothing",
        arguments: [
            ("nope", RetentionPolicyUpdate(), "retention policy not found: nope"),
            ("rp", RetentionPolicyUpdate(name: "b"), "retention policy name already exists"),
            ("rp", RetentionPolicyUpdate(name: ""), "retention policy name required"),
            ("rp", RetentionPolicyUpdate(duration: 1), "retention policy duration must be at least 1h0m0s"),
            ("rp", RetentionPolicyUpdate(replicaN: 0), "replication factor must be greater than 0"),
            (
                "rp", RetentionPolicyUpdate(duration: 2 * hour),
                "retention policy duration must be greater than the shard duration"
            ),
            (
                "b", RetentionPolicyUpdate(shardGroupDuration: 3 * day),
                "retention policy duration must be greater than the shard duration"
            ),
        ]
    )
    func invalidUpdate(name: String, update: RetentionPolicyUpdate, message: String) {
        var log = Self.logWithDatabase()
        log.apply(.createRetentionPolicy(database: "db", policy: RetentionPolicySpec(name: "rp"), makeDefault: false))
        log.apply(
            .createRetentionPolicy(
                database: "db",
                policy: RetentionPolicySpec(name: "b", duration: 2 * Self.day),
                makeDefault: false
            )
        )
        let before = log.data.database(named: "db")
        #expect(
            log.apply(.updateRetentionPolicy(database: "db", name: name, update: update, makeDefault: true)).error
                == message
        )
        #expect(log.data.database(named: "db") == before)
        #expect(
            log.apply(.updateRetentionPolicy(database: "x", name: "rp", update: update, makeDefault: false)).error
                == "database not found: x"
        )
    }

    @Test("set-default needs an existing policy; an empty name clears the default")
    func setDefault() {
        var log = Self.logWithDatabase()
        log.apply(.createRetentionPolicy(database: "db", policy: RetentionPolicySpec(name: "rp"), makeDefault: false))
        #expect(log.apply(.setDefaultRetentionPolicy(database: "db", name: "rp")).error == nil)
        #expect(log.data.database(named: "db")?.defaultRetentionPolicy == "rp")
        #expect(
            log.apply(.setDefaultRetentionPolicy(database: "db", name: "nope")).error
                == "retention policy not found: nope"
        )
        #expect(log.apply(.setDefaultRetentionPolicy(database: "x", name: "rp")).error == "database not found: x")
        log.apply(.setDefaultRetentionPolicy(database: "db", name: ""))
        #expect(log.data.database(named: "db")?.defaultRetentionPolicy == "")
    }

    @Test("drop removes the policy and its groups; dropping the default clears it; missing ones are no-ops")
    func drop() {
        var log = Self.logWithDatabase()
        log.addDataNodes(1)
        log.apply(.createRetentionPolicy(database: "db", policy: RetentionPolicySpec(name: "rp"), makeDefault: true))
        log.apply(.createRetentionPolicy(database: "db", policy: RetentionPolicySpec(name: "keep"), makeDefault: false))
        log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: 0))
        #expect(log.apply(.dropRetentionPolicy(database: "db", name: "rp")).error == nil)
        #expect(log.data.database(named: "db")?.retentionPolicies.map(\.name) == ["keep"])
        #expect(log.data.database(named: "db")?.defaultRetentionPolicy == "")
        #expect(log.apply(.dropRetentionPolicy(database: "db", name: "rp")).error == nil)
        #expect(log.apply(.dropRetentionPolicy(database: "nope", name: "rp")).error == nil)
        #expect(log.data.maxShardGroupID == 1)
    }
}
