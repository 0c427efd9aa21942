import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

@testable import MetaKernel

/// The node's lifecycle calls every selected plugin at its moment: the license check before
/// Raft, the license monitor and registration as services beside the API, all stopped at
/// graceful shutdown. The plugins here are fakes that record what they are asked; Raft, the
/// API and the sockets are real.
@Suite("plugin lifecycle", .serialized, .timeLimit(.minutes(2)))
struct PluginLifecycleTests {
    /// What the fakes saw, in order.
    final class Journal: Sendable {
        private let events = Mutex<[String]>([])
        /// What registration was given.
        let registered = Mutex<RegistrationInfo?>(nil)
        /// What `MetaServer.run` threw, if anything.
        let failure = Mutex<String?>(nil)
        func record(_ event: String) { events.withLock { $0.append(event) } }
        var all: [String] { events.withLock { $0 } }
        func index(of event: String) -> Int? { all.firstIndex(of: event) }
    }

    struct FakeLicensing: Licensing {
        let journal: Journal
        let raftDirectory: String
        let verdict: Result<LicenseState, LicenseError>
        let updates: AsyncStream<LicenseState>

        var mode: String { "license-path" }

        func check() async throws(LicenseError) -> LicenseState {
            journal.record(FileManager.default.fileExists(atPath: raftDirectory) ? "check after raft" : "check")
            return try verdict.get()
        }

        func monitor(onChange: @Sendable (LicenseState) -> Void) async {
            journal.record("monitor")
            for await state in updates { onChange(state) }
            journal.record("monitor stopped")
        }
    }

    struct FakeRegistration: Registration {
        let journal: Journal

