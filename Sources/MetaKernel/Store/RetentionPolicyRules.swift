/// InfluxDB's retention-policy rules: defaults, normalisation and validation (`meta/data.go`).
enum RetentionPolicyRules {
    static let hour: Int64 = 3_600_000_000_000
    static let day: Int64 = 24 * hour
    /// The shortest duration a finite policy may have (`MinRetentionPolicyDuration`).
    static let minimumDuration = hour
    /// The longest policy name accepted.
    static let maximumNameLength = 255

    static let durationTooLow = "retention policy duration must be at least 1h0m0s"
    static let incompatibleDurations = "retention policy duration must be greater than the shard duration"
    static let replicationTooLow = "replication factor must be greater than 0"
    static let exists = "retention policy already exists"
    static let nameExists = "retention policy name already exists"
    static let conflict = "retention policy conflicts with an existing policy"

    /// The shard-group duration for a policy kept `duration` (0 is forever): 1h under 2 days,
    /// 1d under 180 days, otherwise (and forever) 7d.
    static func defaultShardGroupDuration(for duration: Int64) -> Int64 {
        if duration == 0 || duration >= 180 * day { return 7 * day }
        if duration >= 2 * day { return day }
        return hour
    }

    /// A requested shard-group duration made usable: 0 picks the default, anything under an
    /// hour becomes an hour (`normalisedShardDuration`).
    static func normalisedShardGroupDuration(_ requested: Int64, duration: Int64) -> Int64 {
        if requested == 0 { return defaultShardGroupDuration(for: duration) }
        if requested < minimumDuration { return defaultShardGroupDuration(for: minimumDuration) }
        return requested
    }

    /// Why `name` cannot name a policy, or `nil`.
    static func problem(withName name: String) -> String? {
        if name.isEmpty { return "retention policy name required" }
        if name.utf8.count > maximumNameLength {
            return "retention policy name is longer than \(maximumNameLength) bytes"
        }
        return nil
    }

    /// The policy `spec` asks for, with defaults filled in, or why it is invalid.
    static func policy(from spec: RetentionPolicySpec) -> Result<RetentionPolicyInfo, RuleRefusal> {
        if let problem = problem(withName: spec.name) { return .failure(RuleRefusal(problem)) }
        let duration = spec.duration ?? 0
        if duration < 0 || (duration != 0 && duration < minimumDuration) {
            return .failure(RuleRefusal(durationTooLow))
        }
        let replicaN = spec.replicaN ?? 1
        if replicaN < 1 { return .failure(RuleRefusal(replicationTooLow)) }
        let shardGroupDuration = normalisedShardGroupDuration(max(spec.shardGroupDuration ?? 0, 0), duration: duration)
        if duration > 0 && duration < shardGroupDuration { return .failure(RuleRefusal(incompatibleDurations)) }
        return .success(
            RetentionPolicyInfo(
                name: spec.name,
                duration: duration,
                shardGroupDuration: shardGroupDuration,
                replicaN: replicaN
            )
        )
    }
}

/// A rule's refusal, as the message clients see.
struct RuleRefusal: Error, Equatable {
    var message: String
    init(_ message: String) { self.message = message }
}

extension RetentionPolicyInfo {
    /// Whether this policy is what `spec` asks for (InfluxDB's `RetentionPolicySpec.Matches`).
    func matches(_ spec: RetentionPolicySpec) -> Bool {
        if !spec.name.isEmpty && !spec.name.utf8.elementsEqual(name.utf8) { return false }
        if let wanted = spec.duration, wanted != duration { return false }
        if let wanted = spec.replicaN, wanted != replicaN { return false }
        let wantedShardGroupDuration = RetentionPolicyRules.normalisedShardGroupDuration(
            max(spec.shardGroupDuration ?? 0, 0),
            duration: duration
        )
        return wantedShardGroupDuration == shardGroupDuration
    }
}

extension MetaData {
    /// Creates database `name`, and with `spec` its default policy
    /// (`CreateDatabaseWithRetentionPolicy`): on an existing database, the same policy as its
    /// default is a no-op and anything else is a conflict. A policy without a name is `autogen`.
    mutating func createDatabase(name: String, policy requested: RetentionPolicySpec?) -> String? {
        if let problem = DatabaseInfo.problem(withName: name) { return problem }
        var spec = requested
        if spec?.name.isEmpty == true { spec?.name = RetentionPolicyInfo.autogenName }
        var policy: RetentionPolicyInfo?
        if let spec {
            switch RetentionPolicyRules.policy(from: spec) {
            case .success(let info): policy = info
            case .failure(let refusal): return refusal.message
            }
        }
        let (position, found) = databasePosition(of: name)
        guard found else {
            var database = DatabaseInfo(name: name)
            if let policy {
                database.retentionPolicies = [policy]
                database.defaultRetentionPolicy = policy.name
            }
            databases.insert(database, at: position)
            return nil
        }
        guard let spec, let policy else { return nil }
        return databases.modify(at: position) { database -> String? in
            if database.retentionPolicies.isEmpty {
                database.retentionPolicies = [policy]
                database.defaultRetentionPolicy = policy.name
                return nil
            }
            guard let existing = database.retentionPolicy(named: policy.name), existing.matches(spec),
                database.defaultRetentionPolicy.utf8.elementsEqual(policy.name.utf8)
            else { return RetentionPolicyRules.conflict }
            return nil
        }
    }

