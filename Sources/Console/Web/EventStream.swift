import Hummingbird
import ServiceLifecycle

/// `GET /clusters/{id}/events`: server-sent events carrying the cluster's panel, re-rendered on
/// each change of its ``ClusterView`` (and once at the start, so nothing between the page's load
/// and the subscription is missed). The stream ends when the console shuts down gracefully.
struct EventStream: Sendable {
    let state: ConsoleState
    let templates: ConsoleTemplates
    let clusterID: String
    /// The browser session's form token, for the panel's buttons.
    let csrf: String

    /// The streaming response.
    func response() -> Response {
        var headers = WebResponse.securityHeaders
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        let body = ResponseBody { writer in
            let changes = await state.changes()
            // Browsers reconnect after `retry` milliseconds when the stream breaks.
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            if let view = await state.cluster(clusterID) { try await writer.write(event(view)) }
            for await id in changes.cancelOnGracefulShutdown() where id == clusterID {
                guard let view = await state.cluster(clusterID) else { continue }
                try await writer.write(event(view))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// One `panel` event: the rendered panel, a `data:` line per line of HTML.
    func event(_ view: ClusterView) -> ByteBuffer {
        ByteBuffer(
            string: Self.frame(event: "panel", templates.render(ClusterPanel(view, csrf: csrf), template: "panel"))
        )
    }

    /// `event: NAME`, then `data: LINE` for each line of `data`, then a blank line. CR, LF and
    /// CRLF all end a line, as they do for the browser's parser, so no text can start a field.
    static func frame(event: String, _ data: String) -> String {
        var text = "event: \(event)\n"
        let lines = data.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        for line in lines {
            text += "data: \(line)\n"
        }
        return text + "\n"
    }
}
