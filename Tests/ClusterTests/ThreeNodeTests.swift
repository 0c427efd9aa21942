import Foundation
import MetaKernel
import TestSupport
import Testing

/// Three meta nodes on loopback, joined and taken apart with the built `influxd-ctl`.
@Suite("Three meta nodes", .serialized)
struct ThreeNodeTests {
    @Test("joins print the guide's lines, show lists three, a repeated join is harmless")
    func join() async throws {
        let cluster = try TestCluster(count: 3)
        try await cluster.startAll()
        let results = try await cluster.joinAll()
        for (i, result) in results.enumerated() {
            #expect(result.status == 0)
            #expect(result.stdout == "Added meta node \(i + 1) at \(cluster.nodes[i].httpAddress)\n")
        }
        #expect(results[1].stderr.contains("use an odd number"))
        #expect(results[2].stderr.isEmpty)
        let expected = "Meta Nodes\n==========\nTCP Address\n" + cluster.nodes.map { "\($0.httpAddress)\n" }.joined()
        for node in cluster.nodes {
            let shown = try await eventually("show on \(node.httpAddress)") {
                let result = try await cluster.ctl(node, ["show"])
                return result.stdout == expected ? result : nil
            }
            #expect(shown.status == 0)
        }
        let again = try await cluster.ctl(cluster.nodes[0], ["add-meta", cluster.nodes[2].httpAddress])
        #expect(again.status == 0)
        #expect(again.stdout == "Meta node 3 at \(cluster.nodes[2].httpAddress) is already a member of the cluster\n")

        let verbose = try await cluster.ctl(cluster.nodes[1], ["show", "-v"])
        #expect(verbose.stdout.contains("Raft Status\n==========\nLeader   127.0.0.1:\(cluster.nodes[0].raftPort)\n"))
        let rows = verbose.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        for (i, node) in cluster.nodes.enumerated() {
            #expect(
                rows.contains([
                    "\(i + 1)", "127.0.0.1:\(node.raftPort)", node.httpAddress, "v\(MetaBuild.version)", "{}",
                ])
            )
        }
        await cluster.stopAll()
    }

    @Test("writes through a follower reach the leader; kill -9 of the leader fails over; it catches up")
    func failover() async throws {
        let cluster = try TestCluster(count: 3)
        try await cluster.startAll()
        try await cluster.joinAll()
        let leader = try await cluster.leader()
        let followers = cluster.nodes.filter { $0 !== leader }
        let raw = try await MetaClient(configuration: .init(maximumRedirects: 0)).post(
            followers[0].httpAddress,
            "/execute",
            json: Array(#"{"type":"create-database","name":"x"}"#.utf8)
        )
        #expect(raw.status == 307)
        #expect(raw.location == "http://\(leader.httpAddress)/execute")
        let before = try #require(try await cluster.createDatabase("before", via: followers[0]))
        let consistentRead = try await MetaClient(configuration: .init(maximumRedirects: 0)).get(
            followers[1].httpAddress,
            "/?consistent=true"
        )
        #expect(consistentRead.status == 307)
        #expect(consistentRead.location == "http://\(leader.httpAddress)/?consistent=true")
        let linearizable = try await cluster.client.get(followers[1].httpAddress, "/?consistent=true").decode(
            MetaData.self
        )
        #expect(linearizable.index >= before)
        #expect(linearizable.database(named: "before") != nil)

        await leader.stop(signal: SIGKILL)
        let acknowledged = try await eventually("a write after the leader died", timeout: .seconds(20)) {
            try await cluster.createDatabase("during", via: followers[1])
        }
        #expect(acknowledged > before)
        let newLeader = try await cluster.leader(among: followers)
        #expect(newLeader !== leader)

        try leader.start()
        let data = try await cluster.waitForConvergence(atLeast: acknowledged)
        #expect(data.database(named: "before") != nil)
        #expect(data.database(named: "during") != nil)
        #expect(data.metaNodes.count == 3)
        await cluster.stopAll()
    }

    @Test("kill -9 of all three and restart keeps membership and every acknowledged write")
    func wholeClusterRestart() async throws {
        let cluster = try TestCluster(count: 3)
        try await cluster.startAll()
        try await cluster.joinAll()
        var last: UInt64 = 0
        for i in 0..<30 {
            last = try #require(try await cluster.createDatabase("db\(i)", via: cluster.nodes[i % 3]))
        }
        await cluster.stopAll()
        try await cluster.startAll()
        let data = try await cluster.waitForConvergence(atLeast: last)
        #expect(data.databases.count == 30)
        #expect(data.metaNodes.map(\.httpAddress) == cluster.nodes.map(\.httpAddress))
        _ = try await cluster.leader()
        #expect(try await cluster.createDatabase("after", via: cluster.nodes[2]) != nil)
        await cluster.stopAll()
    }

    @Test("remove-meta asks, removes, and the node can be added again; removing the leader hands over")
    func remove() async throws {
        let cluster = try TestCluster(count: 3)
        try await cluster.startAll()
        try await cluster.joinAll()
        let leader = try await cluster.leader()
        let other = cluster.nodes.first { $0 !== leader }!
        let no = try await cluster.ctl(other, ["remove-meta", leader.httpAddress], input: "n\n")
        #expect(no.status == 1)
        #expect(no.stdout == "Remove \(leader.httpAddress) from the cluster [y/N]: ")
        let spaced = try await cluster.ctl(other, ["remove-meta", leader.httpAddress], input: "y e s\n")
        #expect(spaced.status == 1, "'y e s' is not yes")

        let yes = try await cluster.ctl(other, ["remove-meta", leader.httpAddress], input: " Yes \n")
        #expect(yes.status == 0, "\(yes.stderr)")
        #expect(
            yes.stdout
                == "Remove \(leader.httpAddress) from the cluster [y/N]: \nRemoved meta node at \(leader.httpAddress)\n"
        )
        let removed = try await cluster.status(leader)
        #expect(removed.peers == nil)
        #expect(removed.leader.isEmpty)
        let remaining = cluster.nodes.filter { $0 !== leader }
        let data = try await cluster.waitForConvergence(remaining)
        #expect(data.metaNodes.count == 2)

        let readd = try await cluster.ctl(other, ["add-meta", leader.httpAddress])
        #expect(readd.stdout == "Added meta node 4 at \(leader.httpAddress)\n", "\(readd.stderr)")
        let all = try await cluster.waitForConvergence()
        #expect(
            all.metaNodes.map(\.id).sorted() == [1, 2, 3, 4].filter { id in all.metaNodes.contains { $0.id == id } }
        )
        #expect(all.metaNodes.count == 3)
        await cluster.stopAll()
    }

    @Test("-force -tcpAddr removes a dead node; leave removes the node itself")
    func forceAndLeave() async throws {
        let cluster = try TestCluster(count: 3)
        try await cluster.startAll()
        try await cluster.joinAll()
        let dead = cluster.nodes[2]
        await dead.stop(signal: SIGKILL)
        let plain = try await cluster.ctl(cluster.nodes[0], ["remove-meta", "-y", dead.httpAddress])
        #expect(plain.status == 1)
        #expect(
            plain.stderr.contains(
                "use influxd-ctl remove-meta -force -tcpAddr 127.0.0.1:\(dead.raftPort) \(dead.httpAddress)"
            )
        )
        let forced = try await cluster.ctl(
            cluster.nodes[0],
            ["remove-meta", "-force", "-tcpAddr", "127.0.0.1:\(dead.raftPort)", "-y", dead.httpAddress]
        )
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout == "Removed meta node at \(dead.httpAddress)\n")
        let data = try await cluster.waitForConvergence(Array(cluster.nodes.prefix(2)))
        #expect(data.metaNodes.map(\.id) == [1, 2])

        let leave = try await cluster.ctl(cluster.nodes[1], ["leave", "-y"])
        #expect(leave.status == 0, "\(leave.stderr)")
        #expect(leave.stdout.contains("Searching for meta node on \(cluster.nodes[1].httpAddress)...\n"))
        #expect(
            leave.stdout.hasSuffix(
                "\nSuccessfully left cluster\n\n  * No data node found.\n  * Removed meta node \(cluster.nodes[1].httpAddress) from cluster\n"
            )
        )
        #expect(try await cluster.status(cluster.nodes[1]).peers == nil)
        let last = try await cluster.data(cluster.nodes[0])
        #expect(last.metaNodes.map(\.id) == [1])
        await cluster.stopAll()
    }

    @Test("refusals name the problem: another cluster, a wrong hostname, localhost, not a meta node")
    func refusals() async throws {
        let cluster = try TestCluster(count: 2)
        try await cluster.startAll()
        try await cluster.ctl(cluster.nodes[0], ["join", cluster.nodes[0].httpAddress]).expectSuccess()

        let stranger = try MetaProcess(root: try makeTemporaryDirectory())
        try stranger.start(["-single-server"])
        try await cluster.waitForAPI(stranger)
        _ = try await eventually("the stranger to lead") {
            try await cluster.status(stranger).leader.isEmpty ? nil : true
        }
        let foreign = try await cluster.ctl(cluster.nodes[0], ["join", stranger.httpAddress])
        #expect(foreign.status == 1)
        #expect(foreign.stderr.contains("\(stranger.httpAddress) already belongs to a cluster"))

        let misnamed = try MetaProcess(root: try makeTemporaryDirectory(), hostname: "localhost", wildcardHTTP: true)
        try misnamed.start()
        try await cluster.waitForAPI(misnamed)
        let mismatch = try await cluster.ctl(cluster.nodes[0], ["join", misnamed.httpAddress])
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr.contains("\(misnamed.httpAddress) advertises itself as localhost:\(misnamed.httpPort)"))

        let local = try await cluster.ctl(cluster.nodes[0], ["join", "localhost:\(cluster.nodes[1].httpPort)"])
        #expect(local.status == 1)
        #expect(
            local.stderr.contains("refusing localhost:\(cluster.nodes[1].httpPort): other nodes would dial themselves")
        )

        let raftPort = try await cluster.ctl(cluster.nodes[0], ["join", "127.0.0.1:\(cluster.nodes[1].raftPort)"])
        #expect(raftPort.status == 1)
        #expect(raftPort.stderr.split(separator: "\n").count == 1)

        let unjoined = try await cluster.ctl(cluster.nodes[1], ["join", cluster.nodes[0].httpAddress])
        #expect(unjoined.status == 1)
        #expect(
            unjoined.stderr.contains(
                "is not part of a cluster yet: first run influxd-ctl join \(cluster.nodes[1].httpAddress)"
            )
        )

        let data = try await cluster.data(cluster.nodes[0])
        #expect(data.metaNodes.count == 1)
        await stranger.stop()
        await misnamed.stop()
        await cluster.stopAll()
    }

    @Test("with no majority a command fails with one clear line")
    func noQuorum() async throws {
        let cluster = try TestCluster(count: 3)
        try await cluster.startAll()
        try await cluster.joinAll()
        let leader = try await cluster.leader()
        let survivor = cluster.nodes.first { $0 !== leader }!
        for node in cluster.nodes where node !== survivor { await node.stop(signal: SIGKILL) }
        let result = try await eventually("the survivor to notice it has no leader", timeout: .seconds(20)) {
            let result = try await cluster.ctl(survivor, ["-timeout", "3s", "add-meta", "127.0.0.1:1"])
            return result.stderr.contains("no leader") ? result : nil
        }
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "add-meta: operation exited with error: no leader (a majority of the meta nodes must be running and reach each other on port 8089)\n"
        )
        await cluster.stopAll()
    }
}

extension CommandResult {
    /// Fails the test unless the command exited 0.
    func expectSuccess(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == 0, "\(stderr)", sourceLocation: sourceLocation)
    }
}
