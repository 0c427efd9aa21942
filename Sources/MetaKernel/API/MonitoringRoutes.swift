public import Hummingbird

/// Monitoring routes: `GET /metrics` (Prometheus text format), `GET /health` and `GET /readyz`
/// (etcd's shape: 200 `{"health":"true"}`, or 503 `{"health":"false","reason":…}`).
/// The rules are ``MetaNode/unhealthyReason()`` and ``MetaNode/unreadyReason()``.
public struct MonitoringRoutes: Sendable {
    let node: MetaNode

    /// Routes for `node`.
    public init(node: MetaNode) {
        self.node = node
    }

    /// Adds the routes to `router`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/metrics") { _, _ in
            var buffer = ByteBuffer()
            buffer.writeBytes(await node.metricsExposition())
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: buffer)
            )
        }
        router.get("/health") { _, _ in Self.probe(await node.unhealthyReason()) }
        router.get("/readyz") { _, _ in Self.probe(await node.unreadyReason()) }
    }

    static func probe(_ reason: String?) -> Response {
        guard let reason else { return JSONResponse.make(["health": "true"]) }
        return JSONResponse.make(["health": "false", "reason": reason], status: .serviceUnavailable)
    }
}
