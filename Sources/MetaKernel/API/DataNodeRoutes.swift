import FoundationEssentials
public import Hummingbird

/// Data-node membership: `POST /add-data`, `/remove-data`, `/update-data` (leader only;
/// followers redirect), and announcements: `POST /announce` from any node and `POST /gossip`
/// between meta nodes (any meta node takes them; they live in memory, not in Raft).
///
/// Form fields (`application/x-www-form-urlencoded` body or query): `/add-data` `addr`
/// [`httpAddr`] [`passive`]; `/remove-data` `addr` [`force`]; `/update-data` `oldAddr` `newAddr`.
/// A node must answer on its TCP address (within ``probeTimeout``) before it is added, moved, or
/// removed without `force`; `add-data` also checks the license's data-node entitlement.
public struct DataNodeRoutes: Sendable {
    /// Longest the leader waits for a data node's TCP address to accept a connection.
    public static let probeTimeout = Duration.seconds(5)
    /// Default HTTP port of a data node, for `add-data` without `httpAddr` or an announcement.
    static let defaultHTTPPort = 8086

    let node: MetaNode
    let probe: DataNodeProbe
    /// Data-node membership changes on this node go one at a time, so that two `add-data`s
    /// cannot both pass the license check.
    let serial = SerialExecution()

    /// Routes for `node`.
    public init(node: MetaNode) {
        self.node = node
        self.probe = DataNodeProbe(discovery: node.plugins.discovery, timeout: Self.probeTimeout)
    }

