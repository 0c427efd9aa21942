import Foundation
import Logging
import MetaKernel
import TestSupport
import Testing

/// A valid license whose expiry is near is logged once, as a warning, with its notice.
@Suite("license gate notices")
struct LicenseGateNoticeTests {
    @Test("a valid state with a notice is logged once as a warning and allows writes")
    func noticeIsAWarning() {
        let logs = CapturedLogs()
        let logger = logs.logger(label: "license", level: .warning)
        let gate = LicenseGate(mode: "license-path")
        let expiry = Date(timeIntervalSinceNow: 20 * 86_400)
        gate.update(LicenseState(status: .valid, expiresAt: expiry), logger: logger)
        #expect(logs.matching("license valid").isEmpty)
        let warned = LicenseState(status: .valid, expiresAt: expiry, notice: "the license expires within 30 days")
        #expect(gate.update(warned, logger: logger))
        #expect(!gate.update(warned, logger: logger))
        #expect(logs.matching("license valid until").count == 1)
        #expect(logs.matching("left); the license expires within 30 days").count == 1)
        #expect(gate.writeRefusal == nil)
    }
}
