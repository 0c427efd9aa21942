import Foundation
import MetaKernel
import TestSupport
import Testing

/// Data-node membership through the built binaries: `influxd-ctl add-data`, `update-data`,
/// `remove-data` and `show` against real listening sockets standing in for data nodes, the
/// license's data-node entitlement, and announcements shared among meta nodes by gossip.
@Suite("data nodes from the built binaries", .serialized)
struct DataNodeClusterTests {
    let client = MetaClient(configuration: .init(timeout: .seconds(5)))

    func leading(_ node: MetaProcess) async throws {
        _ = try await eventually("\(node.httpAddress) to lead", timeout: .seconds(20)) {
            let status = try await client.get(node.httpAddress, "/status").decode(ClusterStatus.self)
            return status.leader.isEmpty ? nil : status
        }
    }

    func ctl(_ node: MetaProcess, _ arguments: [String]) async throws -> CommandResult {
        try await runCommand(Binaries.ctl, ["-bind", node.httpAddress] + arguments)
    }

    func cluster(_ node: MetaProcess) async throws -> ShowCluster {
        try await client.get(node.httpAddress, "/show-cluster").decode(ShowCluster.self)
    }

    /// A port nothing listens on.
    func closedAddress() -> String { "127.0.0.1:\(freePort())" }

