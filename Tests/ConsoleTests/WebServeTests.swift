import Console
import Foundation
import MetaKernel
import TestSupport
import Testing

/// The built `influx-console` serving: the line that names the real port, the pages over HTTP
/// and HTTPS (our OpenSSL transport), and a graceful stop on SIGTERM.
@Suite("influx-console serving")
struct WebServeTests {
    /// Starts the console with `arguments`; returns the process and the address its serving line names.
    static func start(_ arguments: [String]) async throws -> (Process, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: WebFlagTests.console)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = try await Task.detached { () throws -> String in
            var text = ""
            while !text.contains("\n") {
                let chunk = out.fileHandleForReading.availableData
                guard !chunk.isEmpty else { throw CocoaError(.fileReadUnknown) }
                text += String(decoding: chunk, as: UTF8.self)
            }
            return text
        }.value
        let prefix = "influx-console: serving on "
        #expect(line.hasPrefix(prefix), "\(line)")
        let rest = line.dropFirst(prefix.count).split(separator: " ")
        let address = String(rest.first ?? "")
        let scheme = String(rest.dropFirst().first ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "()\n"))
        return (process, address, scheme)
    }

    @Test(
        "over HTTP and HTTPS it names the real port, serves the pages, and stops on SIGTERM",
        arguments: [false, true]
    )
    func serves(https: Bool) async throws {
        let dir = try makeTemporaryDirectory("console-serve")
        var arguments = ["-bind", "127.0.0.1:0", "-db", "\(dir)/data/console.db"]
        if https {
            let (cert, key) = try await makeSelfSignedCertificate(in: dir, name: "console")
            arguments += ["-cert", cert, "-key-file", key]
        }
        let (process, address, scheme) = try await Self.start(arguments)
        #expect(scheme == (https ? "https" : "http"))
        #expect(address.hasPrefix("127.0.0.1:") && !address.hasSuffix(":0"))
        let client = try ClusterConnector(configuration: .init(verifyPeer: false)).client(scheme: scheme)
        let page = try await client.get(address, "/")
        #expect(page.status == 200)
        #expect(page.text.contains("<h1>Clusters</h1>"))
        let cookie = page.header("Set-Cookie") ?? ""
        #expect(cookie.contains("Secure") == https)
        kill(process.processIdentifier, SIGTERM)
        await Task.detached { process.waitUntilExit() }.value
        #expect(process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: "\(dir)/data/console.db"))
    }
}
