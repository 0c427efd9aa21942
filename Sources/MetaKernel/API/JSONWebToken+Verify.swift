import FoundationEssentials

extension JSONWebToken {
    /// The claims of a verified token.
    public struct Claims: Sendable, Equatable {
        /// `username`; empty for node-to-node tokens.
        public var username: String
        /// `exp`, seconds since 1970.
        public var expires: UInt64
    }

    /// Why a token was refused, in the words `influxd-ctl` users know (`signature is invalid`).
    public struct VerificationError: Error, Sendable, CustomStringConvertible {
        /// One line.
        public var description: String

        init(_ description: String) {
            self.description = description
        }
    }

    /// Checks an HS256 token's signature under `secret` (in constant time) and its expiry.
    /// - Parameter now: seconds since 1970.
    public static func verify(
        _ token: String,
        secret: [UInt8],
        authenticator: any MessageAuthenticator,
        now: UInt64
    ) throws(VerificationError) -> Claims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = decodeBase64URL(String(parts[0])),
            let claimsBytes = decodeBase64URL(String(parts[1])), let signature = decodeBase64URL(String(parts[2]))
        else { throw VerificationError("token is malformed (expected header.claims.signature in base64url)") }
        guard stringMember("alg", of: header) == "HS256" else {
            throw VerificationError("token is not signed with HS256")
        }
        let signingInput = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        let expected = authenticator.authenticationCode(for: signingInput, key: secret)
        guard RaftAuthentication.codesMatch(signature, expected) else {
            throw VerificationError("signature is invalid")
        }
        // The usual claims ({"username":"…","exp":N}) take the fast reader; others JSONDecoder.
        if let members = claimsBytes.withUnsafeBytes({ FlatJSONReader.object(in: $0, maximumDepth: 1) }),
            case .number(let exp)? = members["exp"]
        {
            var username = ""
            if let member = members["username"] {
                guard case .string(let name) = member else { throw VerificationError("token username is not a string") }
                username = name
            }
            guard exp > now else { throw VerificationError("token is expired") }
            return Claims(username: username, expires: exp)
        }
        struct Body: Decodable {
            var username: String?
            var exp: Double?
        }
        guard let body = try? JSONDecoder().decode(Body.self, from: Data(claimsBytes)) else {
            throw VerificationError("token claims are not a JSON object")
        }
        guard let exp = body.exp, exp >= 0, exp < 1e15 else { throw VerificationError("token has no exp claim") }
        guard UInt64(exp) > now else { throw VerificationError("token is expired") }
        return Claims(username: body.username ?? "", expires: UInt64(exp))
    }

    /// The string member `name` of the JSON object in `bytes`, if it has one.
    static func stringMember(_ name: String, of bytes: [UInt8]) -> String? {
        if let members = bytes.withUnsafeBytes({ FlatJSONReader.object(in: $0, maximumDepth: 1) }) {
            if case .string(let value)? = members[name] { return value }
            return nil
        }
        return (try? JSONDecoder().decode([String: String].self, from: Data(bytes)))?[name]
    }

    /// Decodes base64url with or without padding; `nil` for anything else.
    public static func decodeBase64URL(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        values.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(byte - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(byte - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "-"): values.append(62)
            case UInt8(ascii: "_"): values.append(63)
            case UInt8(ascii: "="): continue
            default: return nil
            }
        }
        guard values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 3 / 4)
        var index = 0
        while index < values.count {
            let chunk = values[index..<min(index + 4, values.count)]
            var value = 0
            for sextet in chunk { value = value << 6 | Int(sextet) }
            value <<= 6 * (4 - chunk.count)
            for position in 0..<(chunk.count - 1) { out.append(UInt8((value >> (16 - 8 * position)) & 0xFF)) }
            index += 4
        }
        return out
    }
}
