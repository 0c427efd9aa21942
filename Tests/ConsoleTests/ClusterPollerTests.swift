import Console
import Foundation
import Logging
import MetaKernel
import ServiceLifecycle
import TestSupport
import Testing

/// The poller against real meta nodes started from the built binaries.
@Suite("ClusterPoller", .serialized)
struct ClusterPollerTests {
    /// A registry that knows `cluster` only through the stats of its first node, as after that
    /// node's first report; the poller finds the others through `/show-cluster`.
    static func registry(first: MetaProcess, status: ClusterStatus) async throws -> (Registry, String) {
        let registry = try Registry(path: try makeTemporaryDirectory("poller") + "/console.db")
        let clusterID = String(try #require(status.clusterID))
        let serverID = String(try #require(status.id))
        try await registry.registerServer(
            clusterID: clusterID,
            serverID: serverID,
            host: "node-one",
            product: "influxd-meta",
            version: "test"
        )
        try await registry.recordStats(
            clusterID: clusterID,
            serverID: serverID,
            product: "influxd-meta",
            entries: [
                StatsEntry(
                    name: "meta_node",
                    tags: ["http_addr": first.httpAddress, "raft_addr": first.raftAddress, "scheme": "http"]
                )
            ]
        )
        return (registry, clusterID)
    }

    static func poller(_ registry: Registry, _ state: ConsoleState, authorization: String? = nil) throws
        -> ClusterPoller
    {
        ClusterPoller(
            registry: registry,
            state: state,
            connector: try ClusterConnector(configuration: .init(timeout: .seconds(3))),
            configuration: .init(interval: .milliseconds(200), timeout: .seconds(8), authorization: authorization),
            logger: Logger(label: "poller-test")
        )
    }

    @Test(
        "three nodes: leader and databases found; a stopped node is unreachable and the cluster degraded; a new leader after the leader is killed"
    )
    func threeNodes() async throws {
        let cluster = try TestCluster(count: 3)
        defer { for node in cluster.nodes { if let pid = node.pid { kill(pid, SIGKILL) } } }
        try await cluster.startAll()
        try await cluster.joinAll()
        let leader = try await cluster.leader()
        _ = try #require(try await cluster.createDatabase("telegraf", via: leader))
        let (registry, clusterID) = try await Self.registry(
            first: cluster.nodes[0],
            status: try await cluster.status(cluster.nodes[0])
        )
        let state = ConsoleState()
        let poller = try Self.poller(registry, state)

        let healthy = try await eventually("a healthy poll with the leader and the database") {
            let view = await poller.poll(clusterID: clusterID)
            return view?.currentHealth == .healthy && view?.databases == ["telegraf"] ? view : nil
        }
        #expect(healthy.leader == leader.httpAddress)
        #expect(healthy.metaNodes.map(\.httpAddress).sorted() == cluster.nodes.map(\.httpAddress).sorted())
        #expect(healthy.metaNodes.filter(\.isLeader).map(\.httpAddress) == [leader.httpAddress])
        #expect(healthy.metaNodes.allSatisfy { $0.reachable && $0.version != nil })
        #expect(healthy.metaNodes.first { $0.httpAddress == cluster.nodes[0].httpAddress }?.host == "node-one")
        #expect(healthy.license?.status == "valid")
        #expect(healthy.license?.daysLeft != nil)
        #expect(healthy.pollError == nil && healthy.lastPoll != nil && !healthy.authRequired)
        #expect(healthy.health.count == 60 && healthy.health.last?.health == .healthy)
        #expect(await state.cluster(clusterID) == healthy)

        let follower = try #require(cluster.nodes.first { $0 !== leader })
        await follower.stop()
        let degraded = try await eventually("the stopped follower to show unreachable") {
            let view = await poller.poll(clusterID: clusterID)
            return view?.currentHealth == .degraded ? view : nil
        }
        #expect(degraded.metaNodes.filter { !$0.reachable }.map(\.httpAddress) == [follower.httpAddress])
        #expect(degraded.leader == leader.httpAddress)
        #expect(degraded.health.last?.health == .degraded)

        try follower.start()
        try await cluster.waitForAPI(follower)
        _ = try await eventually("the follower back") {
            await poller.poll(clusterID: clusterID)?.currentHealth == .healthy ? true : nil
        }

        await leader.stop()
        let after = try await eventually("a new leader", timeout: .seconds(30)) {
            let view = await poller.poll(clusterID: clusterID)
            return view?.leader != nil && view?.leader != leader.httpAddress ? view : nil
        }
        #expect(after.currentHealth == .degraded)
        #expect(after.metaNodes.first { $0.httpAddress == leader.httpAddress }?.reachable == false)
        #expect(after.metaNodes.filter(\.isLeader).map(\.httpAddress) == [after.leader])
        #expect(after.databases == ["telegraf"])
    }

    @Test("a cluster with auth on: authRequired and a poll error naming the flags; with credentials, healthy")
    func authentication() async throws {
        let cluster = try TestCluster(
            count: 1,
            metaExtraConfig: """
                auth-enabled = true
                shared-secret = "users' secret"
                internal-shared-secret = "nodes' secret"
                """
        )
        defer { for node in cluster.nodes { if let pid = node.pid { kill(pid, SIGKILL) } } }
        try await cluster.startAll()
        let node = cluster.nodes[0]
        _ = try await cluster.ctl(node, ["-config", node.configPath, "join", node.httpAddress])
        let created = try await cluster.ctl(node, ["user", "create", "root", "-password", "rootpw", "-admin"])
        #expect(created.status == 0, "\(created.stderr)")
        let basic = "Basic " + Data("root:rootpw".utf8).base64EncodedString()
        let status = try await MetaClient(configuration: .init(authorization: { basic })).get(
            node.httpAddress,
            "/status"
        )
        let (registry, clusterID) = try await Self.registry(first: node, status: try status.decode(ClusterStatus.self))
        let state = ConsoleState()

        let refused = try await eventually("the poll to be refused") {
            let view = await (try Self.poller(registry, state)).poll(clusterID: clusterID)
            return view?.authRequired == true ? view : nil
        }
        #expect(
            refused.pollError
                == "cluster \(clusterID) requires authentication: start influx-console with -cluster-user and -cluster-password"
        )
        #expect(refused.currentHealth == .unknown)

        let wrong = "Basic " + Data("root:wrong".utf8).base64EncodedString()
        // A wrong password is never cached: each poll pays a full bcrypt check, which a loaded
        // machine can stretch past a call's timeout; a poll that timed out is asked again.
        let rejected = try await eventually("the poll with a wrong password to be refused") {
            let view = await (try Self.poller(registry, state, authorization: wrong)).poll(clusterID: clusterID)
            return view?.pollError?.contains("within") == true ? nil : view
        }
        #expect(
            rejected.pollError
                == "cluster \(clusterID) refused the console's credentials: check -cluster-user and -cluster-password"
        )
        #expect(rejected.authRequired == true)

        let allowed = try await eventually("the poll with credentials to succeed") {
            let view = await (try Self.poller(registry, state, authorization: basic)).poll(clusterID: clusterID)
            return view?.currentHealth == .healthy ? view : nil
        }
        #expect(!allowed.authRequired && allowed.pollError == nil)
        #expect(allowed.leader == node.httpAddress)
    }
}

