import COpenSSL

/// Ed25519 keys, signatures and key ids through OpenSSL's EVP interface (`EVP_PKEY_ED25519`,
/// `EVP_DigestSign`/`EVP_DigestVerify` with no digest), as the license format uses them.
public enum Ed25519 {
    /// A key could not be made, read or used; ``message`` is one line with OpenSSL's reasons.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// What failed, ending with the OpenSSL error-queue text when there is one.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    /// The length of every Ed25519 signature.
    public static let signatureLength = 64

    /// An Ed25519 public key, used to verify.
    public final class PublicKey: @unchecked Sendable {
        // Invariant: `key` is never mutated after init; OpenSSL allows concurrent use of a
        // read-only EVP_PKEY when each operation has its own EVP_MD_CTX.
        let key: OpaquePointer

        init(owning key: OpaquePointer) { self.key = key }

        /// Reads a PEM `PUBLIC KEY` block (SubjectPublicKeyInfo, as `openssl pkey -pubout` writes).
        /// - Throws: ``Failure`` when `pem` holds no Ed25519 public key.
        public convenience init(pem: [UInt8]) throws(Failure) {
            OpenSSLErrorQueue.clear()
            let key = pem.withUnsafeBytes { raw -> OpaquePointer? in
                guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
                defer { BIO_free(bio) }
                return PEM_read_bio_PUBKEY(bio, nil, nil, nil)
            }
            guard let key else {
                throw Failure(message: "no PEM public key\(OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain()))")
            }
            guard EVP_PKEY_get_id(key) == NID_ED25519 else {
                EVP_PKEY_free(key)
                throw Failure(message: "the public key is not an Ed25519 key")
            }
            self.init(owning: key)
        }

        deinit { EVP_PKEY_free(key) }

        /// The DER SubjectPublicKeyInfo.
        public var der: [UInt8] { Ed25519.writeDER { i2d_PUBKEY(key, $0) } }

        /// The PEM `PUBLIC KEY` text.
        public var pem: String { Ed25519.writePEM { PEM_write_bio_PUBKEY($0, key) } }

        /// The first 16 hex digits of the SHA-256 of ``der``: the key id a license names its
        /// issuer by (`openssl pkey -pubin -in K -outform DER | sha256sum | cut -c1-16`).
        public var keyID: String {
            Ed25519.sha256(der).prefix(8).map { byte in
                let digits = String(byte, radix: 16)
                return digits.count == 1 ? "0" + digits : digits
            }.joined()
        }

        /// Whether `signature` is this key's signature of `message`.
        public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
            guard signature.count == Ed25519.signatureLength, let context = EVP_MD_CTX_new() else { return false }
            defer {
                EVP_MD_CTX_free(context)
                OpenSSLErrorQueue.clear()
            }
            guard EVP_DigestVerifyInit(context, nil, nil, nil, key) == 1 else { return false }
            return signature.withUnsafeBufferPointer { signature in
                message.withUnsafeBufferPointer { message in
                    EVP_DigestVerify(
                        context,
                        signature.baseAddress,
                        signature.count,
                        message.baseAddress,
                        message.count
                    )
                }
            } == 1
        }
    }

    /// An Ed25519 private key, used to sign.
    public final class PrivateKey: @unchecked Sendable {
        // Invariant: as for PublicKey, `key` is never mutated after init.
        let key: OpaquePointer

        private init(owning key: OpaquePointer) { self.key = key }

        /// A new random key from OpenSSL's CSPRNG.
        public static func generate() throws(Failure) -> PrivateKey {
            OpenSSLErrorQueue.clear()
            guard let context = EVP_PKEY_CTX_new_id(NID_ED25519, nil) else {
                throw Failure(
                    message: "cannot make an Ed25519 key\(OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain()))"
                )
            }
            defer { EVP_PKEY_CTX_free(context) }
            var key: OpaquePointer?
            guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_keygen(context, &key) == 1, let key else {
                throw Failure(
                    message: "cannot make an Ed25519 key\(OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain()))"
                )
            }
            return PrivateKey(owning: key)
        }

        /// Reads an unencrypted PEM `PRIVATE KEY` block (PKCS #8, as ``pem`` writes it).
        /// - Throws: ``Failure`` when `pem` holds no Ed25519 private key.
        public convenience init(pem: [UInt8]) throws(Failure) {
            OpenSSLErrorQueue.clear()
            guard let key = PEM.privateKey(in: pem) else {
                throw Failure(message: "no PEM private key\(OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain()))")
            }
            guard EVP_PKEY_get_id(key) == NID_ED25519 else {
                EVP_PKEY_free(key)
                throw Failure(message: "the private key is not an Ed25519 key")
            }
            self.init(owning: key)
        }

        deinit { EVP_PKEY_free(key) }

        /// The PEM `PRIVATE KEY` text (PKCS #8, unencrypted).
        public var pem: String { Ed25519.writePEM { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) } }

        /// The matching public key.
        public var publicKey: PublicKey {
            // Round-trips the SubjectPublicKeyInfo, so the public key owns an EVP_PKEY of its own.
            let der = Ed25519.writeDER { i2d_PUBKEY(key, $0) }
            let copy = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
                var cursor = buffer.baseAddress
                return d2i_PUBKEY(nil, &cursor, buffer.count)
            }
            // An EVP_PKEY that OpenSSL itself just encoded always decodes.
            guard let copy else { preconditionFailure("OpenSSL cannot decode its own Ed25519 public key") }
            return PublicKey(owning: copy)
        }

        /// The 64-byte signature of `message`.
        public func signature(for message: [UInt8]) throws(Failure) -> [UInt8] {
            OpenSSLErrorQueue.clear()
            guard let context = EVP_MD_CTX_new() else { throw Failure(message: "cannot allocate a signing context") }
            defer { EVP_MD_CTX_free(context) }
            var signature = [UInt8](repeating: 0, count: Ed25519.signatureLength)
            var length = signature.count
            let status = signature.withUnsafeMutableBufferPointer { signature in
                message.withUnsafeBufferPointer { message in
                    guard EVP_DigestSignInit(context, nil, nil, nil, key) == 1 else { return Int32(0) }
                    return EVP_DigestSign(context, signature.baseAddress, &length, message.baseAddress, message.count)
                }
            }
            guard status == 1, length == Ed25519.signatureLength else {
                throw Failure(message: "Ed25519 signing failed\(OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain()))")
            }
            return signature
        }
    }

    /// SHA-256 of `bytes`.
    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let done = bytes.withUnsafeBufferPointer { bytes in
            digest.withUnsafeMutableBufferPointer { digest in
                EVP_Digest(bytes.baseAddress, bytes.count, digest.baseAddress, &length, EVP_sha256(), nil) == 1
            }
        }
        // A one-shot SHA-256 fails only when OpenSSL cannot allocate its context.
        precondition(done, "OpenSSL SHA-256 failed")
        return Array(digest.prefix(Int(length)))
    }

    /// What `write` puts in a memory BIO, as text.
    static func writePEM(_ write: (OpaquePointer) -> Int32) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { return "" }
        var bytes = [UInt8](repeating: 0, count: copenssl_BIO_pending(bio))
        let count = bytes.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32($0.count)) }
        return String(decoding: bytes.prefix(max(0, Int(count))), as: UTF8.self)
    }

    /// The DER an `i2d_*` function writes.
    static func writeDER(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) -> [UInt8] {
        let count = encode(nil)
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: Int(count))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            _ = encode(&cursor)
        }
        return bytes
    }
}
