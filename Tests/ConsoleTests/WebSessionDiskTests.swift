import Foundation
import Hummingbird
import Logging
import MetaKernel
import TestSupport
import Testing

@testable import Console

/// A cluster login lives in the console's memory only: after logging in through the assembled
/// console (registry on disk, poller, real meta node with auth-enabled), no file in the console's
/// folder holds the password, the header made from it, or the session's cookie.
@Suite("web console sessions stay off disk", .serialized)
struct WebSessionDiskTests {
    static let password = "pw-4b1d-never-on-disk"

    @Test("a login is not written to the registry's files")
    func loginNotOnDisk() async throws {
        try await WebAuthCluster.with(password: Self.password) { node in try await Self.exercise(node) }
    }

    static func exercise(_ node: MetaProcess) async throws {
        let authorization = ClusterLogin.basic(username: "root", password: password)
        let status = try await MetaClient(configuration: .init(authorization: { authorization }))
            .get(node.httpAddress, "/status").decode(ClusterStatus.self)
        let clusterID = String(status.clusterID ?? 0)

        let folder = try makeTemporaryDirectory("console-sessions")
        let console = ConsoleApplication(
            configuration: .init(
                host: "127.0.0.1",
                port: 0,
                databasePath: "\(folder)/console.db",
                pollInterval: .milliseconds(200)
            ),
            logger: Logger(label: "console-test")
        )
        try await console.makeApplication().testOverSockets { client in
            let server =
                #"{"cluster_id":"\#(clusterID)","server_id":"1","host":"meta-1","product":"influxd-meta","version":"1"}"#
            let stats = """
                {"cluster_id":"\(clusterID)","server_id":"1","stats":[{"name":"meta_node","tags":{"host":"meta-1",\
                "http_addr":"\(node.httpAddress)","raft_addr":"\(node.raftAddress)","scheme":"http","version":"1"},\
                "values":{"leader":"\(node.raftAddress)","is_leader":true}}]}
                """
            let json: HTTPFields = [.contentType: "application/json"]
            let registered = try await client.execute(
                uri: "/api/v1/servers",
                method: .post,
                headers: json,
                body: ByteBuffer(string: server)
            )
            #expect(registered.status == .created)
            _ = try await client.execute(
                uri: "/api/v1/stats/influxd-meta",
                method: .post,
                headers: json,
                body: ByteBuffer(string: stats)
            )
            let page = try await client.execute(uri: "/clusters/\(clusterID)", method: .get)
            #expect(page.status == .ok)
            let (cookie, csrf) = try WebRouteTests.session(from: page)
            let login = try await client.execute(
                uri: "/clusters/\(clusterID)/login",
                method: .post,
                headers: WebRouteTests.headers(cookie: cookie),
                body: WebRouteTests.form(["csrf": csrf, "username": "root", "password": password])
            )
            #expect(login.status == .seeOther, "\(String(buffer: login.body))")
            let after = try await client.execute(
                uri: "/clusters/\(clusterID)",
                method: .get,
                headers: [.cookie: cookie]
            )
            #expect(String(buffer: after.body).contains("Logged in to this cluster as <strong>root</strong>"))

            let files = try FileManager.default.contentsOfDirectory(atPath: folder)
            var disk = Data()
            for file in files { disk += try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(file)")) }
            // The registry's files do hold the cluster: the search below reads what was written.
            #expect(disk.range(of: Data(node.httpAddress.utf8)) != nil)
            let cookieValue = String(cookie.split(separator: "=", maxSplits: 1)[1])
            for secret in [password, authorization, String(authorization.dropFirst(6)), cookieValue, csrf] {
                #expect(disk.range(of: Data(secret.utf8)) == nil, "\(secret) found in \(files)")
            }
        }
    }
}
