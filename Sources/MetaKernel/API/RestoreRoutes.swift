public import Hummingbird
import HummingbirdCore

/// `POST /restore` (`influxd-ctl restore -meta-only-overwrite-force`): the body is a backup's
/// protobuf `Data`; the leader proposes it as one `set-data` command (``MetaData/restore(_:)``
/// says what is kept and what is replaced) and answers `{"index":N}` once it is applied.
/// Admins (or node tokens) only. Its body limit is ``maximumBodySize``, not `/execute`'s 1 MiB.
public struct RestoreRoutes: Sendable {
    /// Largest backup accepted: 100,000 databases take about 6 MiB.
    public static let maximumBodySize = 1 << 30

    let node: MetaNode

    /// Routes for `node`.
    public init(node: MetaNode) {
        self.node = node
    }

    /// Adds the route to `router`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.post("/restore") { request, _ in await restore(request) }
    }

    func restore(_ request: Request) async -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maximumBodySize)
        } catch {
            return JSONResponse.error(
                "request body is larger than \(Self.maximumBodySize) bytes",
                status: .contentTooLarge
            )
        }
        let backup: MetaData
        do {
            backup = try body.withUnsafeReadableBytes { raw throws(ProtobufError) in try MetaDataProtobuf.decode(raw) }
        } catch {
            return JSONResponse.error("backup is not a metadata backup: \(error)", status: .badRequest)
        }
        AuditNote.record("set-data cluster \(backup.clusterID) at index \(backup.index)")
        if let refusal = (Principal.current ?? .anonymous).adminRefusal {
            return JSONResponse.error(refusal, status: .forbidden)
        }
        if let refusal = node.license.writeRefusal {
            return JSONResponse.error(refusal, status: .forbidden)
        }
        do {
            let outcome = try await node.execute(.setData(backup))
            if let problem = outcome.error {
                return JSONResponse.error(problem, status: .badRequest)
            }
            return JSONResponse.raw(Array(#"{"index":\#(outcome.index)}"#.utf8))
        } catch {
            return MetaRoutes.response(for: error, request: request, scheme: node.plugins.transport.scheme)
        }
    }
}
