import FoundationEssentials
import Hummingbird

/// The registration API's answers, in the shapes InfluxData's client library reads.
enum APIResponse {
    /// `value` as JSON with `status`.
    static func json(_ value: some Encodable, status: HTTPResponse.Status) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bytes = (try? encoder.encode(value)).map { Array($0) } ?? Array(#"{"error":"cannot encode answer"}"#.utf8)
        var buffer = ByteBuffer()
        buffer.writeBytes(bytes)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: buffer)
        )
    }

    /// `{"error": message}` (401, 404, 500).
    static func error(_ message: String, status: HTTPResponse.Status) -> Response {
        json(["error": message], status: status)
    }

    /// 422 `{"errors": {field: [message, ...]}}`.
    static func invalid(_ errors: [String: [String]]) -> Response {
        json(["errors": errors], status: .unprocessableContent)
    }

    /// 201 `{}`.
    static var created: Response { json([String: String](), status: .created) }

    /// 204, no body.
    static var noContent: Response { Response(status: .noContent) }
}
