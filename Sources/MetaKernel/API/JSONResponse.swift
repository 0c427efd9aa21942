import FoundationEssentials
import Hummingbird

/// Helpers that build the meta API's JSON responses.
enum JSONResponse {
    /// `value` as JSON with the given status.
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else {
            return error("cannot encode response", status: .internalServerError)
        }
        return raw(data, status: status)
    }

    /// Already-encoded JSON in a buffer (shared, not copied).
    static func raw(_ buffer: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: buffer)
        )
    }

    /// Already-encoded JSON.
    static func raw(_ data: some Sequence<UInt8>, status: HTTPResponse.Status = .ok) -> Response {
        var buffer = ByteBuffer()
        buffer.writeBytes(data)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: buffer)
        )
    }

    /// `{"error": message}`.
    static func error(_ message: String, status: HTTPResponse.Status) -> Response {
        make(["error": message], status: status)
    }
}
