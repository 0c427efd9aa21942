import Foundation
import Logging
import MetaKernel
import TestSupport

@testable import ConsoleRegistration

/// The node every plugin test registers: cluster 7, server 3, leading a three-member cluster.
enum RegistrationFixtures {
    static let raftAddress = "meta3.test:8089"

    /// The node; `license` is what its status reports (none when `nil`).
    static func node(license: LicenseReport? = validLicense, leader: String = raftAddress) -> RegistrationInfo {
        RegistrationInfo(
            clusterID: 7,
            nodeID: 3,
            hostname: "meta3",
            httpAddress: "meta3.test:8091",
            raftAddress: raftAddress,
            scheme: "http",
            version: "1.2.3",
            status: {
                var status = ClusterStatus(
                    leader: leader,
                    httpAddress: "meta3.test:8091",
                    raftAddress: raftAddress,
                    peers: ["meta1.test:8089", "meta2.test:8089", raftAddress]
                )
                status.term = 4
                status.index = 42
                status.license = license
                return status
            }
        )
    }

    /// A valid license-key license with a known expiry.
    static var validLicense: LicenseReport {
        var report = LicenseReport(mode: "license-key", state: nil)
        report.status = "valid"
        report.expiresAt = "2027-01-01T00:00:00Z"
        report.daysLeft = 26
        return report
    }

    /// A plugin for `url` logging into `logs`.
    static func plugin(
        url: String,
        token: String = "",
        statsInterval: Duration = .milliseconds(200),
        initialBackoff: Duration = .milliseconds(50),
        timeout: Duration = .seconds(2),
        anchorFile: String? = nil,
        verifyPeer: Bool = true,
        logs: CapturedLogs
    ) throws -> WebConsoleRegistration {
        try WebConsoleRegistration(
            configuration: .init(
                serverURL: url,
                token: token,
                statsInterval: statsInterval,
                initialBackoff: initialBackoff,
                timeout: timeout,
                anchorFile: anchorFile,
                verifyPeer: verifyPeer,
                logger: logs.logger(label: "registration")
            )
        )
    }

    /// `body` with the uptime, which depends on timing, set to 0; `nil` when it has none.
    static func withoutUptime(_ body: String) -> String? {
        guard let range = body.range(of: #""uptime_seconds":[0-9]+"#, options: .regularExpression) else { return nil }
        return body.replacingCharacters(in: range, with: #""uptime_seconds":0"#)
    }
}