    /// Creates a policy (`CreateRetentionPolicy`): an identical one is a no-op (unless it should
    /// become the default and is not: a conflict), a different one with the name is refused.
    mutating func createRetentionPolicy(database: String, spec: RetentionPolicySpec, makeDefault: Bool) -> String? {
        let policy: RetentionPolicyInfo
        switch RetentionPolicyRules.policy(from: spec) {
        case .success(let info): policy = info
        case .failure(let refusal): return refusal.message
        }
        let result = modifyDatabase(named: database) { info -> String? in
            if let existing = info.retentionPolicy(named: policy.name) {
                if existing.replicaN != policy.replicaN || existing.duration != policy.duration
                    || existing.shardGroupDuration != policy.shardGroupDuration
                {
                    return RetentionPolicyRules.exists
                }
                if makeDefault && !info.defaultRetentionPolicy.utf8.elementsEqual(policy.name.utf8) {
                    return RetentionPolicyRules.conflict
                }
                return nil
            }
            info.retentionPolicies.append(policy)
            if makeDefault { info.defaultRetentionPolicy = policy.name }
            return nil
        }
        return result ?? DataRuleError.databaseNotFound(database)
    }

    /// Drops a policy and its shard groups; dropping the default leaves the database without
    /// one. A missing database or policy is not an error, as in InfluxDB.
    mutating func dropRetentionPolicy(database: String, name: String) -> String? {
        _ = modifyDatabase(named: database) { info in
            guard let position = info.retentionPolicyPosition(named: name) else { return }
            info.retentionPolicies.remove(at: position)
            if info.defaultRetentionPolicy.utf8.elementsEqual(name.utf8) { info.defaultRetentionPolicy = "" }
        }
        return nil
    }

    /// Makes `name` the default policy; an empty name clears the default.
    mutating func setDefaultRetentionPolicy(database: String, name: String) -> String? {
        let result = modifyDatabase(named: database) { info -> String? in
            if !name.isEmpty && info.retentionPolicyPosition(named: name) == nil {
                return DataRuleError.retentionPolicyNotFound(name)
            }
            info.defaultRetentionPolicy = name
            return nil
        }
        return result ?? DataRuleError.databaseNotFound(database)
    }

    /// Changes a policy (`UpdateRetentionPolicy`); renaming the default keeps it the default.
    mutating func updateRetentionPolicy(
        database: String,
        name: String,
        update: RetentionPolicyUpdate,
        makeDefault: Bool
    ) -> String? {
        let result = modifyDatabase(named: database) { info -> String? in
            guard let position = info.retentionPolicyPosition(named: name) else {
                return DataRuleError.retentionPolicyNotFound(name)
            }
            var policy = info.retentionPolicies[position]
            if let newName = update.name {
                if let problem = RetentionPolicyRules.problem(withName: newName) { return problem }
                if !newName.utf8.elementsEqual(name.utf8) && info.retentionPolicyPosition(named: newName) != nil {
                    return RetentionPolicyRules.nameExists
                }
            }
            if let duration = update.duration,
                duration < 0 || (duration != 0 && duration < RetentionPolicyRules.minimumDuration)
            {
                return RetentionPolicyRules.durationTooLow
            }
            if let replicaN = update.replicaN, replicaN < 1 { return RetentionPolicyRules.replicationTooLow }
            let duration = update.duration ?? policy.duration
            let shardGroupDuration =
                update.shardGroupDuration.map {
                    RetentionPolicyRules.normalisedShardGroupDuration(max($0, 0), duration: duration)
                } ?? policy.shardGroupDuration
            if duration > 0 && duration < shardGroupDuration { return RetentionPolicyRules.incompatibleDurations }
            let wasDefault = info.defaultRetentionPolicy.utf8.elementsEqual(name.utf8)
            if let newName = update.name { policy.name = newName }
            policy.duration = duration
            policy.shardGroupDuration = shardGroupDuration
            if let replicaN = update.replicaN { policy.replicaN = replicaN }
            info.retentionPolicies[position] = policy
            if wasDefault || makeDefault { info.defaultRetentionPolicy = policy.name }
            return nil
        }
        return result ?? DataRuleError.databaseNotFound(database)
    }
}