        func run(node: RegistrationInfo) async {
            journal.registered.withLock { $0 = node }
            journal.record("register")
            // Runs until cancelled, as a real plugin's retry loop does.
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(60)) }
            journal.record("registration stopped")
        }
    }

    struct FakeDiscovery: PeerDiscovery {
        let journal: Journal
        var source: String { "fake" }
        func resolve(host: String) async throws(DiscoveryError) -> [String] { [host] }
        func knownPeers() async throws(DiscoveryError) -> [String] {
            journal.record("known peers")
            return []
        }
    }

    /// Runs `MetaServer.run` inside an outer group, as a service whose graceful shutdown the
    /// test triggers.
    struct ServerService: Service {
        let config: MetaConfig
        let catalog: PluginCatalog
        let logger: Logger
        let ready: AsyncStream<Int>.Continuation
        let journal: Journal

        func run() async throws {
            do {
                try await MetaServer.run(config: config, singleServer: true, catalog: catalog, logger: logger) { port in
                    ready.yield(port)
                }
            } catch {
                journal.failure.withLock { $0 = "\(error)" }
            }
            ready.finish()
        }
    }

    func config(dir: String) -> MetaConfig {
        var config = MetaConfig()
        config.hostname = "127.0.0.1"
        config.meta.dir = dir
        config.meta.bindAddress = "127.0.0.1:\(freePort())"
        config.meta.httpBindAddress = "127.0.0.1:\(freePort())"
        config.meta.electionTimeout = GoDuration(.milliseconds(300))
        config.meta.heartbeatTimeout = GoDuration(.milliseconds(300))
        config.meta.leaderLeaseTimeout = GoDuration(.milliseconds(150))
        config.enterprise.licensePath = "\(dir)/license.json"
        config.enterprise.registrationEnabled = true
        config.enterprise.registrationServerURL = "http://127.0.0.1:3000"
        return config
    }

    func catalog(
        journal: Journal,
        licensing: FakeLicensing,
        registration: FakeRegistration
    ) -> PluginCatalog {
        var catalog = PluginCatalog()
        catalog.discovery["hosts"] = { _ in FakeDiscovery(journal: journal) }
        catalog.licenseFile = { _ in licensing }
        catalog.registration = { _ in registration }
        return catalog
    }

    func createDatabase(_ name: String, port: Int) async throws -> MetaClient.Reply {
        let client = MetaClient(configuration: .init(transport: PlainTransport(), timeout: .seconds(5)))
        return try await client.post(
            "127.0.0.1:\(port)",
            "/execute",
            json: MetaCommand.createDatabase(name: name).json(escapingSlashes: false)
        )
    }

    @Test func everyPluginIsCalledAtItsMoment() async throws {
        let dir = try makeTemporaryDirectory()
        let journal = Journal()
        let config = config(dir: dir)
        let (updates, update) = AsyncStream.makeStream(of: LicenseState.self)
        let licensing = FakeLicensing(
            journal: journal,
            raftDirectory: "\(dir)/raft",
            verdict: .success(LicenseState(status: .valid, expiresAt: Date(timeIntervalSinceNow: 86_400 * 30))),
            updates: updates
        )
        let registration = FakeRegistration(journal: journal)
        let logs = CapturedLogs()
        let (readyPorts, ready) = AsyncStream.makeStream(of: Int.self)
        let server = ServerService(
            config: config,
            catalog: catalog(journal: journal, licensing: licensing, registration: registration),
            logger: logs.logger(label: "lifecycle"),
            ready: ready,
            journal: journal
        )
        let group = ServiceGroup(services: [server], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var ports = readyPorts.makeAsyncIterator()
            let port = try #require(await ports.next())

            // The check ran before Raft made its directory; discovery was asked at start-up.
            #expect(journal.all.first == "check")
            #expect(journal.index(of: "known peers") != nil)
            #expect(logs.matching("license valid until").count == 1)

            // Registration runs once the single-server cluster exists, with its id.
            let info = try await eventually("registration") { journal.registered.withLock { $0 } }
            #expect(info.clusterID != 0)
            #expect(info.httpAddress == "127.0.0.1:\(port)")
            #expect(info.scheme == "http")
            _ = try await eventually("the monitor") { journal.index(of: "monitor") }

            // Writes follow the state the monitor reports.
            _ = try await eventually("a leader") {
                try await createDatabase("before", port: port).status == 200 ? true : nil
            }
            update.yield(LicenseState(status: .invalid(reason: "expired at 2026-12-01")))
            let refused = try await eventually("writes refused") {
                let reply = try await createDatabase("during", port: port)
                return reply.status == 403 ? reply : nil
            }
            #expect(refused.errorMessage?.contains("expired at 2026-12-01") == true)
            #expect(logs.matching("license not valid: expired at 2026-12-01").count == 1)
            update.yield(LicenseState(status: .grace(until: Date(timeIntervalSinceNow: 3_600 * 4))))
            _ = try await eventually("writes allowed in grace") {
                try await createDatabase("after", port: port).status == 200 ? true : nil
            }

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(journal.failure.withLock { $0 } == nil)
        // Stopped in reverse order of start: registration before the monitor.
        let stoppedRegistration = try #require(journal.index(of: "registration stopped"))
        let stoppedMonitor = try #require(journal.index(of: "monitor stopped"))
        #expect(stoppedRegistration < stoppedMonitor)
    }

    /// A check that throws, and one that answers "invalid": the refusal each must give.
    static let refusals: [(verdict: Result<LicenseState, LicenseError>, message: String)] = [
        (.failure(LicenseError(message: "license.json: bad signature")), "license.json: bad signature"),
        (
            .success(LicenseState(status: .invalid(reason: "expired at 2026-01-01"))),
            "license-path: license not valid: expired at 2026-01-01"
        ),
    ]

    @Test("a failing or invalid license check stops start-up before Raft", arguments: 0..<refusals.count)
    func licenseRefusalStopsStartUp(_ which: Int) async throws {
        let dir = try makeTemporaryDirectory()
        let journal = Journal()
        let config = config(dir: dir)
        let licensing = FakeLicensing(
            journal: journal,
            raftDirectory: "\(dir)/raft",
            verdict: Self.refusals[which].verdict,
            updates: AsyncStream { $0.finish() }
        )
        let catalog = catalog(journal: journal, licensing: licensing, registration: FakeRegistration(journal: journal))
        await #expect(throws: LicenseError(message: Self.refusals[which].message)) {
            try await MetaServer.run(config: config, singleServer: true, catalog: catalog, logger: Logger(label: "t"))
        }
        #expect(journal.all == ["check"])
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/raft"))
    }

    @Test func licenseTimeLeft() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        #expect(LicenseGate.timeLeft(until: now.addingTimeInterval(86_400 * 30 + 5), now: now) == "30 days left")
        #expect(LicenseGate.timeLeft(until: now.addingTimeInterval(3_600 * 5), now: now) == "5 hours left")
        #expect(LicenseGate.timeLeft(until: now.addingTimeInterval(90), now: now) == "1 minutes left")
        #expect(LicenseGate.timeLeft(until: now.addingTimeInterval(-1), now: now) == "expired")
    }
}
