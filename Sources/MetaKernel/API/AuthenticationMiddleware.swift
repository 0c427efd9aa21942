public import Hummingbird
public import Logging

/// Authentication, per-route access and the audit log of the meta API.
///
/// | route | needs (auth-enabled) | needs (auth off, internal-shared-secret set) |
/// |---|---|---|
/// | `GET /ping`, `/health`, `/readyz` | nothing | nothing |
/// | `POST /accept-join`, `/reset`, `/bootstrap-vote`, `/bootstrap-release` | a node token | a node token |
/// | `POST /gossip` (announcements between meta nodes) | a node token | a node token |
/// | `POST /join`, `/add-meta`, `/remove` | a node token or AddRemoveNode | a node token |
/// | `POST /add-data`, `/remove-data`, `/update-data`, `/announce` | a node token or AddRemoveNode | a node token |
/// | `GET /` (the whole metadata, hashes included) | a node token or an admin | nothing |
/// | everything else | any user (routes check finer permissions) | nothing |
///
/// Until the first admin exists, a request without credentials may only create it
/// (`POST /user`). Every state-changing request, and every refusal, is logged at info
/// (who, from where, what, result) whatever `cluster-tracing` says; bodies never are.
/// Announcements (`/announce`, `/gossip`) change no metadata and come every few seconds from
/// every node: only their refusals are logged.
public struct AuthenticationMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let authenticator: APIAuthenticator
    let logger: Logger

    /// Enforces `authenticator`'s rules and logs through `logger`.
    public init(authenticator: APIAuthenticator, logger: Logger) {
        self.authenticator = authenticator
        self.logger = logger
    }

    /// What a route needs.
    enum Requirement {
        case nothing
        case node
        case nodeOr(Permission)
        case nodeOrAdmin
        case user
    }

    static func requirement(method: HTTPRequest.Method, path: String) -> Requirement {
        switch path {
        case "/ping", "/health", "/readyz": .nothing
        case "/accept-join", "/reset", "/bootstrap-vote", "/bootstrap-release", "/gossip": .node
        case "/join", "/add-meta", "/remove": .nodeOr(.addRemoveNode)
        case "/add-data", "/remove-data", "/update-data", "/announce": .nodeOr(.addRemoveNode)
        case "/" where method == .get: .nodeOrAdmin
        case "/restore": .nodeOrAdmin
        default: .user
        }
    }

    /// Checks, runs and audits the request.
    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let principal: Principal
        // The route the router matched ("/reset" for "//reset/"), so that a path spelt another
        // way cannot reach a route under a weaker rule; unmatched paths keep their own.
        let route = context.endpointPath ?? request.uri.path
        let (claimed, decision) = decide(request, route: route)
        switch decision {
        case .success(let allowed):
            principal = allowed
        case .failure(let refusal):
            var response = JSONResponse.error(refusal.message, status: refusal.status)
            if refusal.status == .unauthorized {
                response.headers[.wwwAuthenticate] = #"Basic realm="InfluxDB Enterprise meta""#
            }
            let who =
                claimed?.description
                ?? APIAuthenticator.claimedName(request).map { "unauthenticated (claiming \"\($0)\")" }
                ?? "unauthenticated"
            audit(request, context: context, who: who, status: refusal.status.code, note: refusal.message)
            return response
        }
        let note = AuditNote()
        let response = try await Principal.$current.withValue(principal) {
            try await AuditNote.$current.withValue(note) { try await next(request, context) }
        }
        let routine = route == "/announce" || route == "/gossip"
        if request.method != .get && request.method != .head && !routine || response.status.code == 401
            || response.status.code == 403
        {
            audit(request, context: context, who: principal.description, status: response.status.code, note: note.value)
        }
        return response
    }

    /// Who the credentials name (when they check out), and the principal the request may act
    /// as or why it is refused.
    func decide(_ request: Request, route: String) -> (Principal?, Result<Principal, APIAuthenticator.Refusal>) {
        let requirement = Self.requirement(method: request.method, path: route)
        if case .nothing = requirement { return (nil, .success(.anonymous)) }
        if !authenticator.configuration.authEnabled {
            // Credentials matter only where a node token is demanded; elsewhere they are ignored.
            switch requirement {
            case .node, .nodeOr:
                if !authenticator.requiresNodeToken { return (nil, .success(.anonymous)) }
            default:
                return (nil, .success(.anonymous))
            }
        }
        let identified: Principal?
        do {
            identified = try authenticator.identify(request)
        } catch {
            return (nil, .failure(error))
        }
        return (identified, decide(request, route: route, requirement: requirement, identified: identified))
    }

    func decide(
        _ request: Request,
        route: String,
        requirement: Requirement,
        identified: Principal?
    ) -> Result<Principal, APIAuthenticator.Refusal> {
        let nodeToken =
            "a token signed with internal-shared-secret (meta nodes send one; influxd-ctl does with the node's -config)"
        guard authenticator.configuration.authEnabled else {
            switch requirement {
            case .node, .nodeOr:
                guard authenticator.requiresNodeToken else { return .success(.anonymous) }
                if identified == .node { return .success(.node) }
                return .failure(.init(status: .unauthorized, message: "\(route) needs \(nodeToken)"))
            default:
                return .success(.anonymous)
            }
        }
        guard let principal = identified else {
            if case .node = requirement {
                return .failure(.init(status: .unauthorized, message: "\(route) needs \(nodeToken)"))
            }
            if !authenticator.store.current.hasAdmin {
                if request.method == .post && route == "/user" { return .success(.firstAdmin) }
                return .failure(.init(status: .badRequest, message: "must create admin user first"))
            }
            return .failure(
                .init(
                    status: .unauthorized,
                    message:
                        "authentication required: send basic credentials or a bearer token (influxd-ctl -auth-type basic -user U -pwd P, or -auth-type jwt -secret S -user U)"
                )
            )
        }
        if principal == .node { return .success(.node) }
        guard case .user(let user) = principal else { return .success(principal) }
        let data = authenticator.store.current
        if !data.hasAdmin && !(request.method == .post && route == "/user") {
            return .failure(.init(status: .badRequest, message: "must create admin user first"))
        }
        switch requirement {
        case .nothing, .user:
            return .success(principal)
        case .node:
            return .failure(
                .init(
                    status: .forbidden,
                    message:
                        "\(route) is for meta nodes only: it needs \(nodeToken), not user \"\(user.name)\""
                )
            )
        case .nodeOr(let permission):
            if let refusal = principal.refusal(permission, in: data) {
                return .failure(.init(status: .forbidden, message: refusal))
            }
            return .success(principal)
        case .nodeOrAdmin:
            if let refusal = principal.adminRefusal { return .failure(.init(status: .forbidden, message: refusal)) }
            return .success(principal)
        }
    }

    private func audit(_ request: Request, context: Context, who: String, status: Int, note: String?) {
        var metadata: Logger.Metadata = [
            "who": "\(who)",
            "from": "\(context.remoteAddress?.ipAddress ?? "-")",
            "what": "\(request.method) \(request.uri.path)\(note.map { " \($0)" } ?? "")",
            "result": "\(status)",
        ]
        if status == 401 || status == 403 { metadata["refused"] = "true" }
        logger.info("audit", metadata: metadata)
    }
}
