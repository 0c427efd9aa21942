/// Who a request acts as, once ``APIAuthenticator`` has checked its credentials.
public enum Principal: Sendable, Equatable, CustomStringConvertible {
    /// Authentication is off for this request's route: anyone.
    case anonymous
    /// Another meta node: a token signed with `internal-shared-secret`.
    case node
    /// A user of the store.
    case user(UserInfo)
    /// No admin exists yet and the request carries no credentials: it may only create the first admin.
    case firstAdmin

    /// The principal of the request being handled, set by ``AuthenticationMiddleware``; `nil`
    /// where no middleware runs (unit tests of the routes), which the routes treat as anonymous.
    @TaskLocal public static var current: Principal?

    /// How the audit log names it.
    public var description: String {
        switch self {
        case .anonymous: "anonymous"
        case .node: "meta node"
        case .user(let user): "user \"\(user.name)\""
        case .firstAdmin: "anonymous (no admin yet)"
        }
    }

    /// Why this principal may not use `permission` on `database`, or `nil` when it may.
    public func refusal(_ permission: Permission, on database: String = "", in data: MetaData) -> String? {
        switch self {
        case .anonymous, .node:
            return nil
        case .firstAdmin:
            return "must create admin user first"
        case .user(let user):
            if data.user(user, holds: permission, on: database) { return nil }
            let scope = database.isEmpty ? "" : " on database \"\(database)\""
            let grant = database.isEmpty ? "" : " -db \(database)"
            return
                "user \"\(user.name)\" lacks permission \(permission.rawValue)\(scope) (an admin can grant it: influxd-ctl user grant\(grant) \(user.name) \(permission.rawValue))"
        }
    }

    /// Why this principal is not an admin, or `nil` when it is (or needs not be).
    public var adminRefusal: String? {
        switch self {
        case .anonymous, .node: nil
        case .firstAdmin: "must create admin user first"
        case .user(let user): user.admin ? nil : "user \"\(user.name)\" is not an admin; this needs an admin user"
        }
    }
}