/// The poller as a service: clusters loaded from the registry at start, each polled on its own.
@Suite("ClusterPoller service", .serialized)
struct ClusterPollerServiceTests {
    /// A TCP port that accepts connections (the kernel's backlog) and never answers.
    final class SilentListener {
        let fd: Int32
        let port: Int

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    bind(descriptor, socketAddress, length) == 0 && listen(descriptor, 16) == 0
                        && getsockname(descriptor, socketAddress, &length) == 0
                }
            }
            guard bound else {
                close(descriptor)
                throw POSIXError(.EADDRINUSE)
            }
            fd = descriptor
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        deinit { close(fd) }
    }

    @Test("clusters load from the registry at start; a silent cluster does not delay a live one")
    func silentClusterDelaysNoOther() async throws {
        let cluster = try TestCluster(count: 1)
        defer { for node in cluster.nodes { if let pid = node.pid { kill(pid, SIGKILL) } } }
        try await cluster.startAll()
        try await cluster.joinAll()
        let node = cluster.nodes[0]
        let (registry, liveID) = try await ClusterPollerTests.registry(
            first: node,
            status: try await cluster.status(node)
        )
        let silent = try SilentListener()
        try await registry.recordStats(
            clusterID: "999",
            serverID: "1",
            product: "influxd-meta",
            entries: [StatsEntry(name: "meta_node", tags: ["http_addr": "127.0.0.1:\(silent.port)"])]
        )
        let state = ConsoleState()
        let poller = ClusterPoller(
            registry: registry,
            state: state,
            connector: try ClusterConnector(configuration: .init(timeout: .seconds(20))),
            configuration: .init(interval: .milliseconds(200), timeout: .seconds(30)),
            logger: Logger(label: "poller-test")
        )
        let group = ServiceGroup(services: [poller], logger: Logger(label: "poller-test"))
        let running = Task { try await group.run() }
        defer { running.cancel() }
        let loaded = try await eventually("both clusters loaded") {
            let ids = await state.clusters().map(\.id).sorted()
            return ids.count == 2 ? ids : nil
        }
        #expect(loaded == [liveID, "999"].sorted())
        var polls: Set<Date> = []
        // Polled one after the other, the live cluster would wait 30 s behind the silent one;
        // 20 s leaves a loaded machine room and still tells the two apart.
        let healthy = try await eventually("the live cluster polled three times", timeout: .seconds(20)) {
            () async -> ClusterView? in
            guard let view = await state.cluster(liveID), let polled = view.lastPoll else { return nil }
            polls.insert(polled)
            return polls.count >= 3 ? view : nil
        }
        #expect(healthy.currentHealth == .healthy)
        let stuck = try #require(await state.cluster("999"))
        #expect(stuck.lastPoll == nil && stuck.pollError == nil)
        await group.triggerGracefulShutdown()
    }
}
