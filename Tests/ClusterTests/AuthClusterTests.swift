import Foundation
import MetaKernel
import TestSupport
import Testing

/// `auth-enabled = true` through the built binaries on three nodes: the first-admin rule,
/// every route without credentials, with a user lacking the permission and with the right one,
/// node-only routes, tokens, redirects with credentials, and the audit log.
@Suite("API authentication", .serialized)
struct AuthClusterTests {
    static let authConfig = """
        auth-enabled = true
        shared-secret = "users' secret"
        internal-shared-secret = "nodes' secret"
        raft-portal-auth-required = true
        """

    /// A client that sends `authorization` on every request (and after every redirect).
    static func client(_ authorization: String?, redirects: Int = 3) -> MetaClient {
        var configuration = MetaClient.Configuration(timeout: .seconds(10), maximumRedirects: redirects)
        if let authorization { configuration.authorization = { authorization } }
        return MetaClient(configuration: configuration)
    }

    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    static func json(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Forms the cluster with node tokens (influxd-ctl -config), then creates the first admin.
    static func formCluster() async throws -> TestCluster {
        let cluster = try TestCluster(count: 3, metaExtraConfig: authConfig)
        try await cluster.startAll()
        let first = cluster.nodes[0]
        for node in cluster.nodes {
            try await cluster.ctl(first, ["-config", first.configPath, "join", node.httpAddress]).expectSuccess()
        }
        return cluster
    }

    @Test("the first admin, then 401 without credentials, 403 without the permission, 2xx with it")
    func routes() async throws {
        let cluster = try await Self.formCluster()
        let leader = try await eventually("a leader") {
            for node in cluster.nodes {
                let reply = try await Self.client(nil).get(node.httpAddress, "/ping")
                if let leader = cluster.nodes.first(where: { "127.0.0.1:\($0.raftPort)" == reply.text }) {
                    return leader
                }
            }
            return nil
        }
        let anonymous = Self.client(nil)

        // First-admin rule: before an admin exists, only creating one is allowed.
        let early = try await anonymous.get(leader.httpAddress, "/status")
        #expect(early.status == 400 && early.errorMessage == "must create admin user first")
        let notAdmin = try await anonymous.post(
            leader.httpAddress,
            "/user",
            json: Self.json(#"{"action":"create","user":{"name":"eve","password":"pw"}}"#)
        )
        #expect(notAdmin.status == 400 && notAdmin.errorMessage?.hasPrefix("must create admin user first") == true)
        let created = try await cluster.ctl(leader, ["user", "create", "root", "-password", "rootpw", "-admin"])
        created.expectSuccess()
        #expect(created.stdout == "Created user root (admin)\n")
        let again = try await anonymous.post(
            leader.httpAddress,
            "/user",
            json: Self.json(#"{"action":"create","user":{"name":"eve","password":"pw","admin":true}}"#)
        )
        #expect(again.status == 401)

        let admin = ["-auth-type", "basic", "-user", "root", "-pwd", "rootpw"]
        try await cluster.ctl(leader, admin + ["user", "create", "nobody", "-password", "npw"]).expectSuccess()
        try await cluster.ctl(leader, admin + ["user", "create", "ops", "-password", "opw"]).expectSuccess()
        try await cluster.ctl(
            leader,
            admin + ["user", "grant", "ops", "CreateDatabase", "DropDatabase", "AddRemoveNode"]
        )
        .expectSuccess()
        let listed = try await cluster.ctl(leader, admin + ["user", "list"])
        #expect(listed.stdout.contains("ops      false   (cluster): AddRemoveNode, CreateDatabase, DropDatabase"))
        #expect(!listed.stdout.contains("opw") && !leader.log.contains("opw"))

        let nobody = Self.client(Self.basic("nobody", "npw"))
        let ops = Self.client(Self.basic("ops", "opw"))
        let root = Self.client(Self.basic("root", "rootpw"))
        let target = leader.httpAddress
        typealias Call = (method: String, path: String, body: String)
        let calls: [Call] = [
            ("GET", "/status", ""), ("GET", "/debug/vars", ""), ("GET", "/show-cluster", ""), ("GET", "/peers", ""),
            ("GET", "/", ""), ("GET", "/user", ""), ("GET", "/role", ""),
            ("POST", "/execute", #"{"type":"create-database","name":"db0"}"#),
            ("POST", "/join", #"{"addr":"\#(cluster.nodes[2].httpAddress)"}"#),
            ("POST", "/add-meta", #"{"addr":"\#(cluster.nodes[2].httpAddress)"}"#),
            ("POST", "/remove", #"{"httpAddr":"\#(cluster.nodes[2].httpAddress)","force":false}"#),
            ("POST", "/accept-join", #"{"id":9,"clusterID":1,"raftAddr":"x:1","httpAddr":"x:2"}"#),
            ("POST", "/reset", #"{"id":2,"clusterID":1}"#),
            ("POST", "/user", #"{"action":"create","user":{"name":"x","password":"y"}}"#),
            ("POST", "/role", #"{"action":"create","role":{"name":"r"}}"#),
        ]
        func send(_ client: MetaClient, _ call: Call) async throws -> MetaClient.Reply {
            call.method == "GET"
                ? try await client.get(target, call.path)
                : try await client.post(target, call.path, json: Self.json(call.body))
        }
        for call in calls {
            let reply = try await send(anonymous, call)
            #expect(
                reply.status == 401,
                "\(call.method) \(call.path) without credentials: \(reply.status) \(reply.text)"
            )
        }
        // Reads of the cluster's shape need only a user; everything else needs a permission.
        let openToUsers: Set<String> = ["/status", "/debug/vars", "/show-cluster", "/peers"]
        for call in calls {
            let reply = try await send(nobody, call)
            let expected = openToUsers.contains(call.path) ? 200 : 403
            #expect(reply.status == expected, "\(call.method) \(call.path) as nobody: \(reply.status) \(reply.text)")
            if expected == 403 { #expect(reply.errorMessage?.isEmpty == false) }
        }
        #expect(
            try await send(nobody, calls[7]).errorMessage
                == "user \"nobody\" lacks permission CreateDatabase on database \"db0\" (an admin can grant it: influxd-ctl user grant -db db0 nobody CreateDatabase)"
        )

        // The right permission: databases and membership as ops, users and the metadata as root.
        #expect(try await send(ops, calls[7]).status == 200)
        let drop = try await ops.post(target, "/execute", json: Self.json(#"{"type":"drop-database","name":"db0"}"#))
        #expect(drop.status == 200)
        #expect(try await send(root, calls[4]).status == 200)
        #expect(try await send(root, calls[5]).status == 200)
        #expect(try await send(root, calls[13]).status == 200)
        #expect(try await send(root, calls[14]).status == 200)
        #expect(try await send(ops, calls[8]).status == 200)  // already a member: nothing to do
        let third = try #require(cluster.nodes.last { $0 !== leader })
        let removed = try await cluster.ctl(
            leader,
            ["-auth-type", "basic", "-user", "ops", "-pwd", "opw", "remove-meta", "-y", third.httpAddress]
        )
        removed.expectSuccess()
        let readded = try await cluster.ctl(
            leader,
            ["-auth-type", "basic", "-user", "ops", "-pwd", "opw", "join", third.httpAddress]
        )
        readded.expectSuccess()
        #expect(readded.stdout.hasPrefix("Added meta node"))

        // Node-only routes refuse every user, admins included, and the refusals are audited.
        let forged = try await root.post(target, "/accept-join", json: Self.json(calls[11].body))
        #expect(forged.status == 403)
        #expect(forged.errorMessage?.contains("internal-shared-secret") == true)
        let audit = try await eventually("the audit lines") {
            let lines = leader.log.split(separator: "\n").filter { $0.contains(" audit") }
            let refused = lines.filter { $0.contains("what=POST /accept-join") && $0.contains("refused=true") }
            let database = lines.filter { $0.contains(#"what=POST /execute create-database "db0""#) }
            return refused.count >= 3 && database.contains(where: { $0.contains(#"who=user "ops""#) }) ? lines : nil
        }
        #expect(audit.contains { $0.contains("what=POST /remove \(third.httpAddress)") && $0.contains("result=200") })
        #expect(audit.contains { $0.contains("from=127.0.0.1") })
        // A wrong password is audited with the name it claimed.
        #expect(try await Self.client(Self.basic("ops", "guess")).get(target, "/status").status == 401)
        _ = try await eventually("the failed login in the audit log") {
            leader.log.contains(#"who=unauthenticated (claiming "ops")"#) ? true : nil
        }
        await cluster.stopAll()
    }

    @Test("bearer tokens: shared-secret for users, expiry, a wrong secret; redirects keep credentials")
    func tokensAndRedirects() async throws {
        let cluster = try await Self.formCluster()
        let node = cluster.nodes[0]
        try await cluster.ctl(node, ["user", "create", "root", "-password", "rootpw", "-admin"]).expectSuccess()

        let token = try await runCommand(
            Binaries.ctl,
            ["-auth-type", "jwt", "-secret", "users' secret", "-user", "root", "token"]
        )
        token.expectSuccess()
        let bearer = Self.client("Bearer " + token.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(try await bearer.get(node.httpAddress, "/user").status == 200)

        let wrong = try await cluster.ctl(node, ["-auth-type", "jwt", "-secret", "not it", "-user", "root", "show"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr == "show: operation exited with error: signature is invalid\n")
        // A user's name with the nodes' secret is not a user token.
        let crossed = try await cluster.ctl(
            node,
            ["-auth-type", "jwt", "-secret", "nodes' secret", "-user", "root", "show"]
        )
        #expect(crossed.stderr.contains("signature is invalid"))

        let short = try await runCommand(
            Binaries.ctl,
            ["-auth-type", "jwt", "-secret", "users' secret", "-user", "root", "token", "-exp", "1s"]
        )
        let expiring = Self.client("Bearer " + short.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let expired = try await eventually("the token to expire", timeout: .seconds(5)) {
            let reply = try await expiring.get(node.httpAddress, "/status")
            return reply.status == 401 ? reply : nil
        }
        #expect(expired.errorMessage == "token is expired")
        #expect(
            try await runCommand(Binaries.ctl, ["token"]).stderr
                == "token: tokens can only be created when using bearer authentication\n"
        )

        // A write sent to a follower: 307 to the leader, and the client sends its credentials again.
        let root = Self.basic("root", "rootpw")
        let leaderRaft = try await Self.client(root).get(node.httpAddress, "/status").decode(ClusterStatus.self).leader
        let follower = try #require(cluster.nodes.first { "127.0.0.1:\($0.raftPort)" != leaderRaft })
        let body = Self.json(#"{"type":"create-database","name":"redirected"}"#)
        let redirect = try await Self.client(root, redirects: 0).post(follower.httpAddress, "/execute", json: body)
        #expect(redirect.status == 307)
        let followed = try await Self.client(root).post(follower.httpAddress, "/execute", json: body)
        #expect(followed.status == 200, "\(followed.text)")
        let viaCtl = try await cluster.ctl(
            follower,
            [
                "-auth-type", "basic", "-user", "root", "-pwd", "rootpw", "user", "create", "viaFollower", "-password",
                "p",
            ]
        )
        viaCtl.expectSuccess()
        await cluster.stopAll()
    }

    @Test("a new password, a dropped user and role membership take effect at once, despite the cache")
    func changesTakeEffect() async throws {
        let cluster = try TestCluster(count: 1, metaExtraConfig: Self.authConfig)
        try await cluster.startAll()
        let node = cluster.nodes[0]
        try await cluster.ctl(node, ["-config", node.configPath, "join", node.httpAddress]).expectSuccess()
        try await cluster.ctl(node, ["user", "create", "root", "-password", "rootpw", "-admin"]).expectSuccess()
        let admin = ["-auth-type", "basic", "-user", "root", "-pwd", "rootpw"]
        try await cluster.ctl(node, admin + ["user", "create", "bob", "-password", "old"]).expectSuccess()
        let create = Self.json(#"{"type":"create-database","name":"b"}"#)
        let before = try await Self.client(Self.basic("bob", "old")).post(node.httpAddress, "/execute", json: create)
        #expect(before.status == 403)  // authenticated (and now cached), but without the permission

        try await cluster.ctl(node, admin + ["role", "create", "dbas"]).expectSuccess()
        try await cluster.ctl(node, admin + ["role", "grant", "dbas", "CreateDatabase"]).expectSuccess()
        let added = try await cluster.ctl(node, admin + ["role", "add-user", "dbas", "bob"])
        #expect(added.stdout == "Added bob to role dbas\n")
        let roles = try await cluster.ctl(node, admin + ["role", "list"])
        #expect(
            roles.stdout == "Roles\n==========\nName   Users   Permissions\ndbas   bob     (cluster): CreateDatabase\n"
        )
        let granted = try await Self.client(Self.basic("bob", "old")).post(node.httpAddress, "/execute", json: create)
        #expect(granted.status == 200, "\(granted.text)")
        try await cluster.ctl(node, admin + ["role", "remove-user", "dbas", "bob"]).expectSuccess()
        let revoked = try await Self.client(Self.basic("bob", "old")).post(node.httpAddress, "/execute", json: create)
        #expect(revoked.status == 403)

        let changed = try await cluster.ctl(node, admin + ["user", "password", "bob", "-password", "new"])
        #expect(changed.stdout == "Changed password of user bob\n")
        #expect(try await Self.client(Self.basic("bob", "old")).get(node.httpAddress, "/status").status == 401)
        #expect(try await Self.client(Self.basic("bob", "new")).get(node.httpAddress, "/status").status == 200)
        try await cluster.ctl(node, admin + ["user", "drop", "bob"]).expectSuccess()
        #expect(try await Self.client(Self.basic("bob", "new")).get(node.httpAddress, "/status").status == 401)
        let last = try await cluster.ctl(node, admin + ["user", "drop", "root"])
        #expect(last.stderr.contains("it is the last admin user"))
        #expect(!node.log.contains("rootpw") && !node.log.contains("\"new\""))
        await cluster.stopAll()
    }

    @Test("over TLS: nodes join with their tokens, users authenticate, wrong passwords are refused")
    func overTLS() async throws {
        let dir = try makeTemporaryDirectory("auth-tls")
        let (cert, key) = try await makeSelfSignedCertificate(in: dir, name: "meta")
        let cluster = try TestCluster(
            count: 2,
            metaExtraConfig: Self.authConfig
                + "\nhttps-enabled = true\nhttps-certificate = \"\(cert)\"\nhttps-private-key = \"\(key)\"\n"
        )
        for node in cluster.nodes { try node.start() }
        let first = cluster.nodes[0]
        let config = ["-config", first.configPath]
        for node in cluster.nodes {
            _ = try await eventually("\(node.httpAddress) to join over TLS") {
                let result = try await cluster.ctl(first, config + ["join", node.httpAddress])
                return result.status == 0 ? result : nil
            }
        }
        // The first admin needs no credentials; the node token ctl sends from -config is accepted too.
        try await cluster.ctl(first, config + ["user", "create", "root", "-password", "pw", "-admin"]).expectSuccess()
        let user = config + ["-auth-type", "basic", "-user", "root"]
        try await cluster.ctl(cluster.nodes[1], user + ["-pwd", "pw", "user", "create", "bob", "-password", "b"])
            .expectSuccess()
        let wrong = try await cluster.ctl(first, user + ["-pwd", "nope", "user", "list"])
        #expect(wrong.stderr == "user list: operation exited with error: authorization failed\n")
        let listed = try await cluster.ctl(first, user + ["-pwd", "pw", "user", "list"])
        #expect(listed.stdout.contains("bob ") && listed.stdout.contains("root "))
        await cluster.stopAll()
    }

    @Test("without auth-enabled, a secret still protects accept-join, remove, reset and join")
    func internalTokenWithoutAuth() async throws {
        let cluster = try TestCluster(count: 2, metaExtraConfig: #"internal-shared-secret = "nodes' secret""#)
        try await cluster.startAll()
        let first = cluster.nodes[0]
        let anonymous = Self.client(nil)
        let unsigned = try await anonymous.post(
            first.httpAddress,
            "/join",
            json: Self.json(#"{"addr":"\#(first.httpAddress)"}"#)
        )
        #expect(unsigned.status == 401)
        for node in cluster.nodes {
            try await cluster.ctl(first, ["-config", first.configPath, "join", node.httpAddress]).expectSuccess()
        }
        let second = cluster.nodes[1]
        let forged: [(String, String)] = [
            ("/accept-join", #"{"id":7,"clusterID":7,"raftAddr":"evil:8089","httpAddr":"evil:8091"}"#),
            ("/remove", #"{"httpAddr":"\#(second.httpAddress)","force":true}"#),
            ("/reset", #"{"id":2,"clusterID":0}"#),
        ]
        // Other spellings the router also matches must meet the same rule.
        for (path, body) in forged {
            for spelling in [path, path + "/", "/" + path, path + "//"] {
                let reply = try await anonymous.post(second.httpAddress, spelling, json: Self.json(body))
                #expect(reply.status == 401, "\(spelling): \(reply.status) \(reply.text)")
                #expect(reply.errorMessage?.contains("internal-shared-secret") == true)
            }
        }
        // Reads and database writes stay open, as without a secret.
        #expect(try await anonymous.get(second.httpAddress, "/status").status == 200)
        _ = try #require(try await cluster.createDatabase("open", via: second))
        let peers = try await anonymous.get(first.httpAddress, "/peers").decode([String].self)
        #expect(peers.count == 2)
        _ = try await eventually("the refusals in the audit log") {
            let lines = second.log.split(separator: "\n").filter { $0.contains("refused=true") }
            return forged.allSatisfy { path, _ in lines.contains { $0.contains("what=POST \(path)") } } ? true : nil
        }
        await cluster.stopAll()
    }
}
