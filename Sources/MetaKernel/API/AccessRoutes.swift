import FoundationEssentials
public import Hummingbird

/// Users and roles: `GET /user[?name=]`, `POST /user`, `GET /role[?name=]`, `POST /role`.
///
/// `POST /user` takes `{"action":…,"user":{"name","password","admin","permissions"}}` with
/// action `create`, `delete`, `change-password`, `set-admin`, `add-permissions` or
/// `remove-permissions`; `POST /role` takes `{"action":…,"role":{"name","users","permissions"}}`
/// with `create`, `delete`, `add-users`, `remove-users`, `add-permissions` or
/// `remove-permissions`. Permissions are `{"<database or \"\">":["ReadData",…]}`. Passwords are
/// hashed here, per `[meta] password-hash`, before anything is proposed.
public struct AccessRoutes: Sendable {
    let node: MetaNode
    let authenticator: APIAuthenticator

    /// Routes for `node`.
    public init(node: MetaNode, authenticator: APIAuthenticator) {
        self.node = node
        self.authenticator = authenticator
    }

    /// Adds the routes to `router`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/user") { request, _ in listUsers(request) }
        router.post("/user") { request, _ in await changeUser(request) }
        router.get("/role") { request, _ in listRoles(request) }
        router.post("/role") { request, _ in await changeRole(request) }
    }

    /// The body of `POST /user`.
    struct UserRequest: Decodable {
        struct User: Decodable {
            var name: String
            var password: String?
            var admin: Bool?
            var permissions: [String: [String]]?
        }
        var action: String
        var user: User
    }

    /// The body of `POST /role`.
    struct RoleRequest: Decodable {
        struct Role: Decodable {
            var name: String
            var users: [String]?
            var permissions: [String: [String]]?
        }
        var action: String
        var role: Role
    }

    /// A user as `GET /user` shows it.
    struct UserList: Encodable {
        var users: [UserInfo]
    }

    /// Roles as `GET /role` shows them.
    struct RoleList: Encodable {
        var roles: [RoleInfo]?
    }

    static let userActions = [
        "create", "delete", "change-password", "set-admin", "add-permissions", "remove-permissions",
    ]
    static let roleActions = ["create", "delete", "add-users", "remove-users", "add-permissions", "remove-permissions"]

    /// Why the current principal may not manage users and roles, or `nil`.
    func managementRefusal(_ data: MetaData) -> String? {
        let principal = Principal.current ?? .anonymous
        if principal.adminRefusal == nil { return nil }
        return principal.refusal(.createUserAndRole, in: data)
    }

    func listUsers(_ request: Request) -> Response {
        let data = node.store.current
        if let refusal = managementRefusal(data) { return JSONResponse.error(refusal, status: .forbidden) }
        var users = data.users
        if let name = request.uri.queryParameters.get("name") {
            users = users.filter { $0.name == name }
            if users.isEmpty { return JSONResponse.error("user not found", status: .notFound) }
        }
        return JSONResponse.make(UserList(users: users))
    }

    func listRoles(_ request: Request) -> Response {
        let data = node.store.current
        if let refusal = managementRefusal(data) { return JSONResponse.error(refusal, status: .forbidden) }
        var roles = data.roles
        if let name = request.uri.queryParameters.get("name") {
            roles = roles.filter { $0.name == name }
            if roles.isEmpty { return JSONResponse.error("role not found", status: .notFound) }
        }
        return JSONResponse.make(RoleList(roles: roles.isEmpty ? nil : roles))
    }

    func changeUser(_ request: Request) async -> Response {
        let body: UserRequest
        switch await Self.decode(UserRequest.self, from: request) {
        case .decoded(let decoded): body = decoded
        case .refused(let response): return response
        }
        let data = node.store.current
        let principal = Principal.current ?? .anonymous
        let name = body.user.name
        let wantsAdmin = body.user.admin == true
        if principal == .firstAdmin && !(body.action == "create" && wantsAdmin) {
            return JSONResponse.error(
                "must create admin user first: POST /user {\"action\":\"create\",\"user\":{\"name\":…,\"password\":…,\"admin\":true}}",
                status: .badRequest
            )
        }
        if principal != .firstAdmin {
            if let refusal = managementRefusal(data) { return JSONResponse.error(refusal, status: .forbidden) }
            let touchesAdmin =
                (body.action == "create" && wantsAdmin) || body.action == "set-admin"
                || data.user(named: name)?.admin == true
            if touchesAdmin, let refusal = principal.adminRefusal {
                return JSONResponse.error(refusal, status: .forbidden)
            }
        }
        let command: AccessCommand
        do throws(AccessError) {
            switch body.action {
            case "create":
                command = .createUser(name: name, hash: try hash(body.user.password), admin: wantsAdmin)
            case "delete":
                if let user = data.user(named: name), user.admin, data.users.filter(\.admin).count == 1,
                    authenticator.configuration.authEnabled
                {
                    throw AccessError("cannot drop \"\(name)\": it is the last admin user; make another admin first")
                }
                command = .dropUser(name: name)
            case "change-password":
                command = .updateUser(name: name, hash: try hash(body.user.password))
            case "set-admin":
                command = .setAdmin(name: name, admin: wantsAdmin)
            case "add-permissions", "remove-permissions":
                command = .changeUserPermissions(
                    name: name,
                    permissions: try Self.permissions(body.user.permissions),
                    grant: body.action == "add-permissions"
                )
            default:
                throw AccessError(
                    "unknown action \"\(body.action)\" (use one of \(Self.userActions.joined(separator: ", ")))"
                )
            }
        } catch {
            return JSONResponse.error(error.description, status: .badRequest)
        }
        AuditNote.record("\(body.action) user \"\(name)\"\(wantsAdmin ? " (admin)" : "")")
        return await execute(command, request: request)
    }

    func changeRole(_ request: Request) async -> Response {
        let body: RoleRequest
        switch await Self.decode(RoleRequest.self, from: request) {
        case .decoded(let decoded): body = decoded
        case .refused(let response): return response
        }
        if let refusal = managementRefusal(node.store.current) {
            return JSONResponse.error(refusal, status: Principal.current == .firstAdmin ? .badRequest : .forbidden)
        }
        let name = body.role.name
        let command: AccessCommand
        do throws(AccessError) {
            switch body.action {
            case "create": command = .createRole(name: name)
            case "delete": command = .dropRole(name: name)
            case "add-users", "remove-users":
                command = .changeRoleUsers(name: name, users: body.role.users ?? [], add: body.action == "add-users")
            case "add-permissions", "remove-permissions":
                command = .changeRolePermissions(
                    name: name,
                    permissions: try Self.permissions(body.role.permissions),
                    grant: body.action == "add-permissions"
                )
            default:
                throw AccessError(
                    "unknown action \"\(body.action)\" (use one of \(Self.roleActions.joined(separator: ", ")))"
                )
            }
        } catch {
            return JSONResponse.error(error.description, status: .badRequest)
        }
        AuditNote.record("\(body.action) role \"\(name)\"")
        return await execute(command, request: request)
    }

    func hash(_ password: String?) throws(AccessError) -> String {
        guard let password, !password.isEmpty else { throw AccessError("password must not be empty") }
        guard let hasher = authenticator.passwordHasher else {
            throw AccessError("this build has no password hashing")
        }
        let scheme: PasswordHashScheme
        do {
            scheme = try PasswordHashScheme(parsing: node.configuration.config.meta.passwordHash)
        } catch {
            throw AccessError("[meta] password-hash: \(error)")
        }
        return try hasher.hash(password, scheme: scheme)
    }

    static func permissions(_ raw: [String: [String]]?) throws(AccessError) -> PermissionMap {
        guard let raw, !raw.isEmpty else { throw AccessError("permissions must name at least one permission") }
        var map: PermissionMap = [:]
        for (database, names) in raw {
            var list: [Permission] = []
            for name in names { list.append(try Permission.parse(name)) }
            if !list.isEmpty { map[database] = Array(Set(list)).sorted() }
        }
        guard !map.isEmpty else { throw AccessError("permissions must name at least one permission") }
        return map
    }

    func execute(_ command: AccessCommand, request: Request) async -> Response {
        do {
            let outcome = try await node.execute(.access(command))
            if let problem = outcome.error {
                return JSONResponse.raw(ExecuteReply(index: outcome.index, error: problem).json, status: .badRequest)
            }
            return JSONResponse.raw(ExecuteReply(index: outcome.index, error: nil).json)
        } catch {
            return MetaRoutes.response(for: error, request: request, scheme: node.plugins.transport.scheme)
        }
    }

    /// A request body, or the answer that refuses it.
    enum Decoded<Body> {
        case decoded(Body)
        case refused(Response)
    }

    static func decode<Body: Decodable>(_ type: Body.Type, from request: Request) async -> Decoded<Body> {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: MetaRoutes.maximumBodySize)
        } catch {
            return .refused(
                JSONResponse.error(
                    "request body is larger than \(MetaRoutes.maximumBodySize) bytes",
                    status: .contentTooLarge
                )
            )
        }
        do {
            return .decoded(try JSONDecoder().decode(Body.self, from: Data(buffer.readableBytesView)))
        } catch {
            return .refused(
                JSONResponse.error("invalid request: \(DecodingErrorText.describe(error))", status: .badRequest)
            )
        }
    }
}
