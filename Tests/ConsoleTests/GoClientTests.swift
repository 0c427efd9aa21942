import Console
import Foundation
import Hummingbird
import Logging
import TestSupport
import Testing

/// InfluxData's own registration client (Debian's golang-github-influxdb-enterprise-client-dev,
/// built with Debian's Go) against the registration routes on a real port.
@Suite(
    "Go registration client",
    .enabled(
        if: GoClient.isAvailable,
        "needs go and the enterprise client library: apt-get install golang-go golang-github-influxdb-enterprise-client-dev"
    )
)
struct GoClientTests {
    @Test("registers and reports stats; a wrong token is its 401 error; a 422 reaches it as validation errors")
    func registers() async throws {
        let binary = try await GoClient.build()
        let registry = try Registry(path: try makeTemporaryDirectory("go-client") + "/console.db")
        let state = ConsoleState()
        let router = Router()
        RegistrationRoutes(registry: registry, state: state, token: "go-token", logger: Logger(label: "test"))
            .add(to: router)
        try await Application(router: router).testOverSockets { client in
            let url = "http://127.0.0.1:\(try #require(client.port))"
            let ok = try await GoClient.run(
                binary,
                ["-url", url, "-token", "go-token", "-cluster", "9001", "-server", "4", "-http-addr", "127.0.0.1:1"]
            )
            #expect(ok.status == 0, "\(ok.stderr)")
            #expect(ok.stdout == "registered\n")

            let wrongToken = try await GoClient.run(binary, ["-url", url, "-token", "nope", "-cluster", "9002"])
            #expect(wrongToken.status == 1)
            #expect(
                wrongToken.stderr.hasPrefix("register server: a wrong X-Authorization token"),
                "\(wrongToken.stderr)"
            )

            let invalid = try await GoClient.run(binary, ["-url", url, "-token", "go-token", "-cluster", ""])
            #expect(invalid.status == 1)
            #expect(invalid.stderr == #"register server: {"errors":{"cluster_id":["is required"]}}"# + "\n")
        }
        #expect(try await registry.clusters().map(\.id) == ["9001"])
        let server = try #require(try await registry.servers(clusterID: "9001").first)
        #expect(server.serverID == "4")
        #expect(server.host == "go-client-host")
        #expect(server.version == "go-client")
        #expect(server.metaTag("http_addr") == "127.0.0.1:1")
        #expect(server.stats.first?.values["is_leader"] == .bool(true))
        #expect(await state.cluster("9001")?.metaNodes.map(\.httpAddress) == ["127.0.0.1:1"])
    }
}

/// Builds tools/registration-client.
enum GoClient {
    struct BuildFailure: Error, CustomStringConvertible {
        var description: String
    }

    static let go = "/usr/bin/go"
    static let library = "/usr/share/gocode/src/github.com/influxdb/enterprise-client/v1"

    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: go) && FileManager.default.fileExists(atPath: library)
    }

    /// The package's root, from this file's path.
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// Runs `binary` without holding a thread of the cooperative pool (which the in-process
    /// server answering it needs): output goes to files, the exit is awaited by a handler.
    static func run(_ binary: String, _ arguments: [String]) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let directory = try makeTemporaryDirectory("go-client-run")
        let out = "\(directory)/stdout"
        let err = "\(directory)/stderr"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle(forWritingAtPath: err)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return (
            status: process.terminationStatus,
            stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        )
    }

    static func build() async throws -> String {
        let directory = try makeTemporaryDirectory("go-client-build")
        let output = "\(directory)/registration-client"
        var environment = ProcessInfo.processInfo.environment
        environment["GOPATH"] = "/usr/share/gocode"
        environment["GO111MODULE"] = "off"
        environment["GOCACHE"] = "\(directory)/cache"
        let result = try await runCommand(
            go,
            ["build", "-o", output, "\(packageRoot)/tools/registration-client/main.go"],
            environment: environment
        )
        guard result.status == 0 else {
            throw BuildFailure(description: "go build of tools/registration-client failed: \(result.stderr)")
        }
        return output
    }
}
