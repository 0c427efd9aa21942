import Foundation
import Hummingbird
import Logging
import Synchronization
import Testing

@testable import Console

@Suite("web console routes")
struct WebRouteTests {
    /// Names `/start` saved, in order.
    final class Renames: Sendable {
        let names = Mutex<[String]>([])
    }

    static func application(
        state: ConsoleState,
        renames: Renames = Renames(),
        secure: Bool = false
    ) throws -> some ApplicationProtocol {
        let router = Router()
        WebRoutes(
            state: state,
            connector: try ClusterConnector(configuration: .init()),
            sessions: SessionStore(),
            templates: try ConsoleTemplates(),
            secureCookies: secure,
            logger: Logger(label: "web-test")
        ) { id, name in renames.names.withLock { $0.append("\(id)=\(name)") } }
        .add(to: router)
        return Application(router: router)
    }

    /// The session cookie (`name=value`) and the form token a page handed out.
    static func session(from response: SocketTestResponse) throws -> (cookie: String, csrf: String) {
        let header = try #require(response.headers[.setCookie])
        let cookie = try #require(header.split(separator: ";").first.map(String.init))
        let body = String(buffer: response.body)
        let marker = #"name="csrf" value=""#
        let start = try #require(body.range(of: marker)).upperBound
        let csrf = String(body[start...].prefix { $0 != "\"" })
        return (cookie, csrf)
    }

    static func form(_ fields: [String: String]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let text = fields.sorted { $0.key < $1.key }.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }
        return ByteBuffer(string: text.joined(separator: "&"))
    }

    static func headers(cookie: String?) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = cookie }
        return headers
    }

    @Test("a page starts a session: cookie HttpOnly, SameSite=Strict, Path=/, Secure only over HTTPS")
    func sessionCookie() async throws {
        let state = ConsoleState()
        await state.update(WebFixtures.cluster())
        for secure in [false, true] {
            try await Self.application(state: state, secure: secure).testOverSockets { client in
                try await client.execute(uri: "/clusters/4242", method: .get) { response in
                    #expect(response.status == .ok)
                    let cookie = try #require(response.headers[.setCookie])
                    #expect(cookie.hasPrefix("influx_console_session="))
                    #expect(cookie.contains("HttpOnly"))
                    #expect(cookie.contains("SameSite=Strict"))
                    #expect(cookie.contains("Path=/"))
                    #expect(cookie.contains("Secure") == secure)
                    #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
                }
            }
        }
    }

    @Test("a form without the session's token is refused with 403; with it, the confirmation page answers")
    func csrf() async throws {
        let state = ConsoleState()
        await state.update(WebFixtures.cluster())
        try await Self.application(state: state).testOverSockets { client in
            let page = try await client.execute(uri: "/clusters/4242", method: .get)
            let (cookie, csrf) = try Self.session(from: page)
            // Another browser's token does not pass with this browser's cookie.
            let (_, otherToken) = try Self.session(from: try await client.execute(uri: "/clusters/4242", method: .get))
            let fields = ["action": "create-database", "name": "db0"]
            let attempts: [(String?, String?)] = [
                (nil, nil), (nil, csrf), (cookie, nil), (cookie, (csrf.hasPrefix("0") ? "1" : "0") + csrf.dropFirst()),
                (cookie, otherToken),
            ]
            for (sentCookie, sentToken) in attempts {
                var body = fields
                if let sentToken { body["csrf"] = sentToken }
                for path in ["/clusters/4242/confirm", "/clusters/4242/actions"] {
                    try await client.execute(
                        uri: path,
                        method: .post,
                        headers: Self.headers(cookie: sentCookie),
                        body: Self.form(body)
                    ) { response in
                        #expect(
                            response.status == .forbidden,
                            "\(path) cookie \(sentCookie != nil) token \(sentToken ?? "-")"
                        )
                        #expect(String(buffer: response.body).contains("Form refused"))
                    }
                }
            }
            var body = fields
            body["csrf"] = csrf
            try await client.execute(
                uri: "/clusters/4242/confirm",
                method: .post,
                headers: Self.headers(cookie: cookie),
                body: Self.form(body)
            ) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains(#"data-testid="confirm""#))
                #expect(html.contains(#"<input type="hidden" name="name" value="db0">"#))
            }
        }
    }

    @Test("/start names a registered cluster through the registry and shows the name; an unknown id is 404")
    func start() async throws {
        let state = ConsoleState()
        await state.update(WebFixtures.cluster(name: "4242"))
        let renames = Renames()
        try await Self.application(state: state, renames: renames).testOverSockets { client in
            try await client.execute(uri: "/start?cluster_id=77&product=influxd-meta", method: .get) { response in
                #expect(response.status == .notFound)
            }
            let page = try await client.execute(uri: "/start?cluster_id=4242&product=influxd-meta", method: .get)
            #expect(page.status == .ok)
            let (cookie, csrf) = try Self.session(from: page)
            try await client.execute(
                uri: "/start",
                method: .post,
                headers: Self.headers(cookie: cookie),
                body: Self.form([
                    "csrf": csrf, "cluster_id": "4242", "product": "influxd-meta", "name": "eu-west",
                    "redirect_url": "//evil.example/",
                ])
            ) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/clusters/4242")
            }
            #expect(renames.names.withLock { $0 } == ["4242=eu-west"])
            #expect(await state.cluster("4242")?.name == "eu-west")
            try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { response in
                #expect(String(buffer: response.body).contains(">eu-west</a>"))
            }
        }
    }

    @Test("only paths on the console are followed after /start")
    func localPath() {
        #expect(WebRoutes.localPath("/clusters/1") == "/clusters/1")
        #expect(WebRoutes.localPath("//evil.example/") == nil)
        #expect(WebRoutes.localPath("https://evil.example/") == nil)
        #expect(WebRoutes.localPath("/\\evil.example") == nil)
        #expect(WebRoutes.localPath(nil) == nil)
    }

    @Test("the static files are served with their media types")
    func staticFiles() async throws {
        try await Self.application(state: ConsoleState()).testOverSockets { client in
            try await client.execute(uri: "/static/console.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(String(buffer: response.body).contains("EventSource"))
            }
            try await client.execute(uri: "/static/console.css", method: .get) { response in
                #expect(response.headers[.contentType] == "text/css; charset=utf-8")
            }
            try await client.execute(uri: "/static/cluster.mustache", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
