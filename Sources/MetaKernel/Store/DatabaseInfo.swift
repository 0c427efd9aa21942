/// A database as the metadata records it (`DatabaseInfo` of InfluxDB's `meta.proto`).
public struct DatabaseInfo: Sendable, Codable, Equatable, Hashable {
    /// The database name.
    public var name: String
    /// The policy writes without one go to; empty when the database has none.
    public var defaultRetentionPolicy: String
    /// Retention policies in creation order.
    public var retentionPolicies: [RetentionPolicyInfo]
    /// Continuous queries in creation order.
    public var continuousQueries: [ContinuousQueryInfo]

    /// Creates a database record.
    public init(
        name: String,
        defaultRetentionPolicy: String = "",
        retentionPolicies: [RetentionPolicyInfo] = [],
        continuousQueries: [ContinuousQueryInfo] = []
    ) {
        self.name = name
        self.defaultRetentionPolicy = defaultRetentionPolicy
        self.retentionPolicies = retentionPolicies
        self.continuousQueries = continuousQueries
    }

    private enum CodingKeys: String, CodingKey {
        case name, defaultRetentionPolicy, retentionPolicies, continuousQueries
    }

    /// Decodes a record; snapshots written before retention policies existed carry only the name.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try c.decode(String.self, forKey: .name)
        self.defaultRetentionPolicy = try c.decodeIfPresent(String.self, forKey: .defaultRetentionPolicy) ?? ""
        self.retentionPolicies = try c.decodeIfPresent([RetentionPolicyInfo].self, forKey: .retentionPolicies) ?? []
        self.continuousQueries =
            try c.decodeIfPresent([ContinuousQueryInfo].self, forKey: .continuousQueries) ?? []
    }

    /// The retention policy called `name`, if any.
    public func retentionPolicy(named name: String) -> RetentionPolicyInfo? {
        retentionPolicies.first { $0.name.utf8.elementsEqual(name.utf8) }
    }

    /// The longest database name accepted.
    public static let maximumNameLength = 255

    /// Checks a name a client asked for; returns why it is unusable, or `nil` when it is fine.
    public static func problem(withName name: String) -> String? {
        if name.isEmpty { return "database name must not be empty" }
        if name.utf8.count > maximumNameLength {
            return "database name is longer than \(maximumNameLength) bytes"
        }
        // Control characters: C0, DEL and C1 (the general category Cc is exactly these).
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return "database name must not contain control characters"
        }
        return nil
    }
}

/// A continuous query (`ContinuousQueryInfo`).
public struct ContinuousQueryInfo: Sendable, Codable, Equatable, Hashable {
    /// The query's name, unique within its database.
    public var name: String
    /// The `CREATE CONTINUOUS QUERY` text.
    public var query: String

    /// Creates a record.
    public init(name: String, query: String) {
        self.name = name
        self.query = query
    }
}

extension DatabaseInfo {
    /// Where the policy called `name` is in ``retentionPolicies``, compared byte for byte.
    func retentionPolicyPosition(named name: String) -> Int? {
        retentionPolicies.firstIndex { $0.name.utf8.elementsEqual(name.utf8) }
    }
}
