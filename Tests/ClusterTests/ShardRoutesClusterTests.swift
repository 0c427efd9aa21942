import Foundation
import MetaKernel
import TestSupport
import Testing

/// `GET /lease`, the shard routes and `POST /execute`'s data commands on a running node.
@Suite("Lease, shard and data-command routes", .serialized)
struct ShardRoutesClusterTests {
    static func execute(_ client: MetaClient, _ node: MetaProcess, _ json: String) async throws -> MetaClient.Reply {
        try await client.post(node.httpAddress, "/execute", json: Array(json.utf8))
    }

    @Test("a lease is granted, renewed with the same token, refused to another node; bad requests are one line")
    func lease() async throws {
        let node = try MetaProcess(
            root: try makeTemporaryDirectory("lease"),
            metaExtraConfig: "lease-duration = \"30s\"\n"
        )
        try node.start(["-single-server"])
        let client = MetaClient(configuration: .init(timeout: .seconds(5)))
        _ = try await eventually("\(node.httpAddress) to lead", timeout: .seconds(20)) {
            try? await client.get(node.httpAddress, "/?consistent=true")
        }
        let before = UnixNanoseconds.now()
        let first = try await client.get(node.httpAddress, "/lease?name=continuous_querier&node_id=4")
        #expect(first.status == 200, "\(first.text)")
        let granted = try first.decode(LeaseReply.self)
        #expect(granted.name == "continuous_querier")
        #expect(granted.owner == 4)
        let expiration = try #require(UnixNanoseconds.parse(granted.expiration))
        #expect(expiration >= before + 30_000_000_000)
        #expect(expiration <= UnixNanoseconds.now() + 30_000_000_000)

        let renewed = try await client.get(node.httpAddress, "/lease?name=continuous_querier&nodeid=4")
        #expect(renewed.status == 200)
        #expect(try renewed.decode(LeaseReply.self).token == granted.token)

        let refused = try await client.get(node.httpAddress, "/lease?name=continuous_querier&node_id=5")
        #expect(refused.status == 409)
        let holder = try refused.decode(LeaseReply.self)
        #expect(holder.owner == 4)
        #expect(holder.token == granted.token)

        let other = try await client.get(node.httpAddress, "/lease?name=kapacitor&node_id=5")
        #expect(other.status == 200)
        #expect(try other.decode(LeaseReply.self).token > granted.token)

        let noName = try await client.get(node.httpAddress, "/lease?node_id=4")
        #expect(noName.status == 400)
        #expect(
            noName.errorMessage
                == "name: missing; ask for a lease by name, e.g. /lease?name=continuous_querier&node_id=4"
        )
        let badID = try await client.get(node.httpAddress, "/lease?name=x&node_id=four")
        #expect(badID.status == 400)
        #expect(badID.errorMessage == "node_id: \"four\" is not a node id (a positive integer; see influxd-ctl show)")
        await node.stop()
    }

    @Test("/execute stamps times, gives autogen, refuses data-node membership; truncate and remove-shard")
    func execute() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory("execute-data"))
        try node.start(["-single-server"])
        let client = MetaClient(configuration: .init(timeout: .seconds(5)))
        _ = try await eventually("\(node.httpAddress) to lead", timeout: .seconds(20)) {
            try? await client.get(node.httpAddress, "/?consistent=true")
        }
        let membership = try await Self.execute(
            client,
            node,
            #"{"type":"create-data-node","httpAddr":"h:8086","tcpAddr":"h:8088"}"#
        )
        #expect(membership.status == 400)
        #expect(
            membership.errorMessage
                == "create-data-node is not accepted by /execute; use influxd-ctl add-data, update-data or remove-data"
        )

        let created = try await Self.execute(client, node, #"{"type":"create-database","name":"db"}"#)
        #expect(created.status == 200, "\(created.text)")
        let data = try await client.get(node.httpAddress, "/").decode(MetaData.self)
        let database = try #require(data.database(named: "db"))
        #expect(database.defaultRetentionPolicy == "autogen")
        #expect(database.retentionPolicies.map(\.name) == ["autogen"])

        let before = UnixNanoseconds.now()
        let lease = try await Self.execute(
            client,
            node,
            #"{"type":"acquire-lease","name":"cq","nodeID":4,"duration":60000000000}"#
        )
        #expect(lease.status == 200, "\(lease.text)")
        let leases = try await client.get(node.httpAddress, "/").decode(MetaData.self).leases
        let stamped = try #require(leases.first { $0.name == "cq" })
        #expect(stamped.expiration >= before + 60_000_000_000)

        let truncated = try await client.post(node.httpAddress, "/truncate-shards?delay=30s", json: [])
        #expect(truncated.status == 204, "\(truncated.text)")
        let badDelay = try await client.post(node.httpAddress, "/truncate-shards?delay=soon", json: [])
        #expect(badDelay.status == 400)

        let unknownShard = try await client.post(node.httpAddress, "/remove-shard?src=h:8088&shard=99", json: [])
        #expect(unknownShard.status == 404)
        #expect(unknownShard.errorMessage == "data node at h:8088 not found (see influxd-ctl show)")
        await node.stop()
    }
}
