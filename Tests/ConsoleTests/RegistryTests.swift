import Console
import Foundation
import GRDB
import TestSupport
import Testing

@Suite("Registry")
struct RegistryTests {
    let meta = StatsEntry(
        name: "meta_node",
        tags: ["host": "h1", "http_addr": "127.0.0.1:8091", "raft_addr": "127.0.0.1:8089", "scheme": "https"],
        values: ["is_leader": .bool(true), "term": .number(3), "license_status": .string("valid")]
    )

    @Test("clusters, servers, stats and names survive closing and reopening the file")
    func survivesReopen() async throws {
        let path = try makeTemporaryDirectory("registry") + "/console.db"
        let seen = Date(timeIntervalSince1970: 1_800_000_000.25)
        do {
            let registry = try Registry(path: path)
            #expect(
                try await registry.registerServer(
                    clusterID: "42",
                    serverID: "1",
                    host: "h1",
                    product: "influxd-meta",
                    version: "1.0",
                    at: seen
                )
            )
            #expect(
                try await !registry.registerServer(
                    clusterID: "42",
                    serverID: "2",
                    host: "h2",
                    product: "influxd-meta",
                    version: "1.0",
                    at: seen
                )
            )
            try await registry.recordStats(
                clusterID: "42",
                serverID: "1",
                product: "influxd-meta",
                entries: [meta],
                at: seen + 5
            )
            #expect(try await registry.setName(clusterID: "42", name: "production"))
            #expect(try await !registry.setName(clusterID: "43", name: "nothing"))
        }
        let reopened = try Registry(path: path)
        #expect(
            try await reopened.clusters() == [
                RegisteredCluster(id: "42", name: "production", firstSeen: seen, lastContact: seen + 5)
            ]
        )
        let servers = try await reopened.servers(clusterID: "42")
        #expect(servers.map(\.serverID) == ["1", "2"])
        #expect(servers.map(\.host) == ["h1", "h2"])
        #expect(servers[0].stats == [meta])
        #expect(servers[0].statsReceivedAt == seen + 5)
        #expect(servers[0].metaTag("scheme") == "https")
        #expect(servers[1].stats.isEmpty)
    }

    @Test("stats from a server never registered create its cluster and server from the tags")
    func statsCreateTheCluster() async throws {
        let registry = try Registry(path: try makeTemporaryDirectory("registry") + "/console.db")
        #expect(try await registry.recordStats(clusterID: "7", serverID: "3", product: "influxd-meta", entries: [meta]))
        let servers = try await registry.servers(clusterID: "7")
        #expect(servers.map(\.host) == ["h1"])
        #expect(try await registry.cluster("7")?.name == nil)
    }

    @Test("health samples older than the retention are dropped, read per minute; removing a cluster drops its rows")
    func healthIsPruned() async throws {
        let registry = try Registry(
            path: try makeTemporaryDirectory("registry") + "/console.db",
            configuration: .init(healthRetention: .seconds(3600))
        )
        try await registry.registerServer(clusterID: "1", serverID: "1", host: "", product: "", version: "")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try await registry.recordHealth(clusterID: "1", health: .healthy, at: now - 4000)
        try await registry.recordHealth(clusterID: "1", health: .degraded, at: now - 60)
        try await registry.recordHealth(clusterID: "1", health: .down, at: now)
        try await registry.recordHealth(clusterID: "unknown", health: .down, at: now)
        let samples = try await registry.healthSamples(clusterID: "1", since: now - 10_000)
        #expect(samples == [HealthSample(time: now - 60, health: .degraded), HealthSample(time: now, health: .down)])
        try await registry.recordHealth(clusterID: "1", health: .healthy, at: now + 30)
        try await registry.recordHealth(clusterID: "1", health: .healthy, at: now + 40)
        let byMinute = try await registry.healthByMinute(clusterID: "1", since: now - 3000)
        #expect(byMinute.filter { $0.time == now - 60 }.map(\.health) == [.degraded])
        #expect(Set(byMinute.filter { $0.time == now }.map(\.health)) == [.down, .healthy])
        #expect(byMinute.count == 3)
        #expect(try await registry.removeCluster("1"))
        #expect(try await registry.healthSamples(clusterID: "1", since: now - 10_000).isEmpty)
        #expect(try await registry.servers(clusterID: "1").isEmpty)
    }

    @Test("a file that is not a database gets one line naming the file")
    func notADatabase() throws {
        let path = try makeTemporaryDirectory("registry") + "/console.db"
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: RegistryError.self) { try Registry(path: path) }
        #expect(error?.code == .notADatabase)
        #expect(error?.message.contains(path) == true)
        #expect(error?.message.contains("move the file aside") == true)
        #expect(error?.message.contains("\n") == false)
    }

    @Test("a missing directory gets one line naming the file")
    func missingDirectory() throws {
        let path = try makeTemporaryDirectory("registry") + "/absent/console.db"
        let error = #expect(throws: RegistryError.self) { try Registry(path: path) }
        #expect(error?.code == .cannotOpen)
        #expect(error?.message.contains(path) == true)
    }

    @Test("a file another process holds locked gets one line naming the file")
    func locked() async throws {
        let path = try makeTemporaryDirectory("registry") + "/console.db"
        let registry = try Registry(path: path, configuration: .init(busyTimeout: .milliseconds(100)))
        var unsafe = GRDB.Configuration()
        unsafe.allowsUnsafeTransactions = true
        let holder = try DatabaseQueue(path: path, configuration: unsafe)
        try await holder.writeWithoutTransaction { db in try db.execute(sql: "BEGIN EXCLUSIVE") }
        let error = await #expect(throws: RegistryError.self) {
            try await registry.registerServer(clusterID: "1", serverID: "1", host: "", product: "", version: "")
        }
        #expect(error?.code == .locked)
        #expect(error?.message.contains(path) == true)
        try await holder.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
    }
}
