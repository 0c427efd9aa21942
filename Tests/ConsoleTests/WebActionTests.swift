import Foundation
import Hummingbird
import Logging
import MetaKernel
import TestSupport
import Testing

@testable import Console

/// The console's actions against a real meta node with `auth-enabled = true`: a 401 asks for a
/// login, a wrong password is refused by the cluster, and the right one lets the actions through.
@Suite("web console actions on a real cluster", .serialized)
struct WebActionTests {
    @Test("create and drop a database through the confirmation step, logged in as a cluster user")
    func actions() async throws {
        try await WebAuthCluster.with(password: "rootpw") { node in try await Self.exercise(node) }
    }

    static func exercise(_ node: MetaProcess) async throws {

        let state = ConsoleState()
        var view = ClusterView(id: "1", name: "auth", firstSeen: Date())
        view.leader = node.httpAddress
        view.metaNodes = [.init(id: 1, httpAddress: node.httpAddress, raftAddress: node.raftAddress, isLeader: true)]
        await state.update(view)
        let router = Router()
        WebRoutes(
            state: state,
            connector: try ClusterConnector(configuration: .init(timeout: .seconds(10))),
            sessions: SessionStore(),
            templates: try ConsoleTemplates(),
            secureCookies: false,
            logger: Logger(label: "web-test")
        ) { _, _ in }
        .add(to: router)

        try await Application(router: router).testOverSockets { client in
            let page = try await client.execute(uri: "/clusters/1", method: .get)
            let (cookie, csrf) = try WebRouteTests.session(from: page)
            let headers = WebRouteTests.headers(cookie: cookie)
            func post(_ path: String, _ fields: [String: String]) async throws -> (HTTPResponse.Status, String) {
                var fields = fields
                fields["csrf"] = csrf
                let response = try await client.execute(
                    uri: path,
                    method: .post,
                    headers: headers,
                    body: WebRouteTests.form(fields)
                )
                return (response.status, String(buffer: response.body))
            }

            let anonymous = try await post("/clusters/1/actions", ["action": "create-database", "name": "web0"])
            #expect(anonymous.0 == .unauthorized)
            #expect(anonymous.1.contains(#"data-testid="login""#))
            #expect(await state.cluster("1")?.authRequired == true)

            let wrong = try await post("/clusters/1/login", ["username": "root", "password": "nope"])
            #expect(wrong.0 == .unauthorized)
            #expect(wrong.1.contains("The cluster refused that username or password."))

            let right = try await post("/clusters/1/login", ["username": "root", "password": "rootpw"])
            #expect(right.0 == .seeOther)

            let created = try await post("/clusters/1/actions", ["action": "create-database", "name": "web0"])
            #expect(created.0 == .ok)
            #expect(created.1.contains("Created database &quot;web0&quot;."))
            #expect(created.1.contains("Logged in to this cluster as <strong>root</strong>"))
            #expect(try await Self.databases(node).contains("web0"))

            let refused = try await post("/clusters/1/actions", ["action": "remove-meta", "address": "127.0.0.1:1"])
            #expect(refused.1.contains(#"<p class="message failed" data-testid="outcome">"#))

            let dropped = try await post("/clusters/1/actions", ["action": "drop-database", "name": "web0"])
            #expect(dropped.1.contains("Dropped database &quot;web0&quot;."))
            #expect(try await !Self.databases(node).contains("web0"))
        }
    }

    /// The databases `node` holds, read as the admin.
    static func databases(_ node: MetaProcess) async throws -> [String] {
        let basic = "Basic " + Data("root:rootpw".utf8).base64EncodedString()
        let client = MetaClient(configuration: .init(timeout: .seconds(5), authorization: { basic }))
        return try await client.get(node.httpAddress, "/").decode(MetaData.self).databases.map(\.name)
    }
}
