import Foundation
import MetaKernel
import TLS
import Testing

@Suite("JSON Web Token verification")
struct JSONWebTokenVerifyTests {
    let hmac = OpenSSLMessageAuthenticator()
    let secret = Array("s3cret".utf8)
    let now: UInt64 = 1_800_000_000

    func token(_ username: String = "alice", expires: UInt64? = nil, secret: [UInt8]? = nil) -> String {
        JSONWebToken.hs256(
            username: username,
            expires: expires ?? now + 60,
            secret: secret ?? self.secret,
            authenticator: hmac
        )
    }

    func refusal(_ token: String) -> String? {
        do {
            _ = try JSONWebToken.verify(token, secret: secret, authenticator: hmac, now: now)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("a token signed with the secret verifies and yields its claims")
    func valid() throws {
        let claims = try JSONWebToken.verify(token(), secret: secret, authenticator: hmac, now: now)
        #expect(claims.username == "alice" && claims.expires == now + 60)
    }

    @Test("expired, wrong secret, altered claims, another algorithm and garbage are refused")
    func refused() {
        #expect(refusal(token(expires: now)) == "token is expired")
        #expect(refusal(token(secret: Array("other".utf8))) == "signature is invalid")
        let parts = token().split(separator: ".").map(String.init)
        let admin = JSONWebToken.base64URL(Array(#"{"username":"root","exp":1800000060}"#.utf8))
        #expect(refusal([parts[0], admin, parts[2]].joined(separator: ".")) == "signature is invalid")
        let none = JSONWebToken.base64URL(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
        #expect(refusal([none, parts[1], ""].joined(separator: ".")) == "token is not signed with HS256")
        #expect(refusal("not a token")?.hasPrefix("token is malformed") == true)
        #expect(refusal(parts[0] + "." + parts[1] + ".%%%")?.hasPrefix("token is malformed") == true)
    }

    @Test("claims beyond username and exp, and a fractional exp, still verify")
    func otherClaims() throws {
        for claims in [
            #"{"username":"alice","exp":1800000060,"admin":true}"#, #"{"exp":1800000060.5,"username":"alice"}"#,
        ] {
            let token = JSONWebToken.sign(
                header: Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8),
                claims: Array(claims.utf8),
                secret: secret,
                authenticator: hmac
            )
            let verified = try JSONWebToken.verify(token, secret: secret, authenticator: hmac, now: now)
            #expect(verified.username == "alice" && verified.expires == 1_800_000_060)
        }
    }

    @Test("base64url decoding inverts encoding for every length")
    func base64() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(JSONWebToken.decodeBase64URL(JSONWebToken.base64URL(bytes)) == bytes)
        }
        #expect(JSONWebToken.decodeBase64URL("a") == nil)
        #expect(JSONWebToken.decodeBase64URL("ab+c") == nil)
    }
}
