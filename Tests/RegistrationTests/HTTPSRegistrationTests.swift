import Foundation
import HummingbirdCore
import MetaKernel
import TLS
import TestSupport
import Testing

@testable import ConsoleRegistration

/// An `https://` console is dialled through our OpenSSL transport, trusting the system roots
/// plus `[meta] https-certificate`, or nothing with `https-insecure-tls`.
@Suite("registration with an https console", .timeLimit(.minutes(1)))
struct HTTPSRegistrationTests {
    @Test(
        "a console certificate from an untrusted CA is refused; trusted through the anchor file, or unverified, it registers"
    )
    func httpsConsole() async throws {
        let dir = try makeTemporaryDirectory("registration-https")
        let ca = try await PrivateCA(in: dir, name: "ca")
        let (cert, key) = try await ca.issue(in: dir, name: "console")
        var config = MetaConfig()
        config.meta.httpsEnabled = true
        config.meta.httpsCertificate = cert
        config.meta.httpsPrivateKey = key
        let receiver = try await ConsoleReceiver.start(server: .http1(over: try OpenSSLTransport(config: config)))
        let url = "https://127.0.0.1:\(receiver.port)"

        // System roots only: the private CA is unknown, so nothing reaches the console.
        let untrustedLogs = CapturedLogs()
        let untrusted = try RegistrationFixtures.plugin(url: url, logs: untrustedLogs)
        let refused = Task { await untrusted.run(node: RegistrationFixtures.node()) }
        let line = try await eventually("the refusal logged") { untrustedLogs.matching("unreachable").first }
        refused.cancel()
        await refused.value
        #expect(line.lowercased().contains("certificate"), "\(line)")
        #expect(receiver.calls.isEmpty)

        for (anchorFile, verifyPeer) in [(ca.certificate as String?, true), (nil, false)] {
            let logs = CapturedLogs()
            let plugin = try RegistrationFixtures.plugin(
                url: url,
                anchorFile: anchorFile,
                verifyPeer: verifyPeer,
                logs: logs
            )
            let before = receiver.calls(endingIn: "/stats/influxd-meta").count
            let run = Task { await plugin.run(node: RegistrationFixtures.node()) }
            _ = try await eventually("a report over https (anchor \(anchorFile ?? "none"), verify \(verifyPeer))") {
                receiver.calls(endingIn: "/stats/influxd-meta").count > before ? true : nil
            }
            #expect(logs.matching("registered with the web console").count == 1)
            run.cancel()
            await run.value
        }
        await receiver.stop()
    }
}
