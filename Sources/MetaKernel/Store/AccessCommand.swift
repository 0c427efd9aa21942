import FoundationEssentials

/// Changes to users and roles, carried in the log as ``MetaCommand/access(_:)``.
///
/// Their JSON has the same `type` discriminator as every command, e.g.
/// `{"type":"create-user","name":"alice","hash":"$2b$…","admin":true}`. Hashes are made before
/// proposing (apply must be deterministic), so the log never holds a password.
public enum AccessCommand: Sendable, Equatable {
    /// CreateUser (13).
    case createUser(name: String, hash: String, admin: Bool)
    /// DropUser (14); also takes the user out of every role.
    case dropUser(name: String)
    /// UpdateUser (15): a new password hash.
    case updateUser(name: String, hash: String)
    /// SetAdminPrivilege (18).
    case setAdmin(name: String, admin: Bool)
    /// Adds or removes a user's permissions (SetPrivilege, 16, with Enterprise's permission set).
    case changeUserPermissions(name: String, permissions: PermissionMap, grant: Bool)
    /// Creates a role.
    case createRole(name: String)
    /// Drops a role.
    case dropRole(name: String)
    /// Adds users to a role, or removes them.
    case changeRoleUsers(name: String, users: [String], add: Bool)
    /// Adds or removes a role's permissions.
    case changeRolePermissions(name: String, permissions: PermissionMap, grant: Bool)

    /// The wire name of the command's type.
    public var typeName: String {
        switch self {
        case .createUser: "create-user"
        case .dropUser: "drop-user"
        case .updateUser: "update-user"
        case .setAdmin: "set-admin-privilege"
        case .changeUserPermissions(_, _, let grant): grant ? "add-user-permissions" : "remove-user-permissions"
        case .createRole: "create-role"
        case .dropRole: "drop-role"
        case .changeRoleUsers(_, _, let add): add ? "add-role-users" : "remove-role-users"
        case .changeRolePermissions(_, _, let grant): grant ? "add-role-permissions" : "remove-role-permissions"
        }
    }

    /// The user or role the command changes.
    public var name: String {
        switch self {
        case .createUser(let name, _, _), .dropUser(let name), .updateUser(let name, _), .setAdmin(let name, _),
            .changeUserPermissions(let name, _, _), .createRole(let name), .dropRole(let name),
            .changeRoleUsers(let name, _, _), .changeRolePermissions(let name, _, _):
            name
        }
    }

    /// Every type name.
    public static let typeNames = [
        "create-user", "drop-user", "update-user", "set-admin-privilege", "add-user-permissions",
        "remove-user-permissions", "create-role", "drop-role", "add-role-users", "remove-role-users",
        "add-role-permissions", "remove-role-permissions",
    ]

    private enum CodingKeys: String, CodingKey {
        case type, name, hash, admin, permissions, users
    }

    /// Decodes the command whose `type` is `type`, or returns `nil` for a type that is not an access command.
    init?(type: String, from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func name() throws -> String { try c.decode(String.self, forKey: .name) }
        func permissions() throws -> PermissionMap { try c.decode(PermissionMap.self, forKey: .permissions) }
        switch type {
        case "create-user":
            self = .createUser(
                name: try name(),
                hash: try c.decode(String.self, forKey: .hash),
                admin: try c.decode(Bool.self, forKey: .admin)
            )
        case "drop-user": self = .dropUser(name: try name())
        case "update-user": self = .updateUser(name: try name(), hash: try c.decode(String.self, forKey: .hash))
        case "set-admin-privilege": self = .setAdmin(name: try name(), admin: try c.decode(Bool.self, forKey: .admin))
        case "add-user-permissions", "remove-user-permissions":
            self = .changeUserPermissions(
                name: try name(),
                permissions: try permissions(),
                grant: type.hasPrefix("add")
            )
        case "create-role": self = .createRole(name: try name())
        case "drop-role": self = .dropRole(name: try name())
        case "add-role-users", "remove-role-users":
            self = .changeRoleUsers(
                name: try name(),
                users: try c.decode([String].self, forKey: .users),
                add: type.hasPrefix("add")
            )
        case "add-role-permissions", "remove-role-permissions":
            self = .changeRolePermissions(
                name: try name(),
                permissions: try permissions(),
                grant: type.hasPrefix("add")
            )
        default:
            return nil
        }
    }

    /// Encodes the command's fields and its `type`.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(typeName, forKey: .type)
        try c.encode(name, forKey: .name)
        switch self {
        case .createUser(_, let hash, let admin):
            try c.encode(hash, forKey: .hash)
            try c.encode(admin, forKey: .admin)
        case .updateUser(_, let hash):
            try c.encode(hash, forKey: .hash)
        case .setAdmin(_, let admin):
            try c.encode(admin, forKey: .admin)
        case .changeUserPermissions(_, let permissions, _), .changeRolePermissions(_, let permissions, _):
            try c.encode(permissions, forKey: .permissions)
        case .changeRoleUsers(_, let users, _):
            try c.encode(users, forKey: .users)
        case .dropUser, .createRole, .dropRole:
            break
        }
    }
}

extension MetaData {
    /// Applies a user or role change; refusals (an unknown user, a name taken) change nothing.
    mutating func apply(_ command: AccessCommand) -> String? {
        switch command {
        case .createUser(let name, let hash, let admin):
            if let problem = UserInfo.problem(withName: name) { return problem }
            if let existing = user(named: name) {
                // As InfluxDB: creating the same user again is fine, a different one is not.
                return existing.hash == hash && existing.admin == admin ? nil : "user already exists"
            }
            users.append(UserInfo(name: name, hash: hash, admin: admin))
            users.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        case .dropUser(let name):
            guard user(named: name) != nil else { return "user not found" }
            users.removeAll { $0.name == name }
            for index in roles.indices { roles[index].users.removeAll { $0 == name } }
        case .updateUser(let name, let hash):
            guard let index = users.firstIndex(where: { $0.name == name }) else { return "user not found" }
            users[index].hash = hash
        case .setAdmin(let name, let admin):
            guard let index = users.firstIndex(where: { $0.name == name }) else { return "user not found" }
            users[index].admin = admin
        case .changeUserPermissions(let name, let permissions, let grant):
            guard let index = users.firstIndex(where: { $0.name == name }) else { return "user not found" }
            if grant { users[index].permissions.add(permissions) } else { users[index].permissions.remove(permissions) }
        case .createRole(let name):
            if let problem = UserInfo.problem(withName: name, kind: "role") { return problem }
            guard role(named: name) == nil else { return "role already exists" }
            roles.append(RoleInfo(name: name))
            roles.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        case .dropRole(let name):
            guard role(named: name) != nil else { return "role not found" }
            roles.removeAll { $0.name == name }
        case .changeRoleUsers(let name, let members, let add):
            guard let index = roles.firstIndex(where: { $0.name == name }) else { return "role not found" }
            if add {
                if let missing = members.first(where: { user(named: $0) == nil }) {
                    return "user \"\(missing)\" not found"
                }
                roles[index].users = Array(Set(roles[index].users).union(members)).sorted()
            } else {
                roles[index].users = Array(Set(roles[index].users).subtracting(members)).sorted()
            }
        case .changeRolePermissions(let name, let permissions, let grant):
            guard let index = roles.firstIndex(where: { $0.name == name }) else { return "role not found" }
            if grant { roles[index].permissions.add(permissions) } else { roles[index].permissions.remove(permissions) }
        }
        return nil
    }
}
