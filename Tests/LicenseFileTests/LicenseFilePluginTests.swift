import Foundation
import LicenseFile
import MetaKernel
import Synchronization
import TLS
import TestSupport
import Testing

/// The `license-path` plugin: each refusal as the one line start-up prints, the state of a good
/// license, and the monitor noticing a replaced file.
@Suite("license-path plugin")
struct LicenseFilePluginTests {
    let fixtures: LicenseFixtures
    init() throws { fixtures = try LicenseFixtures() }

    func plugin(_ path: String, keys: [String]? = nil, poll: Duration = .seconds(2)) -> LicenseFilePlugin {
        LicenseFilePlugin(
            configuration: .init(
                path: path,
                issuerKeyPaths: keys ?? [fixtures.publicKeyPath],
                pollInterval: poll,
                reloadOnSIGHUP: false
            )
        )
    }

    func refusal(_ plugin: LicenseFilePlugin) async -> String? {
        do {
            _ = try await plugin.check()
            return nil
        } catch {
            return error.message
        }
    }

    @Test("a valid license gives its expiry and entitlements")
    func valid() async throws {
        let license = fixtures.license()
        let path = try fixtures.write(try fixtures.file(license))
        let state = try await plugin(path).check()
        #expect(state.status == .valid)
        #expect(state.maxDataNodes == 4)
        #expect(state.maxCoresPerDataNode == 8)
        #expect(state.notice == nil)
        #expect(plugin(path).mode == "license-path")
    }

    @Test("expiry within 30, 7 and 1 days gives a notice naming the window")
    func expiryNotices() async throws {
        for (days, window) in [(20.0, "30 days"), (5.0, "7 days"), (0.5, "1 day")] {
            let license = fixtures.license(expiresAt: Date(timeIntervalSinceNow: days * 86_400))
            let path = try fixtures.write(try fixtures.file(license))
            let state = try await plugin(path).check()
            #expect(state.notice?.hasPrefix("the license expires within \(window);") == true, "\(state)")
        }
    }

    @Test("each refusal is one line naming the file and the reason")
    func refusals() async throws {
        let dir = fixtures.dir
        let other = try Ed25519.PrivateKey.generate()
        let past = Date(timeIntervalSince1970: 1_577_836_800)
        let future = Date(timeIntervalSince1970: 4_102_444_800)
        let good = try fixtures.file(fixtures.license())
        let cases: [(String, [UInt8]?, String)] = [
            (
                "tampered.json", good.replacing(#""organization":"Acme""#, with: #""organization":"Acne""#),
                "bad signature: the content does not match its signature by issuer key \(fixtures.issuer.publicKey.keyID) (tampered or corrupt); get an unaltered copy from the issuer"
            ),
            (
                "untrusted.json", try fixtures.file(fixtures.license(issuer: other), signedBy: other),
                "untrusted issuer: signed by issuer key \(other.publicKey.keyID), which this node does not trust (trusted: \(fixtures.issuer.publicKey.keyID)); add that issuer's public key file to [enterprise] license-issuer-keys"
            ),
            (
                "expired.json", try fixtures.file(fixtures.license(notBefore: past - 86_400, expiresAt: past)),
                "expired on 2020-01-01T00:00:00Z; install a renewed license file and send SIGHUP"
            ),
            (
                "early.json", try fixtures.file(fixtures.license(notBefore: future, expiresAt: future + 86_400)),
                "not yet valid: valid from 2100-01-01T00:00:00Z; check the clock or wait until then"
            ),
            (
                "text.json", Array("not a license\n".utf8),
                "not JSON; a license file is the JSON that influx-license issue writes"
            ),
            (
                "key.txt", Array("0f5d7de6-f5f9-4e96-9611-5ee3212cae34\n".utf8),
                "this is a license key, not a license file; set it as [enterprise] license-key instead and remove license-path"
            ),
            ("missing.json", nil, "no such file or directory"),
            (
                "huge.json", [UInt8](repeating: UInt8(ascii: " "), count: 64 * 1024 + 1),
                "larger than 64 KiB, which no license or issuer key file is"
            ),
        ]
        for (name, bytes, reason) in cases {
            let path = "\(dir)/\(name)"
            if let bytes { try fixtures.write(bytes, to: name) }
            #expect(await refusal(plugin(path)) == "[enterprise] license-path \(path): \(reason)")
        }
    }

    @Test("a license key pasted into license-path is named as such, without echoing the key")
    func keyAsPath() async {
        let message = await refusal(plugin("0f5d7de6-f5f9-4e96-9611-5ee3212cae34"))
        #expect(
            message
                == "[enterprise] license-path: this is a license key, not a license file; set it as [enterprise] license-key instead and remove license-path"
        )
    }

