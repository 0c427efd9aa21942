import Foundation
import MetaKernel
import TestSupport
import Testing

/// Fresh meta nodes with `[discovery] bootstrap-expect` forming and growing one cluster by
/// themselves. Each node has its own loopback address (127.0.<net>.N) and all share one HTTP
/// and one Raft port, so the bare names of the hosts file (`bootN`) are enough to reach them.
@Suite("bootstrap-expect", .serialized)
struct BootstrapExpectTests {
    /// Fresh node `n` on 127.0.`net`.`n`, reading `hostsFile`.
    static func node(
        _ n: Int,
        net: Int,
        expect: Int,
        root: String,
        hostsFile: String,
        ports: (http: Int, raft: Int),
        metaExtraConfig: String = ""
    ) throws -> MetaProcess {
        try MetaProcess(
            root: "\(root)/node\(n)",
            hostname: "127.0.\(net).\(n)",
            bindHost: "127.0.\(net).\(n)",
            extraConfig: "[discovery]\nhosts-file = \"\(hostsFile)\"\nbootstrap-expect = \(expect)\n",
            metaExtraConfig: metaExtraConfig,
            httpPort: ports.http,
            raftPort: ports.raft
        )
    }

    /// Fresh nodes 1...`count`, all named in one hosts file.
    static func nodes(
        _ count: Int,
        net: Int,
        expect: Int,
        root: String,
        metaExtraConfig: String = ""
    ) throws -> [MetaProcess] {
        let ports = (http: freePort(), raft: freePort())
        let file = "\(root)/hosts"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try hostsText(net: net, Array(1...count)).write(toFile: file, atomically: true, encoding: .utf8)
        return try (1...count).map {
            try node(
                $0,
                net: net,
                expect: expect,
                root: root,
                hostsFile: file,
                ports: ports,
                metaExtraConfig: metaExtraConfig
            )
        }
    }

    static func hostsText(net: Int, _ numbers: [Int]) -> String {
        (["127.0.0.1 localhost"] + numbers.map { "127.0.\(net).\($0) boot\($0)" }).joined(separator: "\n") + "\n"
    }

    /// Waits until every node reports the same cluster with `voters` Raft members and a leader,
    /// recording in `seen` every cluster id any node reported meanwhile; returns the id.
    static func formed(
        _ cluster: TestCluster,
        voters: Int,
        seen: inout Set<UInt64>,
        timeout: Duration = .seconds(30)
    ) async throws -> UInt64 {
        var observed: Set<UInt64> = []
        defer { seen.formUnion(observed) }
        return try await eventually("one cluster of \(voters) voters", timeout: timeout, every: .milliseconds(50)) {
            var ids: [UInt64] = []
            for node in cluster.nodes {
                guard let status = try? await cluster.status(node) else { return nil }
                if status.peers != nil, let id = status.clusterID { observed.insert(id) }
                guard let id = status.clusterID, status.peers?.count == voters, !status.leader.isEmpty else {
                    return nil
                }
                ids.append(id)
            }
            return Set(ids).count == 1 ? ids.first : nil
        }
    }

    static func count(_ text: String, in log: String) -> Int {
        log.components(separatedBy: text).count - 1
    }

