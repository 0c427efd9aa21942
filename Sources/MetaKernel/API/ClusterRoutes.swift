import FoundationEssentials
public import Hummingbird

/// Membership routes: `POST /join` (add-meta), `POST /remove` (remove-meta, leave), and the
/// internal `POST /accept-join` and `POST /reset` a leader sends to the node it adds or removes,
/// and `POST /bootstrap-vote` / `/bootstrap-release` between fresh nodes (`bootstrap-expect`).
public struct ClusterRoutes: Sendable {
    let node: MetaNode

    /// Routes for `node`.
    public init(node: MetaNode) {
        self.node = node
    }

    /// Adds the routes to `router`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.post("/join") { request, _ in
            await handle(request, as: JoinRequest.self) { body throws(MetaNodeError) in try await node.join(body) }
        }
        router.post("/add-meta") { request, _ in
            await handle(request, as: JoinRequest.self) { body throws(MetaNodeError) in try await node.join(body) }
        }
        router.post("/remove") { request, _ in
            await handle(request, as: RemoveRequest.self) { body throws(MetaNodeError) in try await node.remove(body) }
        }
        router.post("/accept-join") { request, _ in
            await handle(request, as: AcceptJoinRequest.self) { body throws(MetaNodeError) in
                try await node.acceptJoin(body)
                return ["status": "joined"]
            }
        }
        router.post("/bootstrap-vote") { request, _ in
            await handle(request, as: BootstrapVoteRequest.self) { body throws(MetaNodeError) in
                try await node.bootstrapVote(body)
                return ["status": "granted"]
            }
        }
        router.post("/bootstrap-release") { request, _ in
            await handle(request, as: BootstrapVoteRequest.self) { body throws(MetaNodeError) in
                node.bootstrapRelease(body)
                return ["status": "released"]
            }
        }
        router.post("/reset") { request, _ in
            await handle(request, as: ResetRequest.self) { body throws(MetaNodeError) in
                try await node.reset(body)
                return ["status": "reset"]
            }
        }
    }

    private func handle<Body: Decodable & Sendable, Reply: Encodable>(
        _ request: Request,
        as type: Body.Type,
        _ action: (Body) async throws(MetaNodeError) -> Reply
    ) async -> Response {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: MetaRoutes.maximumBodySize)
        } catch {
            return JSONResponse.error(
                "request body is larger than \(MetaRoutes.maximumBodySize) bytes",
                status: .contentTooLarge
            )
        }
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: Data(buffer.readableBytesView))
        } catch {
            return JSONResponse.error("invalid request: \(DecodingErrorText.describe(error))", status: .badRequest)
        }
        do {
            return JSONResponse.make(try await action(body))
        } catch {
            return MetaRoutes.response(for: error, request: request, scheme: node.plugins.transport.scheme)
        }
    }
}