    @Test("add-data, its refusals, update-data, remove-data and show, against listening sockets")
    func membership() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory())
        try node.start(["-single-server"])
        try await leading(node)
        let first = try FakeDataNode()
        let second = try FakeDataNode()

        let added = try await ctl(node, ["add-data", first.address])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout == "Added data node 2 at \(first.address)\n")
        let passive = try await ctl(node, ["add-data", "-p", second.address])
        #expect(passive.stdout == "Added data node 3 at \(second.address)\n", "\(passive.stderr)")

        let duplicate = try await ctl(node, ["add-data", first.address])
        #expect(duplicate.status == 1)
        #expect(duplicate.stdout == "")
        #expect(duplicate.stderr == "add-data: operation exited with error: node already exists\n")

        let closed = closedAddress()
        let refused = try await ctl(node, ["add-data", closed])
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "add-data: operation exited with error: data node at \(closed) did not answer on TCP: connection refused (start influxd there, or check the address and port)\n"
        )

        let show = try await ctl(node, ["show"])
        #expect(
            show.stdout == """
                Data Nodes
                ==========
                ID   TCP Address       HTTP Address     Version   Labels   Passive
                2    \(first.address)   127.0.0.1:8086   unknown   {}       false
                3    \(second.address)   127.0.0.1:8086   unknown   {}       true

                Meta Nodes
                ==========
                TCP Address
                \(node.httpAddress)

                """,
            "\(show.stderr)"
        )

        let verbose = try await ctl(node, ["show", "-v"])
        let dataSection = show.stdout.components(separatedBy: "\nMeta Nodes\n")[0]
        #expect(
            verbose.stdout.hasPrefix(dataSection + "\nMeta Nodes\n==========\nID   Raft Address"),
            "\(verbose.stdout)"
        )

        let moved = try FakeDataNode()
        let updated = try await ctl(node, ["update-data", first.address, moved.address])
        #expect(updated.status == 0, "\(updated.stderr)")
        #expect(updated.stdout == "updated data node 2 to \(moved.address)\n")
        let unknown = try await ctl(node, ["update-data", first.address, moved.address])
        #expect(unknown.stderr == "update-data: operation exited with error: node not found\n")

        second.close()
        let alive = try await ctl(node, ["remove-data", second.address])
        #expect(alive.status == 1)
        #expect(
            alive.stderr.hasPrefix(
                "remove-data: operation exited with error: data node at \(second.address) did not answer on TCP: connection refused (to remove a node that is gone, use remove-data -force)"
            )
        )
        let forced = try await ctl(node, ["remove-data", "-force", second.address])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout == "Removed data node at \(second.address)\n")
        let removed = try await ctl(node, ["remove-data", moved.address])
        #expect(removed.stdout == "Removed data node at \(moved.address)\n", "\(removed.stderr)")
        #expect(try await cluster(node).data.isEmpty)
        let again = try await ctl(node, ["remove-data", moved.address])
        #expect(again.stderr == "remove-data: operation exited with error: node not found\n")
        #expect(node.log.contains("what=POST /add-data add-data \(first.address)"))
        #expect(await node.stop(signal: SIGTERM) == 0)
    }

    @Test("add-data beyond the license's data-node entitlement is refused with one line")
    func entitlement() async throws {
        let issuer = try await LicenseFileClusterTests.Issuer()
        let license = "\(issuer.dir)/license.json"
        try await issuer.issue(to: license, ["-data-nodes", "1"])
        let node = try MetaProcess(
            root: try makeTemporaryDirectory(),
            extraConfig:
                "\n[enterprise]\nlicense-path = \"\(license)\"\nlicense-issuer-keys = [\"\(issuer.publicKey)\"]\n"
        )
        try node.start(["-single-server"])
        try await leading(node)
        let first = try FakeDataNode()
        let second = try FakeDataNode()
        let added = try await ctl(node, ["add-data", first.address])
        #expect(added.stdout == "Added data node 2 at \(first.address)\n", "\(added.stderr)")
        let refused = try await ctl(node, ["add-data", second.address])
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "add-data: operation exited with error: data node refused: 2 data nodes exceed the license's influx_machines entitlement of 1 (license-path); remove a data node or get a license for more\n"
        )
        #expect(try await cluster(node).data.map(\.tcpAddr) == [first.address])
        #expect(await node.stop(signal: SIGTERM) == 0)
    }

    @Test("with auth-enabled: AddRemoveNode or a node token may change data nodes; gossip is for meta nodes")
    func permissions() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory(), metaExtraConfig: AuthClusterTests.authConfig)
        try node.start(["-single-server"])
        let admin = ["-auth-type", "basic", "-user", "root", "-pwd", "rootpw"]
        _ = try await eventually("the first admin to be created", timeout: .seconds(20)) {
            let created = try await ctl(node, ["user", "create", "root", "-password", "rootpw", "-admin"])
            return created.status == 0 ? created : nil
        }
        try await ctl(node, admin + ["user", "create", "nobody", "-password", "npw"]).expectSuccess()
        try await ctl(node, admin + ["user", "create", "ops", "-password", "opw"]).expectSuccess()
        try await ctl(node, admin + ["user", "grant", "ops", "AddRemoveNode"]).expectSuccess()
        let dataNode = try FakeDataNode()

        let refused = try await ctl(
            node,
            ["-auth-type", "basic", "-user", "nobody", "-pwd", "npw", "add-data", dataNode.address]
        )
        #expect(refused.status == 1)
        #expect(
            refused.stderr.hasPrefix(
                "add-data: operation exited with error: user \"nobody\" lacks permission AddRemoveNode"
            ),
            "\(refused.stderr)"
        )
        let ops = ["-auth-type", "basic", "-user", "ops", "-pwd", "opw"]
        let added = try await ctl(node, ops + ["add-data", dataNode.address])
        #expect(added.stdout == "Added data node 2 at \(dataNode.address)\n", "\(added.stderr)")
        // influxd-ctl -config sends a node token signed with internal-shared-secret.
        let removed = try await ctl(node, ["-config", node.configPath, "remove-data", "-force", dataNode.address])
        #expect(removed.stdout == "Removed data node at \(dataNode.address)\n", "\(removed.stderr)")

        let anonymous = try await client.post(node.httpAddress, "/announce", json: Array(#"{"tcpAddr":"h:8088"}"#.utf8))
        #expect(anonymous.status == 401)
        let opsClient = AuthClusterTests.client(AuthClusterTests.basic("ops", "opw"))
        let gossip = try await opsClient.post(node.httpAddress, "/gossip", json: Array("[]".utf8))
        #expect(gossip.status == 403, "\(gossip.text)")
        let announced = try await opsClient.post(
            node.httpAddress,
            "/announce",
            json: Array(#"{"tcpAddr":"h:8088"}"#.utf8)
        )
        #expect(announced.status == 204, "\(announced.text)")
        _ = try await eventually("the audit lines") { node.log.contains("result=401 what=POST /announce") ? true : nil }
        #expect(node.log.contains("refused=true result=403 what=POST /add-data"), "\(node.log.suffix(2000))")
        #expect(node.log.contains("result=200 what=POST /add-data add-data \(dataNode.address)"))
        #expect(node.log.contains("result=204 what=POST /remove-data remove-data \(dataNode.address) force"))
        // Accepted announcements are not audited; refused ones are.
        #expect(!node.log.contains("result=204 what=POST /announce"))
        #expect(await node.stop(signal: SIGTERM) == 0)
    }

    func announce(_ tcpAddr: String, version: String, to node: MetaProcess) async throws {
        let announcement = Announcement(
            tcpAddr: tcpAddr,
            httpAddr: "127.0.0.1:18086",
            time: Announcements.wallClock(),
            status: "joined",
            version: version
        )
        let reply = try await client.post(
            node.httpAddress,
            "/announce",
            json: Array(try JSONEncoder().encode(announcement))
        )
        #expect(reply.status == 204, "\(reply.text)")
    }

    @Test("an announcement made to one meta node shows on every meta node, then expires")
    func gossip() async throws {
        let cluster = try TestCluster(
            count: 3,
            metaExtraConfig: "gossip-frequency = \"250ms\"\nannouncement-expiration = \"6s\"\n"
        )
        try await cluster.startAll()
        try await cluster.joinAll()
        let leader = try await cluster.leader()
        let dataNode = try FakeDataNode()
        // Announced before it is added: add-data takes the announced HTTP address.
        try await announce(dataNode.address, version: "v1.10.0-c1.10.0", to: leader)
        let added = try await ctl(leader, ["add-data", dataNode.address])
        #expect(added.status == 0, "\(added.stderr)")
        // A newer announcement to a follower reaches the leader and the other follower by gossip only.
        let follower = try #require(cluster.nodes.first { $0 !== leader })
        // Through a follower: it redirects to the leader before probing, and the fields follow.
        let other = try FakeDataNode()
        let redirected = try await ctl(follower, ["add-data", "-p", other.address])
        #expect(redirected.stdout == "Added data node 5 at \(other.address)\n", "\(redirected.stderr)")
        try await announce(dataNode.address, version: "v1.10.1-c1.10.1", to: follower)
        for node in cluster.nodes {
            _ = try await eventually("\(node.httpAddress) to show the announced version", timeout: .seconds(5)) {
                let data = try await self.cluster(node).data
                return data.first?.version == "v1.10.1-c1.10.1" ? data : nil
            }
        }
        let shown = try await ctl(cluster.nodes[0], ["show"])
        #expect(shown.stdout.contains("   127.0.0.1:18086   v1.10.1-c1.10.1   {}       false\n"), "\(shown.stdout)")
        for node in cluster.nodes {
            _ = try await eventually("\(node.httpAddress) to forget the announcement", timeout: .seconds(10)) {
                let data = try await self.cluster(node).data
                return data.first?.version == "unknown" ? data : nil
            }
        }
        // Meta nodes announce themselves too: every node knows every other's version.
        let metas = try await self.cluster(cluster.nodes[2]).meta
        #expect(metas.allSatisfy { $0.version != "unknown" }, "\(metas)")
        await cluster.stopAll()
    }
}
