import Foundation
import TestSupport
import Testing

/// The installation guide on three hosts made of network namespaces
/// (`scripts/seed-procedure-netns.sh`). Needs root, as CI has.
@Suite("Installation guide on three network-namespace hosts")
struct SeedProcedureTests {
    static var isRoot: Bool { getuid() == 0 }

    @Test(
        "join, show on every host, leader killed, restarted",
        .enabled(if: isRoot, "needs root for network namespaces")
    )
    func seedProcedure() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var environment = ProcessInfo.processInfo.environment
        environment["INFLUXD_BIN_DIR"] = Binaries.directory
        let result = try await runCommand(
            "/bin/bash",
            [root.appendingPathComponent("scripts/seed-procedure-netns.sh").path],
            environment: environment
        )
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains(" passed, 0 failed"), "\(result.stdout)")
    }
}
