import Glibc
public import Hummingbird
public import Logging

/// `[meta] cluster-tracing = true`: one line per API request, in the Common Log Format that
/// InfluxDB's HTTP access log uses, followed by the request id and the time taken:
/// `127.0.0.1 - - [06/Dec/2026:01:02:03 +0000] "GET /status HTTP/1.1" 200 - "-" "curl/8.0" <id> 412us`.
/// Bodies are never logged (they may carry passwords).
public struct ClusterTracingMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let logger: Logger

    /// Logs through `logger` at info level.
    public init(logger: Logger) {
        self.logger = logger
    }

    /// Passes the request on, then logs it with the status of the answer (500 for an error).
    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context: context, status: response.status.code, response: response.headers, since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            log(request, context: context, status: status, response: [:], since: start)
            throw error
        }
    }

    private func log(
        _ request: Request,
        context: Context,
        status: Int,
        response: HTTPFields,
        since start: ContinuousClock.Instant
    ) {
        let elapsed = ContinuousClock.now - start
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        let host = context.remoteAddress?.ipAddress ?? "-"
        let size = response[.contentLength] ?? "-"
        let referer = request.headers[.referer] ?? "-"
        let agent = request.headers[.userAgent] ?? "-"
        let id = response[.init("Request-Id")!] ?? "-"
        logger.info(
            "\(host) - - [\(Self.timestamp())] \"\(request.method) \(Self.redacted(request.uri.description)) HTTP/1.1\" \(status) \(size) \"\(referer)\" \"\(agent)\" \(id) \(micros)us"
        )
    }

    /// The URI with the value of a `p` query parameter (a password, as basic auth's
    /// alternative) replaced by `[REDACTED]`.
    static func redacted(_ text: String) -> String {
        guard let question = text.firstIndex(of: "?") else { return text }
        let query = text[text.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false).map {
            $0.hasPrefix("p=") ? "p=[REDACTED]" : String($0)
        }
        return text[..<question] + "?" + query.joined(separator: "&")
    }

    /// The time now as `06/Dec/2026:01:02:03 +0000`.
    static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 40)
        let length = strftime(&buffer, buffer.count, "%d/%b/%Y:%H:%M:%S +0000", &parts)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
