import Foundation
import MetaKernel
import Synchronization
import TestSupport
import Testing

@testable import LicenseKey

/// A node that started without reaching the license server asks again after the retry
/// interval, not after the (hours-long) refresh interval.
@Suite("license-key retry after a failed start-up check", .serialized)
struct LicenseRetryTests {
    @Test("grace at start, then valid once the server answers, long before the refresh interval")
    func retriesSoonAfterFailedStart() async throws {
        let server = try await LicenseServerProcess()
        let dir = try makeTemporaryDirectory("license-retry")
        let plugin = LicenseKeyPlugin(
            configuration: .init(
                key: LicenseServerProcess.knownKey,
                serverURL: server.url,
                issuerKeyPaths: [server.issuerPublicKey],
                cachePath: "\(dir)/license-cache.json",
                host: "meta1",
                builtInIssuerKeys: [],
                refreshInterval: .seconds(3600),
                gracePeriod: .seconds(3600),
                retryInterval: .seconds(1),
                tick: .milliseconds(100),
                timeout: .seconds(2)
            )
        )

        // Nothing listens yet: the start-up check begins a grace period.
        let first = try await plugin.check()
        guard case .grace = first.status else {
            Issue.record("expected a grace period with the server down, got \(first.status)")
            return
        }

        try await server.start()
        let states = Mutex<[LicenseState.Status]>([])
        let monitor = Task { await plugin.monitor { state in states.withLock { $0.append(state.status) } } }
        defer { monitor.cancel() }
        let valid = try await eventually("the monitor reports a valid license", timeout: .seconds(15)) {
            states.withLock { $0.contains(.valid) } ? true : nil
        }
        #expect(valid)
        monitor.cancel()
        await server.stop()
    }
}
