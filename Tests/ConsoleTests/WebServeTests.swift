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
        let reading = Task {
            try await onOwnThread { () throws -> String in
                var text = ""
                while !text.contains("\n") {
                    let chunk = out.fileHandleForReading.availableData
                    guard !chunk.isEmpty else { throw CocoaError(.fileReadUnknown) }
                    text += String(decoding: chunk, as: UTF8.self)
                }
                return text
            }
        }
        let line: String
        do {
            line = try await reading.value
        } catch {
            kill(process.processIdentifier, SIGKILL)
            throw error
        }
        let prefix = "influx-console: serving on "
        #expect(line.hasPrefix(prefix), "\(line)")
        let rest = line.dropFirst(prefix.count).split(separator: " ")
        let address = String(rest.first ?? "")
        let scheme = String(rest.dropFirst().first ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "()\n"))
        return (process, address, scheme)
    }

    /// Runs `body` with a started console; kills the console when `body` throws.
    static func withConsole(
        _ arguments: [String],
        _ body: (Process, String, String) async throws -> Void
    ) async throws {
        let (process, address, scheme) = try await start(arguments)
        do {
            try await body(process, address, scheme)
        } catch {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw error
        }
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
        try await Self.withConsole(arguments) { process, address, scheme in
            #expect(scheme == (https ? "https" : "http"))
            #expect(address.hasPrefix("127.0.0.1:") && !address.hasSuffix(":0"))
            let client = try ClusterConnector(configuration: .init(verifyPeer: false, timeout: .seconds(20))).client(
                scheme: scheme
            )
            let page = try await client.get(address, "/")
            #expect(page.status == 200)
            #expect(page.text.contains("<h1>Clusters</h1>"))
            let cookie = page.header("Set-Cookie") ?? ""
            #expect(cookie.contains("Secure") == https)
            kill(process.processIdentifier, SIGTERM)
            _ = try await eventually("influx-console to exit", timeout: .seconds(5)) { process.isRunning ? nil : true }
            #expect(process.terminationStatus == 0)
        }
        #expect(FileManager.default.fileExists(atPath: "\(dir)/data/console.db"))
    }
}

extension WebServeTests {
    @Test("SIGTERM ends an open live-update stream and the console exits")
    func stopsWithOpenStream() async throws {
        let dir = try makeTemporaryDirectory("console-stop")
        try await Self.withConsole(["-bind", "127.0.0.1:0", "-db", "\(dir)/console.db"]) { process, address, _ in
            let client = MetaClient(configuration: .init(timeout: .seconds(5)))
            let body = #"{"cluster_id":"9","server_id":"1","host":"h","product":"influxd-meta","version":"1"}"#
            #expect(try await client.post(address, "/api/v1/servers", json: Array(body.utf8)).status == 201)
            let port = Int(address.split(separator: ":").last ?? "") ?? 0
            let pid = process.processIdentifier
            let ended = try await onOwnThread { () throws -> Bool in
                let socket = try BlockingSocket(port: port, timeoutSeconds: 5)
                try socket.send(Array("GET /clusters/9/events HTTP/1.1\r\nHost: console\r\n\r\n".utf8))
                var text = ""
                try WebEventStreamTests.read(socket, into: &text, until: "event: panel")
                kill(pid, SIGTERM)
                return socket.waitForClose()
            }
            #expect(ended)
            _ = try await eventually("influx-console to exit", timeout: .seconds(5)) { process.isRunning ? nil : true }
            #expect(process.terminationStatus == 0)
        }
    }
}
