import Foundation
import MetaKernel

/// A running `influx-license serve` with its own issuer and keys file, for key-mode tests.
public final class LicenseServerProcess: @unchecked Sendable {
    /// The folder with the issuer keys, the keys file and the server's log.
    public let dir: String
    /// The port it listens on (kept across restarts).
    public let port: Int
    /// `-validity`.
    public let validity: String
    // Touched only by the test task that owns this object.
    private var process: Process?

    /// The key the keys file knows.
    public static let knownKey = "0f5d7de6-f5f9-4e96-9611-5ee3212cae34"
    /// The key the keys file lists as revoked.
    public static let revokedKey = "dead0000-0000-0000-0000-000000000001"

    public var address: String { "127.0.0.1:\(port)" }
    /// A certificate and key file: `serve` with `-cert` and `-key-file` (HTTPS).
    public var certificate: (cert: String, key: String)?
    public var url: String { "\(certificate == nil ? "http" : "https")://\(address)/api/v1/licenses" }
    public var issuerPublicKey: String { "\(dir)/keys/issuer.pub.pem" }
    public var log: String { (try? String(contentsOfFile: "\(dir)/serve.log", encoding: .utf8)) ?? "" }

    /// Makes an issuer and a keys file; does not start the server.
    public init(validity: String = "8h") async throws {
        dir = try makeTemporaryDirectory("license-server")
        port = freePort()
        self.validity = validity
        let made = try await runCommand(Binaries.license, ["keygen", "-out", "\(dir)/keys"])
        guard made.status == 0 else { throw CocoaError(.fileWriteUnknown) }
        try writeKeys(revokingKnownKey: false)
    }

    /// Writes the keys file; the server reads it when it starts.
    public func writeKeys(revokingKnownKey: Bool) throws {
        let keys = """
            {"keys": [
              {"key": "\(Self.knownKey)", "organization": "Acme", "data-nodes": 4, "cores": 8, "revoked": \(revokingKnownKey)},
              {"key": "\(Self.revokedKey)", "organization": "Old", "data-nodes": 1, "cores": 1, "revoked": true}
            ]}
            """
        try keys.write(toFile: "\(dir)/keys.json", atomically: true, encoding: .utf8)
    }

    /// Starts the server and waits until it accepts connections.
    public func start() async throws {
        let logPath = "\(dir)/serve.log"
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.license)
        process.arguments =
            [
                "serve", "-bind", address, "-keys", "\(dir)/keys.json", "-key", "\(dir)/keys/issuer.key.pem",
                "-validity", validity,
            ] + (certificate.map { ["-cert", $0.cert, "-key-file", $0.key] } ?? [])
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        let port = port
        do {
            _ = try await eventually("influx-license serve on \(address)") {
                if !process.isRunning { return false }
                return await MetaClient.canConnect(host: "127.0.0.1", port: port, timeout: .milliseconds(200))
                    ? true : nil
            }
        } catch {
            throw StartFailure(description: "\(error); its log: \(log)")
        }
        guard process.isRunning else {
            throw StartFailure(
                description: "influx-license serve on \(address) exited \(process.terminationStatus): \(log)"
            )
        }
    }

    /// Kills the server and waits for it to exit.
    public func stop() async {
        guard let process else { return }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        await onOwnThread { process.waitUntilExit() }
        self.process = nil
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// The server did not come up: why, with its log.
    public struct StartFailure: Error, CustomStringConvertible {
        public var description: String
    }
}
