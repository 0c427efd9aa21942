import FoundationEssentials
import Logging
import MetaKernel
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

/// ``ReloadService``: each reload reaches every part and logs its outcome; warnings repeat on
/// their interval.
@Suite("ReloadService")
struct ReloadServiceTests {
    /// A part that counts reloads, fails them when asked, and always has one warning.
    final class Part: Reloadable {
        let reloadSubject: String
        let fails: Bool
        let reloads = Mutex(0)

        init(_ subject: String, fails: Bool = false) {
            reloadSubject = subject
            self.fails = fails
        }

        struct Refused: Error, CustomStringConvertible {
            var description: String
        }

        func reload() async throws -> [String] {
            reloads.withLock { $0 += 1 }
            if fails { throw Refused(description: "\(reloadSubject) /etc/x.pem: no such file or directory") }
            return ["\(reloadSubject): renewed, expires soon"]
        }

        func currentWarnings(now: Date) -> [String] {
            ["\(reloadSubject): expires in 2 days"]
        }
    }

    @Test("a reload reaches every part in order; a failure keeps going and says the old state stays")
    func reloadsEveryPart() async {
        let logs = CapturedLogs()
        let good = Part("certificates")
        let bad = Part("license", fails: true)
        let service = ReloadService(parts: [bad, good], logger: logs.logger(label: "test"))
        await service.reloadAll()
        #expect(good.reloads.withLock { $0 } == 1)
        #expect(bad.reloads.withLock { $0 } == 1)
        let refused =
            "error: cannot reload license, keeping the previous one: license /etc/x.pem: no such file or directory"
        #expect(logs.matching("cannot reload") == [refused])
        #expect(logs.matching("reloaded") == ["info: reloaded certificates"])
        #expect(logs.matching("renewed") == ["warning: certificates: renewed, expires soon"])
    }

    @Test("current warnings are logged again every interval while the service runs")
    func repeatsWarnings() async throws {
        let logs = CapturedLogs()
        let service = ReloadService(
            parts: [Part("certificates")],
            configuration: .init(trapSIGHUP: false, warningInterval: .milliseconds(20)),
            logger: logs.logger(label: "test")
        )
        let group = ServiceGroup(services: [service], logger: logs.logger(label: "group", level: .critical))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            _ = try await eventually("the warning to repeat") {
                logs.matching("expires in 2 days").count >= 2 ? true : nil
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
