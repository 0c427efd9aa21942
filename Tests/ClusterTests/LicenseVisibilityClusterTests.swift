import Foundation
import MetaKernel
import TestSupport
import Testing

/// The license as `/status`, `/debug/vars` and `influxd-ctl show -v` show it, through the built
/// binaries, with a license file from `influx-license issue` (a node without one does not start:
/// LicenseRequiredTests).
@Suite("license visibility from the built binaries", .serialized)
struct LicenseVisibilityClusterTests {
    let client = MetaClient(configuration: .init(timeout: .seconds(5)))

    struct Vars: Decodable {
        struct Entitlements: Decodable {
            var licenseExpiry: String?
            var licenseType: String
        }
        var entitlements: Entitlements
    }

    func waitForLeader(_ node: MetaProcess) async throws -> ClusterStatus {
        try await eventually("\(node.httpAddress) to lead", timeout: .seconds(20)) {
            let status = try await client.get(node.httpAddress, "/status").decode(ClusterStatus.self)
            return status.leader.isEmpty ? nil : status
        }
    }

    @Test("a licensed node shows its license in /status, /debug/vars and show -v; plain show does not")
    func licensed() async throws {
        let issuer = try await LicenseFileClusterTests.Issuer()
        let license = "\(issuer.dir)/license.json"
        try await issuer.issue(to: license)
        let node = try MetaProcess(
            root: try makeTemporaryDirectory(),
            extraConfig:
                "\n[enterprise]\nlicense-path = \"\(license)\"\nlicense-issuer-keys = [\"\(issuer.publicKey)\"]\n"
        )
        try node.start(["-single-server"])
        let status = try await waitForLeader(node)
        let report = try #require(status.license)
        #expect(report.mode == "license-path")
        #expect(report.status == "valid")
        #expect(report.expiresAt == "2099-01-01T00:00:00Z")
        #expect((report.daysLeft ?? 0) > 365 * 70)
        #expect(report.entitlements == .init(dataNodes: 4, coresPerDataNode: 8))

        let vars = try await client.get(node.httpAddress, "/debug/vars").decode(Vars.self)
        #expect(vars.entitlements.licenseType == "license-path")
        #expect(vars.entitlements.licenseExpiry == "2099-01-01T00:00:00Z")

        let verbose = try await runCommand(Binaries.ctl, ["-bind", node.httpAddress, "show", "-v"])
        #expect(verbose.status == 0, "\(verbose.stderr)")
        let section = try #require(verbose.stdout.range(of: "\nLicense\n=======\n"))
        #expect(verbose.stdout.range(of: "Raft Status")!.lowerBound < section.lowerBound)
        let tail = verbose.stdout[section.upperBound...]
        #expect(tail.contains("Mode                  license-path\n"))
        #expect(tail.contains("Status                valid\n"))
        #expect(tail.contains("Expires               2099-01-01T00:00:00Z\n"))
        #expect(tail.contains("Days Left             \(report.daysLeft!)\n"))
        #expect(tail.contains("Data Nodes            4\n"))
        #expect(tail.contains("Cores Per Data Node   8\n"))
        let plain = try await runCommand(Binaries.ctl, ["-bind", node.httpAddress, "show"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(!plain.stdout.contains("License"))
        _ = await node.stop()
    }
}
