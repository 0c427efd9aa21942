import MetaKernel
import TLS
import Testing

@Suite("Password hashes (libxcrypt bcrypt, OpenSSL PBKDF2)")
struct PasswordHasherTests {
    let hasher = OpenSSLPasswordHasher()

    @Test(
        "each scheme's hash checks the right password only, and names its scheme",
        arguments: ["bcrypt;cost=4", "pbkdf2-sha256;rounds=1000", "pbkdf2-sha512;rounds=1000;salt_len=8"]
    )
    func roundTrip(setting: String) throws {
        let scheme = try PasswordHashScheme(parsing: setting)
        let hash = try hasher.hash("correct horse", scheme: scheme)
        #expect(!hash.contains("correct horse"))
        #expect(hasher.verify("correct horse", hash: hash))
        #expect(!hasher.verify("correct horsE", hash: hash))
        #expect(!hasher.verify("", hash: hash))
        let prefix = scheme.algorithm == .bcrypt ? "$2b$04$" : "$\(scheme.algorithm.rawValue)$1000$"
        #expect(hash.hasPrefix(prefix))
        // A fresh salt every time.
        #expect(try hasher.hash("correct horse", scheme: scheme) != hash)
    }

    @Test("bcrypt matches a published test vector (OpenBSD's)")
    func bcryptVector() {
        // From OpenBSD's regress/lib/libc/... (also in the Openwall crypt_blowfish test suite).
        #expect(hasher.verify("U*U", hash: "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"))
        #expect(!hasher.verify("U*V", hash: "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"))
    }

    @Test("PBKDF2-HMAC-SHA256 matches RFC 7914's test vector")
    func pbkdf2Vector() {
        // RFC 7914 §11: P="passwd", S="salt", c=1, dkLen=64.
        let salt = JSONWebToken.base64URL(Array("salt".utf8))
        let expected: [UInt8] = [
            0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f, 0xec, 0x16, 0x91, 0xc2, 0x25, 0x44, 0xb6, 0x05,
            0xf9, 0x41, 0x85, 0x21, 0x6d, 0xde, 0x04, 0x65, 0xe6, 0x8b, 0x9d, 0x57, 0xc2, 0x0d, 0xac, 0xbc,
            0x49, 0xca, 0x9c, 0xcc, 0xf1, 0x79, 0xb6, 0x45, 0x99, 0x16, 0x64, 0xb3, 0x9d, 0x77, 0xef, 0x31,
            0x7c, 0x71, 0xb8, 0x45, 0xb1, 0xe3, 0x0b, 0xd5, 0x09, 0x11, 0x20, 0x41, 0xd3, 0xa1, 0x97, 0x83,
        ]
        let hash = "$pbkdf2-sha256$1$\(salt)$\(JSONWebToken.base64URL(expected))"
        #expect(hasher.verify("passwd", hash: hash))
        #expect(!hasher.verify("passwe", hash: hash))
    }

    @Test("bcrypt refuses what it would truncate: over 72 bytes, or a NUL byte; PBKDF2 takes both")
    func bcryptLimits() throws {
        let bcrypt = try PasswordHashScheme(parsing: "bcrypt;cost=4")
        let long = String(repeating: "a", count: 73)
        #expect(throws: AccessError.self) { try hasher.hash(long, scheme: bcrypt) }
        #expect(throws: AccessError.self) { try hasher.hash("a\u{0}b", scheme: bcrypt) }
        let hash = try hasher.hash(String(repeating: "a", count: 72), scheme: bcrypt)
        #expect(!hasher.verify(String(repeating: "a", count: 72) + "b", hash: hash))
        #expect(hasher.verify(String(repeating: "a", count: 72), hash: hash))
        let pbkdf2 = try PasswordHashScheme(parsing: "pbkdf2-sha256;rounds=10")
        let nul = try hasher.hash("a\u{0}b", scheme: pbkdf2)
        #expect(hasher.verify("a\u{0}b", hash: nul) && !hasher.verify("a", hash: nul))
    }

    @Test("malformed hashes never verify")
    func malformed() {
        for hash in [
            "", "plain", "$2b$", "$pbkdf2-sha256$x$c2FsdA$AAAA", "$pbkdf2-md5$1$c2FsdA$AAAA",
            "$pbkdf2-sha256$1$c2FsdA$",
        ] {
            #expect(!hasher.verify("", hash: hash), "\(hash)")
            #expect(!hasher.verify("x", hash: hash), "\(hash)")
        }
    }
}
