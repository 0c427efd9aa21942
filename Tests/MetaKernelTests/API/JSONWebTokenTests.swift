import Foundation
import MetaKernel
import TLS
import Testing

@Suite("JSON Web Tokens (HS256)")
struct JSONWebTokenTests {
    func decoded(_ base64URL: String) throws -> [UInt8] {
        var text = base64URL.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return Array(try #require(Data(base64Encoded: text)))
    }

    @Test("RFC 7515 appendix A.1: the HS256 example signs to the published value")
    func rfc7515() throws {
        let header = Array("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}".utf8)
        let claims = Array("{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}".utf8)
        let key = try decoded(
            "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
        )
        let token = JSONWebToken.sign(
            header: header,
            claims: claims,
            secret: key,
            authenticator: OpenSSLMessageAuthenticator()
        )
        #expect(
            token
                == "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
                + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        )
    }

    @Test("base64url has no padding and uses - and _ (RFC 4648 vectors)")
    func base64URL() {
        let vectors = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE"]
        for (plain, encoded) in vectors {
            #expect(JSONWebToken.base64URL(Array(plain.utf8)) == encoded)
        }
        #expect(JSONWebToken.base64URL([0xFB, 0xFF, 0xBF]) == "-_-_")
    }

    @Test("a user token carries Enterprise's header and claims, with the name escaped")
    func userToken() throws {
        let token = JSONWebToken.hs256(
            username: "a\"b",
            expires: 1_700_000_000,
            secret: Array("s".utf8),
            authenticator: OpenSSLMessageAuthenticator()
        )
        let parts = token.split(separator: ".").map(String.init)
        try #require(parts.count == 3)
        #expect(try decoded(parts[0]) == Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        #expect(try decoded(parts[1]) == Array(#"{"username":"a\"b","exp":1700000000}"#.utf8))
        let signature = OpenSSLMessageAuthenticator().authenticationCode(
            for: Array("\(parts[0]).\(parts[1])".utf8),
            key: Array("s".utf8)
        )
        #expect(try decoded(parts[2]) == signature)
    }
}
