import Foundation
import LicenseFile
import TLS
import TestSupport
import Testing

/// The license format: what is signed, and each reason a license is refused.
@Suite("license format and verification")
struct LicenseFormatTests {
    let fixtures: LicenseFixtures
    init() throws { fixtures = try LicenseFixtures() }

    var verifier: LicenseVerifier { LicenseVerifier(trusting: [fixtures.issuer.publicKey]) }

    @Test("an issued license parses back to its fields and verifies")
    func roundTrip() throws {
        let license = fixtures.license()
        let document = try LicenseDocument.parse(try fixtures.file(license))
        #expect(document.license.key == license.key)
        #expect(document.license.entitlements == license.entitlements)
        #expect(Int(document.license.expiresAt.timeIntervalSince1970) == Int(license.expiresAt.timeIntervalSince1970))
        try verifier.verify(document)
    }

    @Test("times are RFC 3339 UTC as written; a time that only parses by rolling over is refused")
    func strictTimes() {
        #expect(LicenseTime.parse("2027-01-01T00:00:00Z").map(LicenseTime.format) == "2027-01-01T00:00:00Z")
        #expect(LicenseTime.parse("2027-01-01").map(LicenseTime.format) == "2027-01-01T00:00:00Z")
        for text in [
            "2099-01-01T25:00:00Z", "2099-02-30T00:00:00Z", "2099-13-01T00:00:00Z", "2027-01-01T00:00:00+01:00",
        ] {
            #expect(LicenseTime.parse(text) == nil, "\(text)")
        }
    }

    @Test("the original's field names are the JSON names")
    func originalNames() throws {
        let text = String(decoding: try fixtures.file(fixtures.license()), as: UTF8.self)
        for name in [
            #""key":"#, #""state":"active""#, #""expires_at":"#, #""influx_machines":"4""#, #""influx_cores":"8""#,
        ] {
            #expect(text.contains(name), "\(name) in \(text)")
        }
    }

    @Test("one changed byte in the license is refused as a bad signature")
    func tampered() throws {
        let bytes = try fixtures.file(fixtures.license()).replacing(
            #""influx_machines":"4""#,
            with: #""influx_machines":"5""#
        )
        let document = try LicenseDocument.parse(bytes)
        #expect(throws: LicenseProblem.badSignature(keyID: fixtures.issuer.publicKey.keyID)) {
            try verifier.verify(document)
        }
    }

    @Test("a signature that is not 64 bytes of base64 is refused")
    func malformedSignature() throws {
        let bytes = try fixtures.file(fixtures.license()).replacing(#""signature": ""#, with: #""signature": "!!"#)
        #expect(throws: LicenseProblem.malformedSignature) { try verifier.verify(try LicenseDocument.parse(bytes)) }
    }

    @Test("a second license member cannot smuggle content past the signature")
    func duplicateMember() throws {
        let text = String(decoding: try fixtures.file(fixtures.license()), as: UTF8.self)
        let doubled = text.replacingOccurrences(of: "\n}", with: ",\n  \"license\": {}\n}")
        #expect(throws: LicenseProblem.notALicense("more than one \"license\" member")) {
            try LicenseDocument.parse(Array(doubled.utf8))
        }
    }

    @Test("a license signed by a key that is not trusted names its key id and the trusted ones")
    func untrusted() throws {
        let other = try Ed25519.PrivateKey.generate()
        let bytes = try fixtures.file(fixtures.license(issuer: other), signedBy: other)
        let problem = LicenseProblem.untrustedIssuer(
            keyID: other.publicKey.keyID,
            trusted: [fixtures.issuer.publicKey.keyID]
        )
        #expect(throws: problem) { try verifier.verify(try LicenseDocument.parse(bytes)) }
        #expect(problem.reason.contains("signed by issuer key \(other.publicKey.keyID)"))
        #expect(problem.reason.contains("license-issuer-keys"))
    }

    @Test("expired and not yet valid licenses are refused with their dates")
    func dates() throws {
        let past = Date(timeIntervalSince1970: 1_577_836_800)  // 2020-01-01
        let expired = try LicenseDocument.parse(
            try fixtures.file(fixtures.license(notBefore: past.addingTimeInterval(-86_400), expiresAt: past))
        )
        #expect(throws: LicenseProblem.expired(past)) { try verifier.verify(expired) }
        #expect(LicenseProblem.expired(past).reason.hasPrefix("expired on 2020-01-01T00:00:00Z"))
        let future = Date(timeIntervalSince1970: 4_102_444_800)  // 2100-01-01
        let early = try LicenseDocument.parse(
            try fixtures.file(fixtures.license(notBefore: future, expiresAt: future.addingTimeInterval(86_400)))
        )
        #expect(throws: LicenseProblem.notYetValid(future)) { try verifier.verify(early) }
        try verifier.verify(early, now: future)
    }

    @Test("a license key, and text that is not JSON, are told apart")
    func notJSON() {
        #expect(throws: LicenseProblem.licenseKey) {
            try LicenseDocument.parse(Array("0f5d7de6-f5f9-4e96-9611-5ee3212cae34\n".utf8))
        }
        #expect(throws: LicenseProblem.notJSON) { try LicenseDocument.parse(Array("license: yes\n".utf8)) }
        #expect(throws: LicenseProblem.notALicense("no \"license\" member")) {
            try LicenseDocument.parse(Array("{\"signature\": \"\"}".utf8))
        }
    }

    @Test(
        "openssl pkeyutl verifies the signature over the license member, as LICENSING.md says",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"))
    )
    func thirdPartyVerification() async throws {
        let openssl = "/usr/bin/openssl"
        let bytes = try fixtures.file(fixtures.license())
        let document = try LicenseDocument.parse(bytes)
        let payload = "\(fixtures.dir)/payload.bin"
        let signature = "\(fixtures.dir)/signature.bin"
        try Data(document.signedBytes).write(to: URL(fileURLWithPath: payload))
        try Data(try #require(document.signature)).write(to: URL(fileURLWithPath: signature))
        let arguments = ["pkeyutl", "-verify", "-pubin", "-inkey", fixtures.publicKeyPath, "-rawin", "-in", payload]
        let result = try await runCommand(openssl, arguments + ["-sigfile", signature])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let id = try await runCommand(
            "/bin/sh",
            ["-c", "\(openssl) pkey -pubin -in \(fixtures.publicKeyPath) -outform DER | sha256sum | cut -c1-16"]
        )
        #expect(id.stdout == fixtures.issuer.publicKey.keyID + "\n")
    }
}
