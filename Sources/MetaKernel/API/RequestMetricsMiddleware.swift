public import Hummingbird

/// Counts every answered request in `influxdb_meta_http_requests_total`, labelled by the route
/// pattern the router matched (`unmatched` otherwise) so that raw paths cannot grow the label set.
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: MetaMetrics

    /// Counts into `metrics`.
    public init(metrics: MetaMetrics) {
        self.metrics = metrics
    }

    /// Runs the request and counts its status, thrown errors included.
    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let method = request.method.rawValue
        do {
            let response = try await next(request, context)
            metrics.requestAnswered(route: Self.route(context), method: method, code: response.status.code)
            return response
        } catch {
            let code = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.requestAnswered(route: Self.route(context), method: method, code: code)
            throw error
        }
    }

    /// The matched pattern; Hummingbird's not-found responder sets `NotFound`, counted as `unmatched`.
    static func route(_ context: Context) -> String {
        guard let path = context.endpointPath, path.hasPrefix("/") else { return "unmatched" }
        return path
    }
}
