import Foundation
import MetaKernel
import TestSupport
import Testing

/// The README's run command, `scripts/run-meta.sh`, on the built binaries (no package install, no
/// release build): on the built-in defaults it makes a development license beside the state,
/// reuses it, and the node starts with it; with `-config` it leaves licensing to the file.
@Suite("scripts/run-meta.sh and scripts/dev-license.sh", .serialized)
struct RunMetaScriptTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    let client = MetaClient(configuration: .init(timeout: .seconds(5)))

    /// A state folder and ports for the built-in defaults, moved off /var/lib and :8091.
    struct Machine {
        let root: String
        let http = freePort()
        let raft = freePort()
        var metaDir: String { "\(root)/state/meta" }
        var devLicense: String { "\(root)/state/dev-license" }
        var environment: [String: String] {
            [
                "HOME": root, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                "RUN_META_SKIP_INSTALL": "1", "RUN_META_BIN_DIR": Binaries.directory,
                "INFLUXDB_META_DIR": metaDir, "INFLUXDB_META_BIND_ADDRESS": "127.0.0.1:\(raft)",
                "INFLUXDB_META_HTTP_BIND_ADDRESS": "127.0.0.1:\(http)",
            ]
        }
        init() throws { root = try makeTemporaryDirectory("run-meta") }
    }

    /// Runs `scripts/run-meta.sh arguments`; waits for the node to lead, or for the script to
    /// exit; then stops it. Returns the script's standard output, its log and exit status, and
    /// the node's `/status` if it led.
    func runMeta(
        _ machine: Machine,
        _ arguments: [String] = [],
        run: Int
    ) async throws -> (stdout: String, log: String, status: ClusterStatus?, exit: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["\(Self.repository)/scripts/run-meta.sh"] + arguments
        process.environment = machine.environment
        let out = "\(machine.root)/run-\(run).out"
        let log = "\(machine.root)/run-\(run).log"
        for path in [out, log] { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        let status = try? await eventually("run \(run) to lead or exit", timeout: .seconds(30)) {
            () -> ClusterStatus?? in
            if !process.isRunning { return .some(nil) }
            let status = try? await client.get("127.0.0.1:\(machine.http)", "/status").decode(ClusterStatus.self)
            return status?.leader.isEmpty == false ? .some(status) : nil
        }
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        await onOwnThread { process.waitUntilExit() }
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        return (read(out), read(log), status ?? nil, process.terminationStatus)
    }

    /// The `dev-license:` lines of `stdout`.
    func devLicenseLines(_ stdout: String) -> [Substring] {
        stdout.split(separator: "\n").filter { $0.hasPrefix("dev-license: ") }
    }

    @Test("first run makes the issuer and a one-year license and starts on them; the second reuses them")
    func firstAndSecondRun() async throws {
        let machine = try Machine()
        let first = try await runMeta(machine, run: 1)
        let license = "\(machine.devLicense)/license.json"
        let issuer = "\(machine.devLicense)/issuer/issuer.pub.pem"
        let made = devLicenseLines(first.stdout)
        #expect(made.count == 1, "\(first.stdout)")
        #expect(
            made.first?.hasPrefix("dev-license: made an issuer key pair and a license until ") == true,
            "\(first.stdout)"
        )
        #expect(
            made.first?.hasSuffix(
                " in \(machine.devLicense) (development only: the license is \(license), its issuer \(issuer))"
            ) == true
        )
        let report = try #require(first.status?.license, "\(first.log)")
        #expect(report.mode == "license-path")
        #expect(report.status == "valid")
        #expect((364...365).contains(report.daysLeft ?? 0))
        #expect(first.exit == 0, "\(first.log)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: license))
        let key = try Data(contentsOf: URL(fileURLWithPath: "\(machine.devLicense)/issuer/issuer.key.pem"))

        let second = try await runMeta(machine, run: 2)
        #expect(
            devLicenseLines(second.stdout).map(String.init) == [
                "dev-license: using the development license \(license) (until \(report.expiresAt ?? "?"), issuer \(issuer))"
            ],
            "\(second.stdout)"
        )
        #expect(second.status?.license?.status == "valid", "\(second.log)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: license)) == bytes)
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(machine.devLicense)/issuer/issuer.key.pem")) == key)
    }

    @Test("with -config the file decides: no development license, and a file without one is refused")
    func explicitConfig() async throws {
        let machine = try Machine()
        let node = try MetaProcess(root: "\(machine.root)/node", license: .none)
        let result = try await runMeta(machine, ["-config", node.configPath, "-single-server"], run: 1)
        #expect(devLicenseLines(result.stdout).isEmpty, "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: machine.devLicense))
        #expect(result.exit == 1)
        #expect(result.log == "influxd-meta: \(node.configPath): \(LicenseRequiredTests.reason)\n")
    }

    @Test("dev-license.sh issues a new license when the one it finds has expired, by the same issuer")
    func reissueExpired() async throws {
        let machine = try Machine()
        let script = "\(Self.repository)/scripts/dev-license.sh"
        let tool = Binaries.license
        let made = try await runCommand("/bin/bash", [script, machine.devLicense, tool])
        #expect(made.status == 0, "\(made.stderr)")
        let license = "\(machine.devLicense)/license.json"
        let issuer = "\(machine.devLicense)/issuer/issuer.pub.pem"
        let expired = try await runCommand(
            tool,
            [
                "issue", "-key", "\(machine.devLicense)/issuer/issuer.key.pem", "-org", "old", "-data-nodes", "1",
                "-cores", "1", "-not-before", "2020-01-01", "-expires", "2021-01-01", "-out", license,
            ]
        )
        #expect(expired.status == 0, "\(expired.stderr)")
        let publicKey = try String(contentsOfFile: issuer, encoding: .utf8)
        let again = try await runCommand("/bin/bash", [script, machine.devLicense, tool])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.hasPrefix("dev-license: made a license until "), "\(again.stdout)")
        #expect(again.stdout.split(separator: "\n").count == 1)
        #expect(try String(contentsOfFile: issuer, encoding: .utf8) == publicKey)
        let inspected = try await runCommand(tool, ["inspect", license, "-issuer-keys", issuer])
        #expect(inspected.status == 0, "\(inspected.stderr)")
    }
}
