/// HS256 JSON Web Tokens as InfluxDB Enterprise's meta API takes them in
/// `Authorization: Bearer`: header `{"alg":"HS256","typ":"JWT"}`, claims
/// `{"username":…,"exp":…}`, signed with a shared secret (RFC 7519, RFC 7515).
///
/// The HMAC comes from a ``MessageAuthenticator``: the kernel has no crypto of its own.
public enum JSONWebToken {
    /// A token for `username`, valid until `expires` (seconds since 1970), signed with `secret`.
    /// - Parameters:
    ///   - username: The `username` claim; empty for node-to-node tokens.
    ///   - expires: The `exp` claim, in seconds since 1970.
    ///   - secret: The shared secret's bytes.
    ///   - authenticator: HMAC-SHA256.
    /// - Returns: `header.claims.signature`, each part base64url without padding.
    public static func hs256(
        username: String,
        expires: UInt64,
        secret: [UInt8],
        authenticator: any MessageAuthenticator
    ) -> String {
        var claims = JSONWriter(escapingSlashes: false)
        claims.raw(#"{"username":"#)
        claims.string(username)
        claims.raw(#","exp":"#)
        claims.number(expires)
        claims.byte(UInt8(ascii: "}"))
        return sign(
            header: Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8),
            claims: claims.out,
            secret: secret,
            authenticator: authenticator
        )
    }

    /// The compact serialisation of `header` and `claims` (JSON bytes, taken as they are) with
    /// an HMAC-SHA256 signature under `secret`.
    public static func sign(
        header: [UInt8],
        claims: [UInt8],
        secret: [UInt8],
        authenticator: any MessageAuthenticator
    ) -> String {
        let signingInput = base64URL(header) + "." + base64URL(claims)
        let signature = authenticator.authenticationCode(for: Array(signingInput.utf8), key: secret)
        return signingInput + "." + base64URL(signature)
    }

    /// Base64url without padding (RFC 7515 §2).
    public static func base64URL(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value = 0
            for byte in chunk { value = value << 8 | Int(byte) }
            value <<= 8 * (3 - chunk.count)
            for position in 0...chunk.count {
                out.append(alphabet[(value >> (18 - 6 * position)) & 0x3F])
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
