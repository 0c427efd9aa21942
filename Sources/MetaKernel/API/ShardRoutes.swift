public import Hummingbird
import HummingbirdCore

/// Shard routes: `GET /show-shards[?verbose=true]` (`influxd-ctl show-shards`), `POST /remove-shard`
/// (`src`, `shard`; `remove-shard`) and `POST /truncate-shards` (`delay`, Go duration, default
/// `1m0s`; `truncate-shards`). Parameters come as a form body or in the query string.
public struct ShardRoutes: Sendable {
    let node: MetaNode

    /// Routes for `node`.
    public init(node: MetaNode) {
        self.node = node
    }

    /// Adds the routes to `router`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/show-shards") { request, _ in await showShards(request) }
        router.post("/remove-shard") { request, _ in await removeShard(request) }
        router.post("/truncate-shards") { request, _ in await truncateShards(request) }
    }

    /// The default `delay` of `POST /truncate-shards`, as `influxd-ctl truncate-shards` has it.
    public static let defaultTruncateDelay = GoDuration(.seconds(60))

    /// The shards of live groups, from a copy caught up with the leader when possible (see
    /// ``MetaRoutes/staleHeader``).
    func showShards(_ request: Request) async -> Response {
        let verbose = request.uri.queryParameters.get("verbose") == "true"
        let staleness = await node.catchUpWithLeader(within: MetaRoutes.catchUpLimit)
        var response = JSONResponse.make(ShowShardsEntry.list(node.store.current, verbose: verbose))
        if let staleness { response.headers[.init(MetaRoutes.staleHeader)!] = staleness }
        return response
    }

    /// Takes data node `src` off shard `shard`'s owners (ManageShard on the shard's database).
    func removeShard(_ request: Request) async -> Response {
        let parameters: [String: String]
        switch await Self.parameters(of: request) {
        case .success(let found): parameters = found
        case .failure(let problem): return problem.response
        }
        guard let source = parameters["src"], !source.isEmpty else {
            return JSONResponse.error("src: missing; give the data node's TCP address, host:8088", status: .badRequest)
        }
        guard let shardText = parameters["shard"], let shardID = UInt64(shardText) else {
            return JSONResponse.error(
                "shard: \"\(parameters["shard"] ?? "")\" is not a shard id (a positive integer)",
                status: .badRequest
            )
        }
        AuditNote.record("remove-shard \(shardID) from \(source)")
        do {
            // On the leader: its copy is current. On a follower: the redirect.
            try await node.readBarrier()
        } catch {
            return MetaRoutes.response(for: error, request: request, scheme: node.plugins.transport.scheme)
        }
        let data = node.store.current
        guard let owner = data.dataNodes.first(where: { $0.tcpAddress == source }) else {
            return JSONResponse.error("data node at \(source) not found (see influxd-ctl show)", status: .notFound)
        }
        guard let database = data.database(containingShard: shardID) else {
            return JSONResponse.error("shard not found", status: .notFound)
        }
        let principal = Principal.current ?? .anonymous
        if let refusal = principal.refusal(.manageShard, on: database, in: data) {
            return JSONResponse.error(refusal, status: .forbidden)
        }
        let command = DataCommand.removeShardOwner(shardID: shardID, nodeID: owner.id, at: UnixNanoseconds.now())
        return await propose(.data(command), request: request)
    }

    /// Truncates every open shard group at now + `delay` (cluster-wide ManageShard).
    func truncateShards(_ request: Request) async -> Response {
        let parameters: [String: String]
        switch await Self.parameters(of: request) {
        case .success(let found): parameters = found
        case .failure(let problem): return problem.response
        }
        var delay = Self.defaultTruncateDelay
        if let text = parameters["delay"], !text.isEmpty {
            do {
                delay = try GoDuration(parsing: text)
            } catch {
                return JSONResponse.error("delay: \(error)", status: .badRequest)
            }
        }
        AuditNote.record("truncate-shards delay \(delay)")
        let principal = Principal.current ?? .anonymous
        if let refusal = principal.refusal(.manageShard, in: node.store.current) {
            return JSONResponse.error(refusal, status: .forbidden)
        }
        let at = UnixNanoseconds.now().addingReportingOverflow(UnixNanoseconds.of(delay.duration)).partialValue
        return await propose(.data(.truncateShardGroups(timestamp: at)), request: request)
    }

    /// Proposes `command`: 204 once applied, 404 for `shard not found`, 400 for another refusal.
    private func propose(_ command: MetaCommand, request: Request) async -> Response {
        if let refusal = node.license.writeRefusal {
            return JSONResponse.error(refusal, status: .forbidden)
        }
        do {
            let outcome = try await node.execute(command)
            if let problem = outcome.error {
                return JSONResponse.error(problem, status: problem == "shard not found" ? .notFound : .badRequest)
            }
            return Response(status: .noContent)
        } catch {
            return MetaRoutes.response(for: error, request: request, scheme: node.plugins.transport.scheme)
        }
    }

    /// A request's parameters: the query string's, then those of an
    /// `application/x-www-form-urlencoded` body (which win).
    static func parameters(of request: Request) async -> Result<[String: String], ParameterProblem> {
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: MetaRoutes.maximumBodySize)
        } catch {
            return .failure(
                ParameterProblem(message: "request body is larger than \(MetaRoutes.maximumBodySize) bytes")
            )
        }
        let contentType = request.headers[.contentType] ?? ""
        if body.readableBytes > 0 && contentType.hasPrefix("application/x-www-form-urlencoded") {
            let form = URI("/?" + String(buffer: body))
            for (key, value) in form.queryParameters { parameters[String(key)] = String(value) }
        }
        return .success(parameters)
    }

    /// A request whose parameters cannot be read.
    struct ParameterProblem: Error {
        var message: String
        var response: Response { JSONResponse.error(message, status: .contentTooLarge) }
    }
}

extension MetaData {
    /// The name of the database whose live or deleted groups hold shard `id`, if any.
    func database(containingShard id: UInt64) -> String? {
        for database in databases {
            for policy in database.retentionPolicies {
                for group in policy.shardGroups where group.shards.contains(where: { $0.id == id }) {
                    return database.name
                }
            }
        }
        return nil
    }
}
