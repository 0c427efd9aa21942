public import Hummingbird

/// `GET /lease?name=continuous_querier&node_id=N` (`nodeid` too): a data node takes or renews a
/// lease for `[meta] lease-duration`. Unlike InfluxDB Enterprise, which keeps leases in the
/// leader's memory, the grant goes through Raft (``DataCommand/acquireLease(name:nodeID:now:duration:)``,
/// `now` from the leader's clock), so it survives a leader change, and it carries a fencing token
/// that only grows. 200 when granted or renewed, 409 when another node holds it; followers redirect.
///
/// Who may ask: a node token (`internal-shared-secret`, what data nodes send), or a user with
/// ManageContinuousQuery cluster-wide (admins have it).
public struct LeaseRoutes: Sendable {
    let node: MetaNode

    /// Routes for `node`.
    public init(node: MetaNode) {
        self.node = node
    }

    /// Adds the route to `router`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/lease") { request, _ in await lease(request) }
    }

    func lease(_ request: Request) async -> Response {
        let query = request.uri.queryParameters
        guard let name = query.get("name"), !name.isEmpty else {
            return JSONResponse.error(
                "name: missing; ask for a lease by name, e.g. /lease?name=continuous_querier&node_id=4",
                status: .badRequest
            )
        }
        let idText = query.get("node_id") ?? query.get("nodeid") ?? ""
        guard let nodeID = UInt64(idText), nodeID > 0 else {
            return JSONResponse.error(
                "node_id: \"\(idText)\" is not a node id (a positive integer; see influxd-ctl show)",
                status: .badRequest
            )
        }
        AuditNote.record("acquire-lease \"\(name)\" for node \(nodeID)")
        let principal = Principal.current ?? .anonymous
        if let refusal = principal.refusal(.manageContinuousQuery, in: node.store.current) {
            return JSONResponse.error(refusal, status: .forbidden)
        }
        let duration = UnixNanoseconds.of(node.configuration.config.meta.leaseDuration.duration)
        let command = DataCommand.acquireLease(
            name: name,
            nodeID: nodeID,
            now: UnixNanoseconds.now(),
            duration: duration
        )
        let outcome: ApplyOutcome
        do {
            outcome = try await node.execute(.data(command))
        } catch {
            return MetaRoutes.response(for: error, request: request, scheme: node.plugins.transport.scheme)
        }
        switch (outcome.error, outcome.lease) {
        case (nil, .some(let lease)):
            return JSONResponse.make(LeaseReply(lease))
        case (.some, .some(let lease)) where lease.owner != nodeID:
            return JSONResponse.make(LeaseReply(lease), status: .conflict)
        default:
            return JSONResponse.error(outcome.error ?? "lease \"\(name)\" was not granted", status: .badRequest)
        }
    }
}

/// The body of `GET /lease`'s answer, granted (200) or held elsewhere (409).
public struct LeaseReply: Codable, Sendable, Equatable {
    /// The lease name.
    public var name: String
    /// The data node that holds it.
    public var owner: UInt64
    /// When it lapses, RFC 3339 with nanoseconds (the granting leader's clock).
    public var expiration: String
    /// The holding's fencing token: the Raft index of the grant that gave it to `owner`.
    public var token: UInt64

    /// The reply for `lease`.
    public init(_ lease: LeaseInfo) {
        self.name = lease.name
        self.owner = lease.owner
        self.expiration = UnixNanoseconds.rfc3339(lease.expiration)
        self.token = lease.token
    }
}