    @Test("no issuer key configured: the refusal says none is built in and which key to set")
    func noIssuerKeys() async throws {
        let path = try fixtures.write(try fixtures.file(fixtures.license()))
        let message = await refusal(plugin(path, keys: []))
        #expect(message?.contains("(trusted: none; this build has no issuer key built in)") == true, "\(message ?? "")")
        #expect(message?.hasSuffix("add that issuer's public key file to [enterprise] license-issuer-keys") == true)
    }

    @Test("an issuer key file that is missing or not a public key is named")
    func badIssuerKeyFile() async throws {
        let path = try fixtures.write(try fixtures.file(fixtures.license()))
        let missing = "\(fixtures.dir)/nope.pem"
        #expect(
            await refusal(plugin(path, keys: [missing]))
                == "[enterprise] license-issuer-keys \(missing): no such file or directory"
        )
        let message = await refusal(plugin(path, keys: [path]))
        #expect(
            message?.hasPrefix("[enterprise] license-issuer-keys \(path): not an Ed25519 public key in PEM") == true
        )
    }

    @Test("the monitor reports a replaced file: expired, then valid again")
    func monitorSeesReplacement() async throws {
        let path = try fixtures.write(try fixtures.file(fixtures.license()))
        let plugin = plugin(path, poll: .milliseconds(20))
        let seen = Mutex<[LicenseState]>([])
        let task = Task { await plugin.monitor { state in seen.withLock { $0.append(state) } } }
        defer { task.cancel() }
        _ = try await eventually("the first state") { seen.withLock { $0.last?.status == .valid ? true : nil } }

        let past = Date(timeIntervalSince1970: 1_577_836_800)
        try fixtures.write(try fixtures.file(fixtures.license(notBefore: past - 86_400, expiresAt: past)))
        let invalid = try await eventually("the expired state") { () -> String? in
            guard case .invalid(let reason) = seen.withLock({ $0.last?.status }) else { return nil }
            return reason
        }
        #expect(
            invalid
                == "[enterprise] license-path \(path): expired on 2020-01-01T00:00:00Z; install a renewed license file and send SIGHUP"
        )

        try fixtures.write(try fixtures.file(fixtures.license()))
        _ = try await eventually("valid again") { seen.withLock { $0.last?.status == .valid ? true : nil } }
        #expect(seen.withLock { $0.count } == 3)
    }

    @Test("a license that expires while monitored turns invalid without a file change")
    func expiresWhileRunning() async throws {
        // Far enough ahead that the first check sees it valid even on a loaded machine.
        let license = fixtures.license(expiresAt: Date(timeIntervalSinceNow: 10))
        let path = try fixtures.write(try fixtures.file(license))
        let plugin = plugin(path, poll: .milliseconds(50))
        let seen = Mutex<[LicenseState]>([])
        let task = Task { await plugin.monitor { state in seen.withLock { $0.append(state) } } }
        defer { task.cancel() }
        let reason = try await eventually("the license to lapse", timeout: .seconds(30)) { () -> String? in
            guard case .invalid(let reason) = seen.withLock({ $0.last?.status }) else { return nil }
            return reason
        }
        #expect(reason.contains(": expired on "))
        #expect(seen.withLock { $0.first?.notice?.hasPrefix("the license expires within 1 day") } == true)
    }
}
