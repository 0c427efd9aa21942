import CCrypt
import COpenSSL
public import MetaKernel

/// User passwords: bcrypt from the system's libxcrypt (`crypt_r`, `$2b$`) and PBKDF2-HMAC-SHA256
/// or -SHA512 from OpenSSL (`PKCS5_PBKDF2_HMAC`), salts from OpenSSL's CSPRNG.
///
/// PBKDF2 hashes read `$pbkdf2-sha256$<rounds>$<salt>$<hash>` with base64url salt and hash, so a
/// hash says how to check it and changing `password-hash` keeps existing passwords valid.
public struct OpenSSLPasswordHasher: PasswordHasher {
    /// Creates the hasher.
    public init() {}

    /// A new salted hash of `password`.
    public func hash(_ password: String, scheme: PasswordHashScheme) throws(AccessError) -> String {
        let random = OpenSSLMessageAuthenticator()
        switch scheme.algorithm {
        case .bcrypt:
            if let problem = Self.bcryptProblem(password) { throw AccessError(problem) }
            let entropy = random.randomBytes(count: 16)
            var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
            let made = entropy.withUnsafeBufferPointer { entropy in
                entropy.withMemoryRebound(to: CChar.self) { entropy in
                    crypt_gensalt_rn("$2b$", UInt(scheme.cost), entropy.baseAddress, 16, &setting, Int32(setting.count))
                }
            }
            guard made != nil else { throw AccessError("bcrypt: cannot make a salt with cost \(scheme.cost)") }
            let salt = String(decoding: setting.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard let hash = Self.crypt(password, setting: salt) else {
                throw AccessError("bcrypt: libcrypt refused to hash the password")
            }
            return hash
        case .pbkdf2SHA256, .pbkdf2SHA512:
            let salt = random.randomBytes(count: scheme.saltLength)
            let derived = Self.pbkdf2(password, salt: salt, rounds: scheme.rounds, algorithm: scheme.algorithm)
            return
                "$\(scheme.algorithm.rawValue)$\(scheme.rounds)$\(JSONWebToken.base64URL(salt))$\(JSONWebToken.base64URL(derived))"
        }
    }

    /// Whether `password` matches `hash`.
    public func verify(_ password: String, hash: String) -> Bool {
        if hash.hasPrefix("$2") {
            guard Self.bcryptProblem(password) == nil, let computed = Self.crypt(password, setting: hash) else {
                return false
            }
            return Self.equal(Array(computed.utf8), Array(hash.utf8))
        }
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty,
            let algorithm = PasswordHashScheme.Algorithm(rawValue: String(parts[1])), algorithm != .bcrypt,
            let rounds = Int(parts[2]), rounds >= 1,
            let salt = JSONWebToken.decodeBase64URL(String(parts[3])),
            let expected = JSONWebToken.decodeBase64URL(String(parts[4])), !expected.isEmpty
        else { return false }
        let derived = Self.pbkdf2(password, salt: salt, rounds: rounds, algorithm: algorithm, length: expected.count)
        return Self.equal(derived, expected)
    }

    /// Why bcrypt cannot take `password`: it reads at most 72 bytes and stops at a NUL byte,
    /// so longer passwords or ones with NUL would match others.
    static func bcryptProblem(_ password: String) -> String? {
        if password.utf8.count > 72 {
            return
                "password is longer than 72 bytes, more than bcrypt reads (shorten it, or set [meta] password-hash to pbkdf2-sha256)"
        }
        if password.utf8.contains(0) { return "password must not contain a NUL character" }
        return nil
    }

    /// `crypt_r` with its 32 KiB state on the heap; `nil` when libcrypt refuses (it then returns a `*` string).
    static func crypt(_ password: String, setting: String) -> String? {
        let size = MemoryLayout<crypt_data>.size
        let raw = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: MemoryLayout<crypt_data>.alignment)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        defer {
            // The state holds the password's key schedule: wipe it.
            raw.initializeMemory(as: UInt8.self, repeating: 0, count: size)
            raw.deallocate()
        }
        let state = raw.bindMemory(to: crypt_data.self, capacity: 1)
        guard let result = crypt_r(password, setting, state) else { return nil }
        let text = String(cString: result)
        return text.hasPrefix("*") ? nil : text
    }

    static func pbkdf2(
        _ password: String,
        salt: [UInt8],
        rounds: Int,
        algorithm: PasswordHashScheme.Algorithm,
        length: Int? = nil
    ) -> [UInt8] {
        let digest = algorithm == .pbkdf2SHA512 ? EVP_sha512() : EVP_sha256()
        let count = length ?? (algorithm == .pbkdf2SHA512 ? 64 : 32)
        var out = [UInt8](repeating: 0, count: count)
        let passwordBytes = Array(password.utf8)
        let status = passwordBytes.withUnsafeBufferPointer { passwordBytes in
            passwordBytes.withMemoryRebound(to: CChar.self) { passwordBytes in
                PKCS5_PBKDF2_HMAC(
                    passwordBytes.baseAddress,
                    Int32(passwordBytes.count),
                    salt,
                    Int32(salt.count),
                    Int32(clamping: rounds),
                    digest,
                    Int32(count),
                    &out
                )
            }
        }
        // Fails only when OpenSSL cannot allocate; no safe way on from that.
        precondition(status == 1, "OpenSSL PBKDF2 failed: \(OpenSSLErrorQueue.drain().joined(separator: "; "))")
        return out
    }

    /// Compares in time that depends only on the lengths.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// Registers the hasher in the catalog.
    public static func register(in catalog: inout PluginCatalog) {
        catalog.passwordHasher = { OpenSSLPasswordHasher() }
    }
}
