import Console
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TestSupport
import Testing

@Suite("RegistrationRoutes")
struct RegistrationRoutesTests {
    static let tokenField = HTTPField.Name("X-Authorization")!

    /// An application serving only the registration routes, with a fresh registry and state.
    static func application(token: String? = nil) throws -> (some ApplicationProtocol, Registry, ConsoleState) {
        let registry = try Registry(path: try makeTemporaryDirectory("routes") + "/console.db")
        let state = ConsoleState()
        let router = Router()
        RegistrationRoutes(registry: registry, state: state, token: token, logger: Logger(label: "test"))
            .add(to: router)
        return (Application(router: router), registry, state)
    }

    static func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    static let server = #"{"cluster_id":"42","server_id":"1","host":"h1","product":"influxd-meta","version":"1.2"}"#
    static let stats = #"""
        {"cluster_id":"42","server_id":"1","stats":[{"name":"meta_node",
         "tags":{"host":"h1","http_addr":"127.0.0.1:8091","raft_addr":"127.0.0.1:8089","scheme":"http","version":"1.2"},
         "values":{"leader":"127.0.0.1:8089","is_leader":true,"term":2,"license_mode":"license-key",
                   "license_status":"valid","license_days_left":30}}]}
        """#

    @Test("a registration answers 201 {} and the cluster shows in the state at once; stats answer 204")
    func registers() async throws {
        let (app, registry, state) = try Self.application()
        try await app.testOverSockets { client in
            try await client.execute(uri: "/api/v1/servers", method: .post, body: Self.body(Self.server)) {
                #expect($0.status == .created)
                #expect(String(buffer: $0.body) == "{}")
            }
            #expect(await state.cluster("42")?.metaNodes.map(\.host) == ["h1"])
            try await client.execute(uri: "/api/v1/stats/influxd-meta", method: .post, body: Self.body(Self.stats)) {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: "/api/v1/usage/influxd-meta", method: .post, body: Self.body("[]")) {
                #expect($0.status == .noContent)
            }
        }
        let view = try #require(await state.cluster("42"))
        #expect(view.leader == "127.0.0.1:8091")
        #expect(view.license == ClusterView.License(mode: "license-key", status: "valid", daysLeft: 30))
        #expect(try await registry.servers(clusterID: "42").first?.metaTag("raft_addr") == "127.0.0.1:8089")
        #expect(try await registry.servers(clusterID: "42").first?.product == "influxd-meta")
    }

    @Test("stats after a failed first poll (no address known yet) still give the view the node's address")
    func statsAfterFailedPoll() async throws {
        let (app, _, state) = try Self.application()
        try await app.testOverSockets { client in
            try await client.execute(uri: "/api/v1/servers", method: .post, body: Self.body(Self.server)) {
                #expect($0.status == .created)
            }
            // What the poller leaves when it polled before any stats: an error, no poll time.
            await state.modify("42") { $0.pollError = "no meta node address is known yet" }
            try await client.execute(uri: "/api/v1/stats/influxd-meta", method: .post, body: Self.body(Self.stats)) {
                #expect($0.status == .noContent)
            }
        }
        let view = try #require(await state.cluster("42"))
        #expect(view.metaNodes.map(\.httpAddress) == ["127.0.0.1:8091"])
        #expect(view.leader == "127.0.0.1:8091")
        #expect(view.pollError == "no meta node address is known yet")
    }

    @Test("with a token, a missing or wrong X-Authorization gets 401 {\"error\"} and nothing is stored")
    func tokenRequired() async throws {
        let (app, registry, state) = try Self.application(token: "s3cret")
        try await app.testOverSockets { client in
            for headers: HTTPFields in [[:], [Self.tokenField: "s3cre"], [Self.tokenField: "s3cret!"]] {
                try await client.execute(
                    uri: "/api/v1/servers",
                    method: .post,
                    headers: headers,
                    body: Self.body(Self.server)
                ) {
                    #expect($0.status == .unauthorized)
                    let answer = try JSONDecoder().decode(
                        [String: String].self,
                        from: Data(String(buffer: $0.body).utf8)
                    )
                    #expect(answer["error"]?.contains("X-Authorization") == true)
                }
            }
            #expect(try await registry.clusters().isEmpty)
            #expect(await state.clusters().isEmpty)
            try await client.execute(
                uri: "/api/v1/servers",
                method: .post,
                headers: [Self.tokenField: "s3cret"],
                body: Self.body(Self.server)
            ) { #expect($0.status == .created) }
        }
        #expect(try await registry.clusters().map(\.id) == ["42"])
    }

    @Test(
        "bad bodies get 422 {\"errors\":{field:[messages]}}",
        arguments: [
            ("/api/v1/servers", #"{"server_id":"1"}"#, "cluster_id", "is required"),
            ("/api/v1/servers", #"{"cluster_id":"","server_id":"1"}"#, "cluster_id", "is required"),
            ("/api/v1/servers", #"{"cluster_id":7,"server_id":"1"}"#, "cluster_id", "must be a string, not a number"),
            ("/api/v1/servers", #"{"cluster_id":"1"}"#, "server_id", "is required"),
            ("/api/v1/servers", "not json", "body", "is not JSON"),
            ("/api/v1/servers", "[]", "body", "must be a JSON object, not an array"),
            (
                "/api/v1/stats/influxd-meta", #"{"cluster_id":"1","server_id":"1","stats":{}}"#, "stats",
                "must be an array, not an object"
            ),
            (
                "/api/v1/stats/influxd-meta", #"{"cluster_id":"1","server_id":"1","stats":[{"tags":{}}]}"#, "stats",
                "entry 0 needs a name (a non-empty string)"
            ),
            (
                "/api/v1/stats/influxd-meta",
                #"{"cluster_id":"1","server_id":"1","stats":[{"name":"m","tags":{"a":1}}]}"#,
                "stats", "entry 0 (m): tag a must be a string, not a number"
            ),
            ("/api/v1/usage/influxd-meta", #"{"tags":{}}"#, "body", "must be a JSON array, not an object"),
        ]
    )
    func invalid(path: String, body: String, field: String, message: String) async throws {
        let (app, registry, _) = try Self.application()
        try await app.testOverSockets { client in
            try await client.execute(uri: path, method: .post, body: Self.body(body)) {
                #expect($0.status == .unprocessableContent)
                struct Answer: Decodable { var errors: [String: [String]] }
                let answer = try JSONDecoder().decode(Answer.self, from: Data(String(buffer: $0.body).utf8))
                #expect(answer.errors[field] == [message])
            }
        }
        #expect(try await registry.clusters().isEmpty)
    }

    @Test("a body over 64 KiB gets 422 naming the cap; an unknown call gets 404 {\"error\"}")
    func capsAndUnknownPaths() async throws {
        let (app, _, _) = try Self.application()
        try await app.testOverSockets { client in
            let padding = String(repeating: "x", count: RegistrationRoutes.maximumBodySize)
            let large = #"{"cluster_id":"1","server_id":"1","host":"\#(padding)"}"#
            try await client.execute(uri: "/api/v1/servers", method: .post, body: Self.body(large)) {
                #expect($0.status == .unprocessableContent)
                #expect(String(buffer: $0.body).contains("is larger than 65536 bytes"))
            }
            try await client.execute(uri: "/api/v1/clusters/1", method: .post, body: Self.body("{}")) {
                #expect($0.status == .notFound)
                let answer = try JSONDecoder().decode([String: String].self, from: Data(String(buffer: $0.body).utf8))
                #expect(answer["error"] == "no such registration call: POST /api/v1/clusters/1")
            }
        }
    }
}
