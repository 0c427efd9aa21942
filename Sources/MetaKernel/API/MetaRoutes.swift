import FoundationEssentials
public import Hummingbird
import ServiceLifecycle

/// The meta service's HTTP API (`[meta] http-bind-address`, default `:8091`).
///
/// | route | what it does |
/// |---|---|
/// | `GET /ping` | 200 with the leader's Raft address as the body (empty when none) |
/// | `GET /status` | this node's view: leader, its addresses, Raft peers (`null` when un-joined) |
/// | `GET /debug/vars` | `entitlements`: `licenseExpiry`, `licenseType` (`none` without licensing); `cmdline`; `memstats` |
/// | `GET /metrics`, `/health`, `/readyz` | Prometheus metrics and etcd-style probes (``MonitoringRoutes``) |
/// | `GET /show-cluster` | the data and meta nodes, with the versions they last announced |
/// | `GET /peers` | the Raft addresses of the members |
/// | `POST /execute` | applies a ``MetaCommand`` on the leader, answers `{"index":N}` once committed; a protobuf `Command` (`Content-Type: application/octet-stream` or `application/x-protobuf`) gets a protobuf `Response` |
/// | `GET /show-shards`, `POST /remove-shard`, `/truncate-shards` | shards (``ShardRoutes``) |
/// | `GET /lease` | takes or renews a lease through Raft (``LeaseRoutes``) |
/// | `GET /` | the metadata: protobuf `Data` (`application/octet-stream`), JSON with `Accept: application/json` |
/// | `GET /?index=N` | long poll: the metadata once its index passes N, in the same two forms |
/// | `GET /?consistent=true` | linearizable read: on the leader, after a Raft barrier (followers redirect) |
///
/// Writes on a follower answer `307` with the leader's URL; with no leader, `503 {"error":"no leader"}`.
public struct MetaRoutes: Sendable {
    /// Largest request body accepted.
    public static let maximumBodySize = 1 << 20
    /// Longest a long poll waits before answering with the current metadata.
    public static let maximumPollWait = Duration.seconds(60)

    let node: MetaNode
    let version: String

    /// Routes for `node`; `version` goes into `X-Influxdb-Version` and `show-cluster`.
    public init(node: MetaNode, version: String) {
        self.node = node
        self.version = version
    }

