import Foundation
import LicenseFile
import TLS
import TestSupport

/// An issuer key pair written to a temporary folder, and licenses signed by it.
struct LicenseFixtures {
    let dir: String
    let issuer: Ed25519.PrivateKey
    let publicKeyPath: String

    init() throws {
        dir = try makeTemporaryDirectory("license")
        issuer = try Ed25519.PrivateKey.generate()
        publicKeyPath = "\(dir)/issuer.pub.pem"
        try issuer.publicKey.pem.write(toFile: publicKeyPath, atomically: true, encoding: .utf8)
    }

    /// A license valid from `notBefore` until `expiresAt` (by default: since yesterday, for a year).
    func license(
        notBefore: Date = Date(timeIntervalSinceNow: -86_400),
        expiresAt: Date = Date(timeIntervalSinceNow: 365 * 86_400),
        issuer: Ed25519.PrivateKey? = nil
    ) -> License {
        License(
            id: UUID().uuidString.lowercased(),
            key: "0f5d7de6-f5f9-4e96-9611-5ee3212cae34",
            organization: "Acme",
            plan: .init(name: "enterprise"),
            issuedAt: notBefore,
            notBefore: notBefore,
            expiresAt: expiresAt,
            entitlements: .init(dataNodes: 4, coresPerDataNode: 8, metaNodes: 3),
            issuerKeyID: (issuer ?? self.issuer).publicKey.keyID
        )
    }

    /// The file bytes of `license`, signed by `issuer` (this fixture's by default).
    func file(_ license: License, signedBy issuer: Ed25519.PrivateKey? = nil) throws -> [UInt8] {
        try LicenseDocument.issue(license, signedBy: issuer ?? self.issuer)
    }

    /// Writes `bytes` to `name` in the folder (replacing it atomically); returns the path.
    @discardableResult
    func write(_ bytes: [UInt8], to name: String = "license.json") throws -> String {
        let path = "\(dir)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }
}

extension Array where Element == UInt8 {
    /// These bytes with the first occurrence of `old` replaced by `new` (same length or not).
    func replacing(_ old: String, with new: String) -> [UInt8] {
        let text = String(decoding: self, as: UTF8.self)
        guard let range = text.range(of: old) else { return self }
        return Array(text.replacingCharacters(in: range, with: new).utf8)
    }
}
