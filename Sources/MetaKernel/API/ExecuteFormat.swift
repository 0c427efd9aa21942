import Hummingbird

/// The form of a `POST /execute` exchange, chosen by the request's `Content-Type`: JSON
/// (``MetaCommand``'s JSON, answered `{"index":N}`), or protobuf (a `Command` of
/// `Protos/influxd_meta.proto`, answered `Response{OK, Error, Index}`, as InfluxDB's data nodes
/// speak). Every answer, refusals included, comes in the request's form.
enum ExecuteFormat {
    case json
    case protobuf

    /// The media types that select protobuf.
    static let protobufMediaTypes = ["application/octet-stream", "application/x-protobuf"]

    /// The form `request` uses.
    init(_ request: Request) {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        let mediaType = String(contentType.prefix { $0 != ";" }.filter { !$0.isWhitespace })
        self = Self.protobufMediaTypes.contains(mediaType) ? .protobuf : .json
    }

    /// The answer to a command that was applied (or refused by apply).
    func reply(_ reply: ExecuteReply, status: HTTPResponse.Status) -> Response {
        switch self {
        case .json: JSONResponse.raw(reply.json, status: status)
        case .protobuf: Self.protobufResponse(reply.protobuf, status: status)
        }
    }

    /// A refusal before the command was proposed.
    func error(_ message: String, status: HTTPResponse.Status) -> Response {
        switch self {
        case .json: JSONResponse.error(message, status: status)
        case .protobuf: Self.protobufResponse(ExecuteReply(index: 0, error: message).protobuf, status: status)
        }
    }

    /// A node error's answer (``MetaRoutes/response(for:request:scheme:)``); a redirect stays a
    /// redirect, so that the client re-sends the command to the leader.
    func response(for error: MetaNodeError, request: Request, scheme: String) -> Response {
        let response = MetaRoutes.response(for: error, request: request, scheme: scheme)
        guard self == .protobuf, response.status != .temporaryRedirect else { return response }
        return self.error(error.code == .noLeader ? "no leader" : error.message, status: response.status)
    }

    private static func protobufResponse(_ bytes: [UInt8], status: HTTPResponse.Status) -> Response {
        var buffer = ByteBuffer()
        buffer.writeBytes(bytes)
        return Response(
            status: status,
            headers: [.contentType: "application/octet-stream"],
            body: ResponseBody(byteBuffer: buffer)
        )
    }
}