    /// Adds the routes and the common response headers to `router`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.add(middleware: CommonHeadersMiddleware(version: version))
        router.get("/ping") { _, _ in await ping() }
        router.get("/status") { _, _ in JSONResponse.make(await node.clusterStatus()) }
        router.get("/debug/vars") { _, _ in
            var vars = DebugVars(gate: node.license)
            vars.cmdline = CommandLine.arguments
            vars.memstats = .current()
            return JSONResponse.make(vars)
        }
        router.get("/show-cluster") { _, _ in await showCluster() }
        router.get("/peers") { _, _ in await peers() }
        router.post("/execute") { request, _ in await execute(request) }
        ShardRoutes(node: node).register(on: router)
        RestoreRoutes(node: node).register(on: router)
        LeaseRoutes(node: node).register(on: router)
        router.get("/") { request, _ in await poll(request) }
        DataNodeRoutes(node: node).register(on: router)
    }

    func ping() async -> Response {
        let status = await node.clusterStatus()
        var buffer = ByteBuffer()
        buffer.writeString(status.leader)
        return Response(status: .ok, headers: [.contentType: "text/plain"], body: ResponseBody(byteBuffer: buffer))
    }

    func peers() async -> Response {
        JSONResponse.make(await node.clusterStatus().peers ?? [])
    }

    /// The members as of the leader's latest change (see ``MetaNode/catchUpWithLeader(within:)``).
    /// A node that cannot be sure of that answers with its own copy and says why in
    /// ``staleHeader``, so that `show` keeps working, with a warning, on a cut-off node.
    func showCluster() async -> Response {
        let staleness = await node.catchUpWithLeader(within: Self.catchUpLimit)
        let data = node.store.current
        let scheme = node.plugins.transport.scheme
        let announced = node.announcements
        let meta = data.metaNodes.map { info in
            ShowCluster.Meta(
                id: info.id,
                addr: info.httpAddress,
                httpScheme: scheme,
                tcpAddr: info.tcpAddress,
                version: info.httpAddress == node.httpAddress
                    ? version : announced.latest(nodeType: "meta", tcpAddr: info.tcpAddress)?.version ?? "unknown",
                labels: info.labels
            )
        }
        let dataNodes = data.dataNodes.sorted { $0.id < $1.id }.map { info in
            let announcement = announced.latest(nodeType: "data", tcpAddr: info.tcpAddress)
            return ShowCluster.Data(
                id: info.id,
                tcpAddr: info.tcpAddress,
                httpAddr: info.httpAddress,
                httpScheme: announcement?.httpScheme ?? "http",
                status: announcement?.status ?? "joined",
                version: announcement?.version ?? "unknown",
                labels: info.labels,
                passive: info.passive
            )
        }
        var response = JSONResponse.make(ShowCluster(data: dataNodes, meta: meta))
        if let staleness { response.headers[.init(Self.staleHeader)!] = staleness }
        return response
    }

    /// Longest `GET /show-cluster` waits for this node to catch up with its leader; shorter than
    /// `influxd-ctl`'s default `-timeout` of 10 s.
    static let catchUpLimit = Duration.seconds(3)
    /// Set on `GET /show-cluster` when the answer may be out of date, saying why.
    public static let staleHeader = "X-Influxdb-Meta-Stale"

    func execute(_ request: Request) async -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maximumBodySize)
        } catch {
            return JSONResponse.error(
                "request body is larger than \(Self.maximumBodySize) bytes",
                status: .contentTooLarge
            )
        }
        let format = ExecuteFormat(request)
        var command: MetaCommand
        do {
            switch format {
            case .json: command = try body.withUnsafeReadableBytes { try MetaCommand.decodeJSON($0) }
            case .protobuf: command = try MetaCommand.decodeProtobuf(body.readableBytesView)
            }
        } catch let error as ProtobufError {
            return format.error("invalid command: \(error)", status: .badRequest)
        } catch {
            return format.error("invalid command: \(DecodingErrorText.describe(error))", status: .badRequest)
        }
        switch command {
        case .createDatabase(let name, _), .dropDatabase(let name):
            if let problem = DatabaseInfo.problem(withName: name) {
                return format.error(problem, status: .badRequest)
            }
        case .createMetaNode, .deleteMetaNode:
            return format.error(
                "\(command.typeName) is not accepted by /execute; use influxd-ctl add-meta or remove-meta",
                status: .badRequest
            )
        case .data:
            break
        case .setData:
            return format.error(
                "set-data is not accepted by /execute; use POST /restore (influxd-ctl restore)",
                status: .badRequest
            )
        case .access:
            return format.error(
                "\(command.typeName) is not accepted by /execute; use POST /user or POST /role (influxd-ctl user, role)",
                status: .badRequest
            )
        }
        do throws(ExecuteRefusal) {
            command = try command.preparedForExecute(
                now: UnixNanoseconds.now(),
                retentionAutocreate: node.configuration.config.meta.retentionAutocreate
            )
        } catch {
            return format.error(error.message, status: .badRequest)
        }
        AuditNote.record("\(command.typeName) \(command.auditSubject)")
        if let refusal = command.refusal(for: Principal.current ?? .anonymous, in: node.store.current) {
            return format.error(refusal, status: .forbidden)
        }
        if let refusal = node.license.writeRefusal {
            return format.error(refusal, status: .forbidden)
        }
        do {
            let outcome = try await node.execute(command)
            if let problem = outcome.error {
                return format.reply(ExecuteReply(index: outcome.index, error: problem), status: .badRequest)
            }
            return format.reply(ExecuteReply(index: outcome.index, error: nil), status: .ok)
        } catch {
            return format.response(for: error, request: request, scheme: node.plugins.transport.scheme)
        }
    }

    func poll(_ request: Request) async -> Response {
        guard let indexText = request.uri.queryParameters.get("index") else {
            if request.uri.queryParameters.get("consistent") == "true" {
                do {
                    try await node.readBarrier()
                } catch {
                    return Self.response(for: error, request: request, scheme: node.plugins.transport.scheme)
                }
            }
            return await Self.metadata(node.store, for: request)
        }
        guard let index = UInt64(indexText) else {
            return JSONResponse.error("index: \"\(indexText)\" is not a non-negative integer", status: .badRequest)
        }
        let store = node.store
        let waiter = Task {
            await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    _ = await store.waitForChange(after: index)
                    return true
                }
                group.addTask {
                    try? await Task.sleep(for: Self.maximumPollWait)
                    return false
                }
                _ = await group.next()
                group.cancelAll()
            }
        }
        // A pending long poll must not hold up a graceful shutdown: answer with what we have.
        // Either way the answer is the newest metadata (never older than what woke the poll),
        // encoded once for every poll it wakes.
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await waiter.value
            } onCancel: {
                waiter.cancel()
            }
        } onGracefulShutdown: {
            waiter.cancel()
        }
        return await Self.metadata(store, for: request)
    }

    /// The store's metadata as JSON when the request accepts `application/json`, else as a
    /// protobuf `Data`, as InfluxDB's data nodes read it. Either is encoded once per change.
    static func metadata(_ store: MetaStore, for request: Request) async -> Response {
        if wantsJSON(request) { return JSONResponse.raw(await store.currentJSON()) }
        return Response(
            status: .ok,
            headers: [.contentType: "application/octet-stream"],
            body: ResponseBody(byteBuffer: await store.currentProtobuf())
        )
    }

    /// Whether the request's `Accept` header names `application/json`.
    static func wantsJSON(_ request: Request) -> Bool {
        request.headers[values: .accept].contains { $0.lowercased().contains("application/json") }
    }

    /// Maps a node error to its HTTP answer: `307` to the leader, `503` without one, ...
    static func response(for error: MetaNodeError, request: Request, scheme: String) -> Response {
        switch error.code {
        case .notLeader:
            let location = "\(scheme)://\(error.leaderHTTPAddress ?? "")\(request.uri.description)"
            var response = JSONResponse.error(error.message, status: .temporaryRedirect)
            response.headers[.location] = location
            return response
        case .noLeader:
            return JSONResponse.error("no leader", status: .serviceUnavailable)
        case .invalid:
            return JSONResponse.error(error.message, status: .badRequest)
        case .conflict:
            return JSONResponse.error(error.message, status: .conflict)
        case .badState:
            return JSONResponse.error(error.message, status: .internalServerError)
        case .timeout:
            return JSONResponse.error(error.message, status: .gatewayTimeout)
        default:
            return JSONResponse.error(error.message, status: .serviceUnavailable)
        }
    }
}

/// The body of `POST /execute`'s answer.
struct ExecuteReply: Codable, Sendable {
    var index: UInt64
    var error: String?

    /// `{"error":…,"index":N}` (no `error` when it is `nil`): what `JSONResponse.make` would
    /// write, without `Codable`, since every write answers with one.
    var json: [UInt8] {
        var writer = JSONWriter(escapingSlashes: false)
        writer.byte(UInt8(ascii: "{"))
        if let error {
            writer.raw(#""error":"#)
            writer.string(error)
            writer.byte(UInt8(ascii: ","))
        }
        writer.raw(#""index":"#)
        writer.number(index)
        writer.byte(UInt8(ascii: "}"))
        return writer.out
    }
}

/// Adds `X-Influxdb-Version` and `Request-Id` to every response.
struct CommonHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let version: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        response.headers[.init("X-Influxdb-Version")!] = version
        response.headers[.init("Request-Id")!] = RequestIdentifier.make()
        return response
    }
}
