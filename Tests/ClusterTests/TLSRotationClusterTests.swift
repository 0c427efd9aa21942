import Foundation
import MetaKernel
import TLS
import TestSupport
import Testing

/// SIGHUP re-reads the certificate and key: connections made afterwards get the new
/// certificate, and clients writing all along see no failed request.
@Suite("TLS certificate rotation on SIGHUP", .serialized)
struct TLSRotationClusterTests {
    /// Writes done and failures seen by the writers.
    final class Tally: @unchecked Sendable {
        // Invariant: every field is read and written under `lock`.
        private let lock = NSLock()
        private var writes = 0
        private var failures: [String] = []
        private var stopped = false

        func record(_ failure: String?) {
            lock.withLock {
                if let failure { failures.append(failure) } else { writes += 1 }
            }
        }
        var count: Int { lock.withLock { writes } }
        var failed: [String] { lock.withLock { failures } }
        var isStopped: Bool { lock.withLock { stopped } }
        func stop() { lock.withLock { stopped = true } }
    }

    @Test("a certificate rotated by SIGHUP while 8 clients write fails no request; a bad one keeps the old")
    func rotateWhileWriting() async throws {
        let dir = try makeTemporaryDirectory("tls-rotation")
        let oldCA = try await PrivateCA(in: dir, name: "old-ca")
        let newCA = try await PrivateCA(in: dir, name: "new-ca")
        let old = try await oldCA.issue(in: dir, name: "old")
        let new = try await newCA.issue(in: dir, name: "new")
        let cert = "\(dir)/node.crt"
        let key = "\(dir)/node.key"
        try FileManager.default.copyItem(atPath: old.cert, toPath: cert)
        try FileManager.default.copyItem(atPath: old.key, toPath: key)
        chmod(key, 0o600)
        let both = "\(dir)/both-ca.pem"
        try
            (String(contentsOfFile: oldCA.certificate, encoding: .utf8)
            + String(contentsOfFile: newCA.certificate, encoding: .utf8))
            .write(toFile: both, atomically: true, encoding: .utf8)

        let node = try MetaProcess(
            root: "\(dir)/node",
            metaExtraConfig: "https-enabled = true\nhttps-certificate = \"\(cert)\"\nhttps-private-key = \"\(key)\"\n"
        )
        try node.start(["-single-server"])
        let writer = MetaClient(
            configuration: .init(
                transport: try OpenSSLTransport.client(verifyPeer: true, caFile: both),
                timeout: .seconds(10)
            )
        )
        let newOnly = MetaClient(
            configuration: .init(
                transport: try OpenSSLTransport.client(verifyPeer: true, caFile: newCA.certificate),
                timeout: .seconds(10)
            )
        )
        _ = try await eventually("the node to take writes", timeout: .seconds(20)) {
            await Self.write("warm-up", via: writer, to: node) == nil ? true : nil
        }
        #expect(await Self.status(via: newOnly, of: node) == nil, "the new CA does not sign the old certificate yet")

        let tally = Tally()
        let writers = (0..<8).map { id in
            Task {
                var n = 0
                while !tally.isStopped {
                    n += 1
                    tally.record(await Self.write("w\(id)-\(n)", via: writer, to: node))
                }
            }
        }
        _ = try await eventually("writes before the rotation") { tally.count >= 40 ? true : nil }

        // A keep-alive connection made before the rotation, trusting the old CA only.
        let established = try KeepAliveClient(address: node.httpAddress, caFile: oldCA.certificate)
        defer { established.close() }
        try await established.get("/status", expectingAnswers: 1)

        // Rotate: the new files replace the old ones in place, then SIGHUP.
        try Self.replace(cert, with: new.cert)
        try Self.replace(key, with: new.key)
        kill(try #require(node.pid), SIGHUP)
        _ = try await eventually("new connections to get the new certificate") {
            await Self.status(via: newOnly, of: node) == 200 ? true : nil
        }
        // The connection made before the rotation is still up, with the old certificate.
        try await established.get("/status", expectingAnswers: 2)
        let afterRotation = tally.count
        _ = try await eventually("writes after the rotation") { tally.count >= afterRotation + 40 ? true : nil }

        // A key that does not parse: the reload fails, the certificate in use stays.
        try "not a key\n".write(toFile: key, atomically: true, encoding: .utf8)
        chmod(key, 0o600)
        kill(try #require(node.pid), SIGHUP)
        _ = try await eventually("the failed reload to be logged") {
            node.log.contains("cannot reload TLS certificates") ? true : nil
        }
        let afterFailure = tally.count
        _ = try await eventually("writes after the failed reload") { tally.count >= afterFailure + 40 ? true : nil }
        #expect(await Self.status(via: newOnly, of: node) == 200)

        tally.stop()
        for task in writers { await task.value }
        #expect(tally.failed == [], "\(tally.failed.count) of \(tally.count) writes failed")
        #expect(node.log.contains("reloaded TLS certificates"))
        #expect(await node.stop(signal: SIGTERM) == 0)
    }

    /// Creates database `name`; `nil` on success, otherwise why not.
    static func write(_ name: String, via client: MetaClient, to node: MetaProcess) async -> String? {
        do {
            let reply = try await client.post(
                node.httpAddress,
                "/execute",
                json: Array(#"{"type":"create-database","name":"\#(name)"}"#.utf8)
            )
            return reply.status == 200 ? nil : "\(name): HTTP \(reply.status) \(reply.text.prefix(200))"
        } catch {
            return "\(name): \(error)"
        }
    }

    /// The status code of `GET /status`, or `nil` if the request failed.
    static func status(via client: MetaClient, of node: MetaProcess) async -> Int? {
        try? await client.get(node.httpAddress, "/status").status
    }

    /// Replaces `path` by a copy of `source` in one rename, as an operator's `mv` would.
    static func replace(_ path: String, with source: String) throws {
        let staged = path + ".new"
        try? FileManager.default.removeItem(atPath: staged)
        try FileManager.default.copyItem(atPath: source, toPath: staged)
        chmod(staged, 0o600)
        guard rename(staged, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// One TLS connection held open by `openssl s_client`, for requests over it at chosen times.
    final class KeepAliveClient: @unchecked Sendable {
        // Invariant: `output` is only touched under `lock`; the process and pipes are set once.
        private let process = Process()
        private let input = Pipe()
        private let outputPipe = Pipe()
        private let lock = NSLock()
        private var output = ""
        private let address: String

        init(address: String, caFile: String) throws {
            self.address = address
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = [
                "s_client", "-connect", address, "-CAfile", caFile, "-verify_return_error", "-quiet", "-ign_eof",
            ]
            process.standardInput = input
            process.standardOutput = outputPipe
            process.standardError = FileHandle.nullDevice
            outputPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let text = String(decoding: handle.availableData, as: UTF8.self)
                self?.lock.withLock { self?.output += text }
            }
            try process.run()
        }

        /// Sends `GET path` on the connection and waits until `count` answers have arrived on it.
        func get(_ path: String, expectingAnswers count: Int) async throws {
            let request = "GET \(path) HTTP/1.1\r\nHost: \(address)\r\n\r\n"
            input.fileHandleForWriting.write(Data(request.utf8))
            _ = try await eventually("answer \(count) on the kept-alive connection") {
                let answers = lock.withLock { output.components(separatedBy: "HTTP/1.1 200").count - 1 }
                return answers >= count ? true : nil
            }
        }

        func close() {
            if process.isRunning { process.terminate() }
            outputPipe.fileHandleForReading.readabilityHandler = nil
        }
    }
}