    @Test("three fresh nodes form one cluster with no join; a restarted member rejoins; a fourth joins once named")
    func formsAndGrows() async throws {
        let root = try makeTemporaryDirectory("bootstrap")
        let nodes = try Self.nodes(3, net: 41, expect: 3, root: root)
        let cluster = TestCluster(nodes: nodes)
        for node in nodes.reversed() { try node.start() }
        var seen: Set<UInt64> = []
        let id = try await Self.formed(cluster, voters: 3, seen: &seen)
        #expect(seen == [id])
        #expect(nodes[0].log.contains("bootstrapping the cluster as \(nodes[0].httpAddress)"))
        for node in nodes.dropFirst() {
            #expect(!node.log.contains("bootstrapping the cluster as"))
            #expect(node.log.contains("joined cluster \(id) as meta node"))
        }
        #expect(try await cluster.createDatabase("formed", via: nodes[2]) != nil)
        let data = try await cluster.waitForConvergence()
        #expect(Set(data.metaNodes.map(\.httpAddress)) == Set(nodes.map(\.httpAddress)))

        // Manual join keeps working and stays idempotent.
        let again = try await cluster.ctl(nodes[1], ["join", nodes[2].httpAddress])
        #expect(again.status == 0)
        #expect(again.stdout.contains("already a member"))

        // The node that bootstrapped, killed and restarted, rejoins and never bootstraps again.
        await nodes[0].stop()
        try nodes[0].start()
        #expect(try await Self.formed(cluster, voters: 3, seen: &seen) == id)
        #expect(Self.count("bootstrapping the cluster as", in: nodes[0].log) == 1)
        #expect(seen == [id])

        // A fourth fresh node that sees only itself waits; once the others appear in its hosts
        // file it joins by itself.
        let fourthHosts = "\(root)/hosts4"
        try Self.hostsText(net: 41, [4]).write(toFile: fourthHosts, atomically: true, encoding: .utf8)
        let fourth = try Self.node(
            4,
            net: 41,
            expect: 3,
            root: root,
            hostsFile: fourthHosts,
            ports: (nodes[0].httpPort, nodes[0].raftPort)
        )
        try fourth.start()
        _ = try await eventually("the fourth node to wait") {
            fourth.log.contains("waiting for 3 meta nodes, 1 visible: \(fourth.httpAddress)") ? true : nil
        }
        try Self.hostsText(net: 41, [1, 2, 3, 4]).write(toFile: fourthHosts, atomically: true, encoding: .utf8)
        let grown = TestCluster(nodes: nodes + [fourth])
        #expect(try await Self.formed(grown, voters: 4, seen: &seen) == id)
        #expect(fourth.log.contains("joining cluster \(id) (members: "))
        #expect(seen == [id])
        await grown.stopAll()
    }

