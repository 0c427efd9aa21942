public import FoundationEssentials
public import TLS

/// Checks a parsed license against the issuer keys a node trusts and the clock.
public struct LicenseVerifier: Sendable {
    /// The trusted issuer keys by key id.
    public let trusted: [String: Ed25519.PublicKey]

    /// Trusts `keys`.
    public init(trusting keys: [Ed25519.PublicKey]) {
        self.trusted = Dictionary(keys.map { ($0.keyID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Verifies the issuer and signature, then `state`, `not_before` and `expires_at` at `now`.
    /// - Throws: the first ``LicenseProblem`` found, in that order.
    public func verify(_ document: LicenseDocument, now: Date = Date()) throws(LicenseProblem) {
        let license = document.license
        guard let signature = document.signature else { throw .malformedSignature }
        guard let key = trusted[license.issuerKeyID] else {
            throw .untrustedIssuer(keyID: license.issuerKeyID, trusted: trusted.keys.sorted())
        }
        guard key.isValidSignature(signature, for: document.signedBytes) else {
            throw .badSignature(keyID: license.issuerKeyID)
        }
        guard license.state == "active" else { throw .inactive(state: license.state) }
        guard now >= license.notBefore else { throw .notYetValid(license.notBefore) }
        guard now < license.expiresAt else { throw .expired(license.expiresAt) }
    }
}
