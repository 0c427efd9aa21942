import Foundation
import MetaKernel
import TestSupport
import Testing

/// `influxd-meta` refuses to run without `[enterprise] license-key` or `license-path`, before
/// Raft opens, with one line saying how to get a license; its other commands need none.
@Suite("a node needs a license, through the built binary", .serialized)
struct LicenseRequiredTests {
    /// The refusal after `influxd-meta: <source>: `.
    static let reason =
        "neither [enterprise] license-key nor license-path is set, and a meta node does not run without a license;"
        + " set license-key to your license key from InfluxData, or license-path to a license file and"
        + " license-issuer-keys to its issuer's public key (for a development or air-gapped install, make both"
        + " with influx-license keygen and influx-license issue: docs/LICENSING.md)"

    /// Runs `influxd-meta arguments` with only `environment` (plus PATH) and a fresh HOME, so no
    /// config file is found unless given; kills it if it has not exited within the deadline.
    func run(_ arguments: [String], environment: [String: String]) async throws -> (status: Int32, stderr: String) {
        let root = try makeTemporaryDirectory("no-license")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.meta)
        process.arguments = arguments
        var env = environment
        env["HOME"] = root
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"]
        process.environment = env
        let log = "\(root)/stderr.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        let exited = try? await eventually("influxd-meta \(arguments) to exit") { process.isRunning ? nil : true }
        if exited == nil { kill(process.processIdentifier, SIGKILL) }
        await onOwnThread { process.waitUntilExit() }
        return (process.terminationStatus, try String(contentsOfFile: log, encoding: .utf8))
    }

    /// Built-in defaults moved to a temporary folder and free ports on 127.0.0.1.
    func defaultsEnvironment() throws -> (environment: [String: String], dir: String, http: Int) {
        let dir = "\(try makeTemporaryDirectory("no-license"))/meta"
        let http = freePort()
        let environment = [
            "INFLUXDB_META_DIR": dir,
            "INFLUXDB_META_BIND_ADDRESS": "127.0.0.1:\(freePort())",
            "INFLUXDB_META_HTTP_BIND_ADDRESS": "127.0.0.1:\(http)",
        ]
        return (environment, dir, http)
    }

    @Test("a config file with neither key: exit 1 with one line naming the file, before Raft")
    func configFile() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory(), license: .none)
        try node.start(["-single-server"])
        _ = try await eventually("\(node.root) to exit") { node.pid == nil ? true : nil }
        #expect(await node.stop() == 1)
        #expect(node.log == "influxd-meta: \(node.configPath): \(Self.reason)\n")
        #expect(!FileManager.default.fileExists(atPath: "\(node.root)/meta"))
    }

    @Test("the built-in defaults with neither key: the line says so")
    func builtInDefaults() async throws {
        try #require(!FileManager.default.fileExists(atPath: "/etc/influxdb/influxdb-meta.conf"))
        let defaults = try defaultsEnvironment()
        let result = try await run(["-single-server"], environment: defaults.environment)
        #expect(result.status == 1)
        #expect(result.stderr == "influxd-meta: built-in defaults (no config file): \(Self.reason)\n")
        #expect(!FileManager.default.fileExists(atPath: defaults.dir))
    }

    @Test("config, version and -help need no license")
    func otherCommands() async throws {
        let defaults = try defaultsEnvironment()
        for arguments in [["config"], ["version"], ["-help"], ["run", "-help"]] {
            let result = try await run(arguments, environment: defaults.environment)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("license"), "\(arguments): \(result.stderr)")
        }
    }

    @Test("a test's own [enterprise] table gets the development license inside it, not a second table")
    func fixtureInsideOwnTable() async throws {
        let node = try MetaProcess(
            root: try makeTemporaryDirectory(),
            extraConfig: "\n[enterprise]\nregistration-enabled = false\n"
        )
        #expect(node.config.components(separatedBy: "[enterprise]").count == 2, "\(node.config)")
        try node.start(["-single-server"])
        let client = MetaClient(configuration: .init(timeout: .seconds(5)))
        let status = try await eventually("the node to lead", timeout: .seconds(20)) {
            let status = try? await client.get(node.httpAddress, "/status").decode(ClusterStatus.self)
            return status?.leader.isEmpty == false ? status : nil
        }
        #expect(status.license?.status == "valid")
        #expect(await node.stop(signal: SIGTERM) == 0)
    }

    @Test("a license from the environment satisfies it, as scripts/run-meta.sh sets one")
    func environmentLicense() async throws {
        try #require(!FileManager.default.fileExists(atPath: "/etc/influxdb/influxdb-meta.conf"))
        let license = try DevelopmentLicense.shared
        var defaults = try defaultsEnvironment()
        defaults.environment["INFLUXDB_ENTERPRISE_LICENSE_PATH"] = license.licensePath
        defaults.environment["INFLUXDB_ENTERPRISE_LICENSE_ISSUER_KEYS"] = license.issuerKeyPath
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.meta)
        process.arguments = ["-single-server"]
        process.environment = defaults.environment.merging(["HOME": defaults.dir + "-home"]) { $1 }
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let client = MetaClient(configuration: .init(timeout: .seconds(5)))
        let status = try await eventually("the node to lead", timeout: .seconds(20)) {
            let status = try? await client.get("127.0.0.1:\(defaults.http)", "/status").decode(ClusterStatus.self)
            return status?.leader.isEmpty == false ? status : nil
        }
        #expect(status.license?.mode == "license-path")
        #expect(status.license?.status == "valid")
        kill(process.processIdentifier, SIGTERM)
        await onOwnThread { process.waitUntilExit() }
        #expect(process.terminationStatus == 0)
    }
}