    @Test("with internal-shared-secret the votes and joins carry node tokens; a forged vote is refused")
    func formsWithNodeTokens() async throws {
        let root = try makeTemporaryDirectory("bootstrap-secret")
        let nodes = try Self.nodes(
            3,
            net: 45,
            expect: 3,
            root: root,
            metaExtraConfig: #"internal-shared-secret = "s3cret""#
        )
        let cluster = TestCluster(nodes: nodes)
        for node in nodes.shuffled() { try node.start() }
        var seen: Set<UInt64> = []
        let id = try await Self.formed(cluster, voters: 3, seen: &seen)
        #expect(seen == [id])
        let client = MetaClient(configuration: .init(timeout: .seconds(5)))
        let forged = try await client.post(
            nodes[1].httpAddress,
            "/bootstrap-vote",
            json: Array(#"{"candidate":"127.0.45.9:\#(nodes[0].httpPort)","expect":3}"#.utf8)
        )
        #expect(forged.status == 401, "\(forged.status) \(forged.text)")
        for node in nodes { await node.stop() }
    }

    @Test("a node that sees two clusters joins neither and names both; a manual join still works")
    func twoClusters() async throws {
        let root = try makeTemporaryDirectory("bootstrap-two")
        // Two lone nodes, each expecting only itself, each its own cluster.
        let ports = (http: freePort(), raft: freePort())
        var lone: [MetaProcess] = []
        for n in [1, 2] {
            let file = "\(root)/hosts\(n)"
            try Self.hostsText(net: 42, [n]).write(toFile: file, atomically: true, encoding: .utf8)
            lone.append(try Self.node(n, net: 42, expect: 1, root: root, hostsFile: file, ports: ports))
        }
        let all = "\(root)/hosts-all"
        try Self.hostsText(net: 42, [1, 2, 3]).write(toFile: all, atomically: true, encoding: .utf8)
        let third = try Self.node(3, net: 42, expect: 3, root: root, hostsFile: all, ports: ports)
        let cluster = TestCluster(nodes: lone + [third])
        var ids: [UInt64] = []
        for node in lone {
            try node.start()
            var seen: Set<UInt64> = []
            ids.append(try await Self.formed(TestCluster(nodes: [node]), voters: 1, seen: &seen))
        }
        #expect(ids[0] != ids[1])
        try third.start()
        let line = try await eventually("the third node to refuse") {
            third.log.split(separator: "\n").first { $0.contains("found 2 clusters among the discovered peers") }
        }
        for (id, node) in zip(ids, lone) { #expect(line.contains("cluster \(id) (\(node.httpAddress))")) }
        #expect(try await cluster.status(third).peers == nil)

        // By hand, the operator picks one.
        let joined = try await cluster.ctl(lone[0], ["join", third.httpAddress])
        #expect(joined.status == 0, "\(joined.stderr)")
        let again = try await cluster.ctl(lone[0], ["join", third.httpAddress])
        #expect(again.stdout.contains("already a member"))
        var seen: Set<UInt64> = []
        #expect(try await Self.formed(TestCluster(nodes: [lone[0], third]), voters: 2, seen: &seen) == ids[0])
        await cluster.stopAll()
    }

    @Test("shuffled start orders, random delays and restarts midway: always exactly one cluster")
    func shuffled() async throws {
        let root = try makeTemporaryDirectory("bootstrap-shuffle")
        for run in 0..<20 {
            let nodes = try Self.nodes(3, net: 43, expect: 3, root: "\(root)/run\(run)")
            let cluster = TestCluster(nodes: nodes)
            var seen: Set<UInt64> = []
            do {
                for node in nodes.shuffled() {
                    try node.start()
                    try await Task.sleep(for: .milliseconds(Int.random(in: 0...400)))
                }
                if run % 3 == 0 {
                    // Kill -9 one node at a random moment of the forming, and start it again.
                    let victim = nodes.randomElement()!
                    try await Task.sleep(for: .milliseconds(Int.random(in: 0...600)))
                    await victim.stop()
                    try victim.start()
                }
                let id = try await Self.formed(cluster, voters: 3, seen: &seen)
                #expect(seen == [id], "run \(run): cluster ids seen \(seen)")
                let data = try await cluster.waitForConvergence()
                #expect(data.metaNodes.count == 3, "run \(run): \(data.metaNodes.map(\.httpAddress))")
            } catch {
                var statuses: [String] = []
                for node in nodes {
                    let reply = try? await cluster.client.get(node.httpAddress, "/status")
                    statuses.append("\(node.httpAddress): \(reply?.text ?? "no answer")")
                }
                Issue.record(
                    "run \(run): \(error); cluster ids seen \(seen); /status: \(statuses.joined(separator: " | ")); logs under \(root)/run\(run)"
                )
                await cluster.stopAll()
                throw error
            }
            await cluster.stopAll()
        }
    }

    @Test("two nodes that each see themselves lowest of three: the votes let only one bootstrap")
    func divergingViews() async throws {
        let root = try makeTemporaryDirectory("bootstrap-views")
        for round in 0..<5 {
            let dir = "\(root)/round\(round)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let ports = (http: freePort(), raft: freePort())
            // Node 1 does not know node 2, node 2 does not know node 1; nodes 3 and 4 know all.
            let lists = [1: [1, 3, 4], 2: [2, 3, 4], 3: [1, 2, 3, 4], 4: [1, 2, 3, 4]]
            var nodes: [MetaProcess] = []
            for n in 1...4 {
                let file = "\(dir)/hosts\(n)"
                try Self.hostsText(net: 45, lists[n]!).write(toFile: file, atomically: true, encoding: .utf8)
                nodes.append(try Self.node(n, net: 45, expect: 3, root: dir, hostsFile: file, ports: ports))
            }
            let cluster = TestCluster(nodes: nodes)
            try nodes[2].start()
            try nodes[3].start()
            try await cluster.waitForAPI(nodes[2])
            try await cluster.waitForAPI(nodes[3])
            try nodes[0].start()
            try nodes[1].start()
            var seen: Set<UInt64> = []
            let id = try await Self.formed(cluster, voters: 4, seen: &seen)
            #expect(seen == [id], "round \(round): cluster ids seen \(seen)")
            let standing = nodes.prefix(2).filter { $0.log.contains("bootstrapping the cluster as") }
            #expect(standing.count == 1, "round \(round)")
            await cluster.stopAll()
        }
    }

    @Test("-single-server with bootstrap-expect stops start-up with one line")
    func singleServer() async throws {
        let root = try makeTemporaryDirectory("bootstrap-single")
        let node = try Self.nodes(1, net: 44, expect: 3, root: root)[0]
        try node.start(["-single-server"])
        _ = try await eventually("the node to stop") { node.pid == nil ? true : nil }
        #expect(await node.waitForExit() != 0)
        #expect(node.log.contains("-single-server and [discovery] bootstrap-expect = 3 contradict each other"))
    }
}
