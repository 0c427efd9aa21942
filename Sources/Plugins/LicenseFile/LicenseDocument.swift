import FoundationEssentials
public import TLS

/// A license file: the `license` member exactly as written, and the base64 Ed25519 `signature`
/// of those bytes. See docs/LICENSING.md for the layout and how to verify one with `openssl`.
public struct LicenseDocument: Sendable {
    /// The decoded license.
    public var license: License
    /// The bytes of the `license` member's value as they appear in the file: what is signed.
    public var signedBytes: [UInt8]
    /// The decoded signature, or `nil` when `signature` is missing or malformed.
    public var signature: [UInt8]?

    /// Parses a file's bytes. Does not verify the signature or the dates.
    /// - Throws: ``LicenseProblem`` `notJSON`, `licenseKey` or `notALicense`.
    public static func parse(_ bytes: [UInt8]) throws(LicenseProblem) -> LicenseDocument {
        if LicenseKeyShape.matches(String(decoding: bytes, as: UTF8.self)) { throw .licenseKey }
        struct Envelope: Decodable {}
        do {
            _ = try JSONDecoder().decode(Envelope.self, from: Data(bytes))
        } catch DecodingError.dataCorrupted {
            throw .notJSON
        } catch {
            throw .notALicense("the top level is not a JSON object")
        }
        guard let members = JSONMembers.scan(bytes) else {
            throw .notALicense("the top level is not a JSON object")
        }
        let licenses = members.filter { $0.name == "license" }
        guard licenses.count == 1, let member = licenses.first else {
            throw .notALicense(licenses.isEmpty ? "no \"license\" member" : "more than one \"license\" member")
        }
        let signedBytes = Array(bytes[member.value])
        let license: License
        do {
            license = try JSONDecoder().decode(License.self, from: Data(signedBytes))
        } catch {
            throw .notALicense(Self.describe(error))
        }
        var signature: [UInt8]?
        let signatures = members.filter { $0.name == "signature" }
        if signatures.count == 1,
            let text = try? JSONDecoder().decode(String.self, from: Data(bytes[signatures[0].value])),
            let decoded = Data(base64Encoded: text), decoded.count == Ed25519.signatureLength
        {
            signature = Array(decoded)
        }
        return LicenseDocument(license: license, signedBytes: signedBytes, signature: signature)
    }

    /// The file for `license` signed by `issuer`: `{"license":…,"signature":"…"}` with the
    /// license on one line, so `signedBytes` can also be cut out with `sed` (docs/LICENSING.md).
    public static func issue(_ license: License, signedBy issuer: Ed25519.PrivateKey) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let payload = Array(try encoder.encode(license))
        let signature = try issuer.signature(for: payload)
        let text = Data(signature).base64EncodedString()
        return Array("{\n  \"license\": ".utf8) + payload + Array(",\n  \"signature\": \"\(text)\"\n}\n".utf8)
    }

    /// `license.expires_at: not an RFC 3339 time`, `license.key is missing`.
    public static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            (["license"] + keys.map(\.stringValue)).joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(path(context.codingPath)) has the wrong type"
        case DecodingError.dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}

/// What a license key looks like (`xxxxxxxx-xxxx-…`): letters, digits and dashes with at least
/// one digit and one dash, 16 to 128 characters. Paths and JSON never match.
public enum LicenseKeyShape {
    /// Whether `text` (trimmed) looks like a license key.
    public static func matches(_ text: String) -> Bool {
        var trimmed = Substring(text)
        while trimmed.first?.isWhitespace == true { trimmed.removeFirst() }
        while trimmed.last?.isWhitespace == true { trimmed.removeLast() }
        guard (16...128).contains(trimmed.count) else { return false }
        return trimmed.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }
            && trimmed.contains("-") && trimmed.contains(where: \.isNumber)
    }
}
