/// InfluxDB Enterprise's permissions, granted per database (`""` means cluster-wide).
public enum Permission: String, Sendable, Codable, CaseIterable, Comparable {
    case viewAdmin = "ViewAdmin"
    case viewChronograf = "ViewChronograf"
    case createDatabase = "CreateDatabase"
    case createUserAndRole = "CreateUserAndRole"
    case addRemoveNode = "AddRemoveNode"
    case dropDatabase = "DropDatabase"
    case dropData = "DropData"
    case readData = "ReadData"
    case writeData = "WriteData"
    case rebalance = "Rebalance"
    case manageShard = "ManageShard"
    case manageContinuousQuery = "ManageContinuousQuery"
    case manageQuery = "ManageQuery"
    case manageSubscription = "ManageSubscription"
    case monitor = "Monitor"
    case copyShard = "CopyShard"
    case kapacitorAPI = "KapacitorAPI"
    case kapacitorConfigAPI = "KapacitorConfigAPI"

    /// Orders by name, so stored lists are sorted and compare equal on every node.
    public static func < (lhs: Permission, rhs: Permission) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses a permission name, or says which names exist.
    public static func parse(_ name: String) throws(AccessError) -> Permission {
        guard let permission = Permission(rawValue: name) else {
            throw AccessError(
                "unknown permission \"\(name)\" (use one of \(allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        return permission
    }
}

/// Permissions by database; `""` holds the cluster-wide ones. Lists are sorted and never empty.
public typealias PermissionMap = [String: [Permission]]

extension PermissionMap {
    /// Adds `other`'s permissions.
    mutating func add(_ other: PermissionMap) {
        for (database, permissions) in other {
            self[database] = Array(Set(self[database] ?? []).union(permissions)).sorted()
        }
    }

    /// Removes `other`'s permissions; databases left with none disappear.
    mutating func remove(_ other: PermissionMap) {
        for (database, permissions) in other {
            let left = Set(self[database] ?? []).subtracting(permissions)
            self[database] = left.isEmpty ? nil : Array(left).sorted()
        }
    }

    /// Whether `permission` is granted on `database` or cluster-wide.
    func grants(_ permission: Permission, on database: String) -> Bool {
        self[""]?.contains(permission) == true || (!database.isEmpty && self[database]?.contains(permission) == true)
    }
}

/// A user or role request that cannot be carried out: one line saying what and why.
public struct AccessError: Error, Sendable, CustomStringConvertible {
    /// The message.
    public var description: String

    /// Creates the error.
    public init(_ description: String) {
        self.description = description
    }
}
