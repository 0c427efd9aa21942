public import FoundationEssentials

/// Why a license file is refused. ``reason`` completes a line that starts with the file's name.
public enum LicenseProblem: Error, Sendable, Equatable {
    /// The file could not be read; the system's reason (`permission denied`).
    case unreadable(String)
    /// The file is not JSON.
    case notJSON
    /// The file (or the path itself) is a license key, not a license.
    case licenseKey
    /// JSON, but not a license; what is missing or wrong.
    case notALicense(String)
    /// `signature` is missing or not the base64 of 64 bytes.
    case malformedSignature
    /// The signature does not match the content under the issuer key it names.
    case badSignature(keyID: String)
    /// Signed by a key this node does not trust.
    case untrustedIssuer(keyID: String, trusted: [String])
    /// `state` is not `active`.
    case inactive(state: String)
    /// Past `expires_at`.
    case expired(Date)
    /// Before `not_before`.
    case notYetValid(Date)

    /// One line: what is wrong and what to do.
    public var reason: String {
        switch self {
        case .unreadable(let why):
            return why
        case .notJSON:
            return "not JSON; a license file is the JSON that influx-license issue writes"
        case .licenseKey:
            return
                "this is a license key, not a license file; set it as [enterprise] license-key instead and remove license-path"
        case .notALicense(let what):
            return "not a license file: \(what)"
        case .malformedSignature:
            return "bad signature: \"signature\" must be the base64 of a 64-byte Ed25519 signature"
        case .badSignature(let keyID):
            return
                "bad signature: the content does not match its signature by issuer key \(keyID) (tampered or corrupt); get an unaltered copy from the issuer"
        case .untrustedIssuer(let keyID, let trusted):
            let list = trusted.isEmpty ? "none; this build has no issuer key built in" : trusted.joined(separator: ", ")
            return
                "untrusted issuer: signed by issuer key \(keyID), which this node does not trust (trusted: \(list)); add that issuer's public key file to [enterprise] license-issuer-keys"
        case .inactive(let state):
            return "license state is \"\(state)\", not \"active\"; ask the issuer for an active license"
        case .expired(let date):
            return "expired on \(LicenseTime.format(date)); install a renewed license file and send SIGHUP"
        case .notYetValid(let date):
            return "not yet valid: valid from \(LicenseTime.format(date)); check the clock or wait until then"
        }
    }
}
