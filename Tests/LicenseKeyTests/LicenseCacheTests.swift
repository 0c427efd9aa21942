import Foundation
import LicenseFile
import TLS
import TestSupport
import Testing

@testable import LicenseKey

/// The cache file and the server URL, without a server.
@Suite("license-key cache and URL")
struct LicenseCacheTests {
    func signed(key: String = "0f5d7de6-f5f9-4e96-9611-5ee3212cae34") throws -> (Ed25519.PrivateKey, [UInt8]) {
        let issuer = try Ed25519.PrivateKey.generate()
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let license = License(
            id: "id",
            key: key,
            organization: "Acme",
            plan: .init(name: "enterprise"),
            issuedAt: now,
            notBefore: now,
            expiresAt: now.addingTimeInterval(60),
            entitlements: .init(dataNodes: 4, coresPerDataNode: 8, metaNodes: 3),
            issuerKeyID: issuer.publicKey.keyID
        )
        return (issuer, try LicenseDocument.issue(license, signedBy: issuer))
    }

    @Test("saved as 0600 and loaded back only with the right issuer")
    func roundTrip() throws {
        let dir = try makeTemporaryDirectory("cache")
        let cache = LicenseCache(path: "\(dir)/license-cache.json")
        let (issuer, bytes) = try signed()
        let now = Date()
        #expect(cache.save(bytes, now: now) == nil)
        let mode = try FileManager.default.attributesOfItem(atPath: cache.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let loaded = cache.load(issuers: [issuer.publicKey])
        #expect(loaded?.0.key == "0f5d7de6-f5f9-4e96-9611-5ee3212cae34")
        #expect(loaded.map { abs($0.1.timeIntervalSince(now)) < 1 } == true)
        #expect(cache.load(issuers: [try Ed25519.PrivateKey.generate().publicKey]) == nil)
    }

    @Test("http(s) URLs split into address, path and scheme; others are refused")
    func split() {
        let local = LicenseServerClient.split("http://127.0.0.1:8780/api/v1/licenses")
        #expect(local.map { [$0.0, $0.1, "\($0.2)"] } == ["127.0.0.1:8780", "/api/v1/licenses", "false"])
        let plain = LicenseServerClient.split("http://license.example/api")
        #expect(plain.map { [$0.0, $0.1, "\($0.2)"] } == ["license.example:80", "/api", "false"])
        let secure = LicenseServerClient.split("https://license.example/api")
        #expect(secure.map { [$0.0, $0.1, "\($0.2)"] } == ["license.example:443", "/api", "true"])
        #expect(LicenseServerClient.split("ftp://license.example/api") == nil)
        #expect(LicenseServerClient.split("http:///x") == nil)
    }
}
