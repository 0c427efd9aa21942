/// A user of the meta API, as the replicated store keeps it. The password exists only as
/// ``hash`` (bcrypt or PBKDF2, per `[meta] password-hash`).
public struct UserInfo: Sendable, Codable, Equatable {
    /// The user name.
    public var name: String
    /// The password hash: `$2b$…` (bcrypt) or `$pbkdf2-sha256$…` / `$pbkdf2-sha512$…`.
    public var hash: String
    /// Whether the user may do everything.
    public var admin: Bool
    /// Permissions granted to the user directly (roles add theirs).
    public var permissions: PermissionMap

    /// Creates a user record.
    public init(name: String, hash: String, admin: Bool = false, permissions: PermissionMap = [:]) {
        self.name = name
        self.hash = hash
        self.admin = admin
        self.permissions = permissions
    }

    /// The longest user or role name accepted.
    public static let maximumNameLength = 255

    /// Why `name` cannot name a user or a role, or `nil` when it can.
    public static func problem(withName name: String, kind: String = "user") -> String? {
        if name.isEmpty { return "\(kind) name must not be empty" }
        if name.utf8.count > maximumNameLength { return "\(kind) name is longer than \(maximumNameLength) bytes" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return "\(kind) name must not contain control characters"
        }
        return nil
    }
}

/// A named set of permissions whose members hold them too.
public struct RoleInfo: Sendable, Codable, Equatable {
    /// The role name.
    public var name: String
    /// The role's permissions.
    public var permissions: PermissionMap
    /// Member user names, sorted.
    public var users: [String]

    /// Creates a role record.
    public init(name: String, permissions: PermissionMap = [:], users: [String] = []) {
        self.name = name
        self.permissions = permissions
        self.users = users
    }
}

extension MetaData {
    /// The user called `name`, if any.
    public func user(named name: String) -> UserInfo? {
        users.first { $0.name.utf8.elementsEqual(name.utf8) }
    }

    /// The role called `name`, if any.
    public func role(named name: String) -> RoleInfo? {
        roles.first { $0.name.utf8.elementsEqual(name.utf8) }
    }

    /// Whether some user is an admin; until one is, only creating an admin is allowed.
    public var hasAdmin: Bool { users.contains { $0.admin } }

    /// Whether `user` holds `permission` on `database`: as an admin, directly, or through a role.
    public func user(_ user: UserInfo, holds permission: Permission, on database: String = "") -> Bool {
        if user.admin || user.permissions.grants(permission, on: database) { return true }
        return roles.contains { $0.users.contains(user.name) && $0.permissions.grants(permission, on: database) }
    }
}
