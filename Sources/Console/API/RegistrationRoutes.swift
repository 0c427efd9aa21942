import FoundationEssentials
public import Hummingbird
public import Logging
import NIOCore

/// The registration API of InfluxData's Enterprise client library, which meta nodes (and the
/// library itself) call:
///
/// | route | answer |
/// |---|---|
/// | `POST /api/v1/servers` | 201 `{}`; records the server and its cluster |
/// | `POST /api/v1/stats/{product}` | 204; keeps the server's latest stats |
/// | `POST /api/v1/usage/{product}` | 204; checked, not kept |
/// | any other `/api/v1/...` | 404 `{"error": ...}` |
///
/// With a token, a call without the right `X-Authorization` gets 401 `{"error": ...}`; a body
/// that is not JSON, has the wrong shape or is over 64 KiB gets 422 `{"errors": {field: [...]}}`.
/// A registration shows in ``ConsoleState`` at once, before any poll.
public struct RegistrationRoutes: Sendable {
    /// Largest request body read.
    public static let maximumBodySize = 64 << 10
    /// Longest string field accepted.
    static let maximumFieldLength = 256

    let registry: Registry
    let state: ConsoleState
    let token: TokenCheck?
    let logger: Logger

    /// Routes that record into `registry` and `state`; with a `token` (non-empty), every call
    /// must carry it as `X-Authorization`.
    public init(registry: Registry, state: ConsoleState, token: String?, logger: Logger) {
        self.registry = registry
        self.state = state
        self.token = token.flatMap { $0.isEmpty ? nil : TokenCheck(token: $0) }
        self.logger = logger
    }

    /// Adds the routes under `/api/v1` to `router`.
    public func add<Context: RequestContext>(to router: Router<Context>) {
        let api = router.group("api/v1")
        api.post("servers") { request, _ in
            await answer(request) { value in await servers(value) }
        }
        api.post("stats/:product") { request, context in
            let product = context.parameters.get("product") ?? ""
            return await answer(request) { value in await stats(value, product: product) }
        }
        api.post("usage/:product") { request, context in
            let product = context.parameters.get("product") ?? ""
            return await answer(request) { value in usage(value, product: product) }
        }
        api.on("**", method: .post) { request, _ in
            APIResponse.error("no such registration call: POST \(request.uri.path)", status: .notFound)
        }
        api.on("**", method: .get) { request, _ in
            APIResponse.error("no such registration call: GET \(request.uri.path)", status: .notFound)
        }
    }

    /// Checks the token, reads and parses the body, then runs `handle`.
    private func answer(_ request: Request, _ handle: (JSONValue) async -> Response) async -> Response {
        let presented = request.headers.first { $0.name.canonicalName == "x-authorization" }?.value
        if let token, !token.accepts(presented) {
            let presented = presented == nil ? "no" : "a wrong"
            logger.warning(
                "refused a registration call with \(presented) X-Authorization token",
                metadata: ["path": "\(request.uri.path)"]
            )
            return APIResponse.error(
                "\(presented) X-Authorization token: set registration-token to the console's -token",
                status: .unauthorized
            )
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maximumBodySize)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return APIResponse.invalid(["body": ["is larger than \(Self.maximumBodySize) bytes"]])
        } catch is NIOTooManyBytesError {
            return APIResponse.invalid(["body": ["is larger than \(Self.maximumBodySize) bytes"]])
        } catch {
            return APIResponse.invalid(["body": ["could not be read: \(error)"]])
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        } catch {
            return APIResponse.invalid(["body": ["is not JSON"]])
        }
        return await handle(value)
    }

    private func servers(_ value: JSONValue) async -> Response {
        var errors = ValidationErrors()
        let body = ServerBody(value, errors: &errors)
        guard errors.isEmpty else { return APIResponse.invalid(errors.fields) }
        let now = Date()
        do {
            let isNew = try await registry.registerServer(
                clusterID: body.clusterID,
                serverID: body.serverID,
                host: body.host,
                product: body.product,
                version: body.version,
                at: now
            )
            if isNew { logger.notice("cluster \(body.clusterID) registered", metadata: ["server": "\(body.serverID)"]) }
            logger.debug(
                "server registered",
                metadata: ["cluster": "\(body.clusterID)", "server": "\(body.serverID)", "host": "\(body.host)"]
            )
        } catch {
            logger.error("\(error.message)")
            return APIResponse.error(error.message, status: .internalServerError)
        }
        await showContact(clusterID: body.clusterID, at: now)
        return APIResponse.created
    }

    private func stats(_ value: JSONValue, product: String) async -> Response {
        var errors = ValidationErrors()
        let body = StatsBody(value, errors: &errors)
        if product.utf8.count > Self.maximumFieldLength {
            errors.add("product", "is longer than \(Self.maximumFieldLength) bytes")
        }
        guard errors.isEmpty else { return APIResponse.invalid(errors.fields) }
        let now = Date()
        do {
            let isNew = try await registry.recordStats(
                clusterID: body.clusterID,
                serverID: body.serverID,
                product: product,
                entries: body.entries,
                at: now
            )
            if isNew { logger.notice("cluster \(body.clusterID) registered", metadata: ["server": "\(body.serverID)"]) }
        } catch {
            logger.error("\(error.message)")
            return APIResponse.error(error.message, status: .internalServerError)
        }
        await showContact(clusterID: body.clusterID, at: now)
        return APIResponse.noContent
    }

    private func usage(_ value: JSONValue, product: String) -> Response {
        var errors = ValidationErrors()
        let body = UsageBody(value, errors: &errors)
        guard errors.isEmpty else { return APIResponse.invalid(errors.fields) }
        logger.debug("usage report", metadata: ["product": "\(product)", "entries": "\(body.count)"])
        return APIResponse.noContent
    }

    /// Shows the cluster in the state at once: one never polled successfully as its registry
    /// records say (nodes, leader, license from the stats), a polled one with its new last contact.
    private func showContact(clusterID: String, at now: Date) async {
        guard let cluster = try? await registry.cluster(clusterID),
            let servers = try? await registry.servers(clusterID: clusterID)
        else { return }
        let registered = ClusterView(registered: cluster, servers: servers)
        guard await state.cluster(clusterID) != nil else {
            await state.update(registered)
            return
        }
        await state.modify(clusterID) { view in
            if view.lastPoll == nil {
                // Never polled successfully (perhaps tried before any node had reported its
                // address): the registrations are all the console knows of the nodes.
                var fresh = registered
                fresh.health = view.health
                fresh.currentHealth = view.currentHealth
                fresh.pollError = view.pollError
                fresh.authRequired = view.authRequired
                view = fresh
            } else {
                view.lastContact = now
                view.name = cluster.name ?? cluster.id
                if registered.scheme != view.scheme && servers.contains(where: { $0.metaTag("scheme") != nil }) {
                    view.scheme = registered.scheme
                }
            }
        }
    }
}