    /// Adds the routes to `router`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.post("/add-data") { request, _ in await membership(request) { try await addData($0) } }
        router.post("/remove-data") { request, _ in await membership(request) { try await removeData($0) } }
        router.post("/update-data") { request, _ in await membership(request) { try await updateData($0) } }
        router.post("/announce") { request, _ in await announce(request) }
        router.post("/gossip") { request, _ in await gossip(request) }
    }

    /// The answer of `/add-data` and `/update-data`.
    public struct NodeReply: Codable, Sendable, Equatable {
        /// Node id.
        public var id: UInt64
        /// HTTP address.
        public var addr: String
        /// TCP address.
        public var tcpAddr: String
    }

    /// A refusal with its HTTP status.
    struct Refusal: Error {
        var status: HTTPResponse.Status
        var message: String
    }

    /// Reads the fields, makes sure this node leads, then runs `change` alone.
    private func membership(
        _ request: Request,
        _ change: @escaping @Sendable (Parameters) async throws -> Response
    ) async -> Response {
        let parameters: Parameters
        do {
            parameters = try await Parameters(request)
        } catch {
            return JSONResponse.error(error.message, status: error.status)
        }
        return await serial.run {
            do {
                try await node.requireLeader()
                return try await change(parameters)
            } catch let error as MetaNodeError {
                return MetaRoutes.response(for: error, request: request, scheme: node.plugins.transport.scheme)
            } catch let refusal as Refusal {
                return JSONResponse.error(refusal.message, status: refusal.status)
            } catch {
                return JSONResponse.error("\(error)", status: .internalServerError)
            }
        }
    }

    func addData(_ parameters: Parameters) async throws -> Response {
        let address = try parameters.address("addr")
        let tcpAddress = address.description
        AuditNote.record("add-data \(tcpAddress)")
        let data = node.store.current
        if data.dataNodes.contains(where: { $0.tcpAddress == tcpAddress }) {
            throw Refusal(status: .conflict, message: "node already exists")
        }
        let httpAddress: String
        if let given = parameters["httpAddr"], !given.isEmpty {
            httpAddress = try parameters.address("httpAddr").description
        } else if let announced = node.announcements.latest(nodeType: "data", tcpAddr: tcpAddress),
            !announced.httpAddr.isEmpty
        {
            httpAddress = announced.httpAddr
        } else {
            httpAddress = HostPort(host: address.host, port: Self.defaultHTTPPort).description
        }
        try await requireAnswer(from: address, hint: "start influxd there, or check the address and port")
        if let refusal = node.license.checkDataNodes(count: data.dataNodes.count + 1, cores: 0) {
            throw Refusal(status: .badRequest, message: refusal)
        }
        let passive = try parameters.flag("passive")
        let outcome = try await node.execute(
            .data(.createDataNode(httpAddress: httpAddress, tcpAddress: tcpAddress, passive: passive))
        )
        try Self.check(outcome)
        let created = node.store.current.dataNodes.first { $0.tcpAddress == tcpAddress }
        guard let id = outcome.nodeID ?? created?.id else {
            throw Refusal(status: .internalServerError, message: "data node \(tcpAddress) was added but has no id")
        }
        return JSONResponse.make(NodeReply(id: id, addr: created?.httpAddress ?? httpAddress, tcpAddr: tcpAddress))
    }

    func removeData(_ parameters: Parameters) async throws -> Response {
        let address = try parameters.address("addr")
        let tcpAddress = address.description
        let force = try parameters.flag("force")
        AuditNote.record("remove-data \(tcpAddress)\(force ? " force" : "")")
        guard let existing = node.store.current.dataNodes.first(where: { $0.tcpAddress == tcpAddress }) else {
            throw Refusal(status: .notFound, message: "node not found")
        }
        if !force {
            try await requireAnswer(from: address, hint: "to remove a node that is gone, use remove-data -force")
        }
        let outcome = try await node.execute(.data(.deleteDataNode(id: existing.id, at: Announcements.wallClock())))
        try Self.check(outcome)
        node.announcements.forget(nodeType: "data", tcpAddr: tcpAddress)
        return Response(status: .noContent)
    }

    func updateData(_ parameters: Parameters) async throws -> Response {
        let old = try parameters.address("oldAddr").description
        let new = try parameters.address("newAddr")
        let newAddress = new.description
        AuditNote.record("update-data \(old) to \(newAddress)")
        let data = node.store.current
        guard let existing = data.dataNodes.first(where: { $0.tcpAddress == old }) else {
            throw Refusal(status: .notFound, message: "node not found")
        }
        if newAddress != old, data.dataNodes.contains(where: { $0.tcpAddress == newAddress }) {
            throw Refusal(status: .conflict, message: "node already exists")
        }
        try await requireAnswer(from: new, hint: "start influxd there, or check the address and port")
        let oldHTTPPort = (try? HostPort(parsing: existing.httpAddress).port) ?? Self.defaultHTTPPort
        let announced = node.announcements.latest(nodeType: "data", tcpAddr: newAddress)?.httpAddr ?? ""
        let httpAddress = announced.isEmpty ? HostPort(host: new.host, port: oldHTTPPort).description : announced
        let outcome = try await node.execute(
            .data(.updateDataNode(id: existing.id, httpAddress: httpAddress, tcpAddress: newAddress))
        )
        try Self.check(outcome)
        return JSONResponse.make(NodeReply(id: existing.id, addr: httpAddress, tcpAddr: newAddress))
    }

    /// Throws unless something accepts a TCP connection at `address`.
    private func requireAnswer(from address: HostPort, hint: String) async throws {
        if let reason = await probe.problem(reaching: address) {
            throw Refusal(
                status: .badRequest,
                message: "data node at \(address) did not answer on TCP: \(reason) (\(hint))"
            )
        }
    }

    /// Maps a refused command to its answer.
    private static func check(_ outcome: ApplyOutcome) throws {
        guard let problem = outcome.error else { return }
        let status: HTTPResponse.Status =
            switch problem {
            case "node already exists": .conflict
            case "node not found": .notFound
            default: .badRequest
            }
        throw Refusal(status: status, message: problem)
    }

    func announce(_ request: Request) async -> Response {
        switch await Self.decode(Announcement.self, from: request) {
        case .failure(let refusal):
            return JSONResponse.error(refusal.message, status: refusal.status)
        case .success(let announcement):
            if let problem = announcement.problem { return JSONResponse.error(problem, status: .badRequest) }
            node.announcements.record(announcement)
            return Response(status: .noContent)
        }
    }

    func gossip(_ request: Request) async -> Response {
        switch await Self.decode([Announcement].self, from: request) {
        case .failure(let refusal):
            return JSONResponse.error(refusal.message, status: refusal.status)
        case .success(let announcements):
            for announcement in announcements where announcement.problem == nil {
                node.announcements.record(announcement)
            }
            return Response(status: .noContent)
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, from request: Request) async -> Result<T, Refusal> {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: MetaRoutes.maximumBodySize)
        } catch {
            return .failure(
                Refusal(
                    status: .contentTooLarge,
                    message: "request body is larger than \(MetaRoutes.maximumBodySize) bytes"
                )
            )
        }
        do {
            return .success(try JSONDecoder().decode(T.self, from: Data(body.readableBytesView)))
        } catch {
            return .failure(
                Refusal(status: .badRequest, message: "invalid announcement: \(DecodingErrorText.describe(error))")
            )
        }
    }
}
