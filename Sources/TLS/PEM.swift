import COpenSSL

/// Parses PEM data already read from a file, so each file is opened once and every failure can
/// name the file it came from.
enum PEM {
    /// Every certificate in `bytes`, in file order; blocks of other kinds (a private key in a
    /// bundle) are skipped. The caller owns the returned `X509` references.
    static func certificates(in bytes: [UInt8]) -> [OpaquePointer] {
        bytes.withUnsafeBytes { raw -> [OpaquePointer] in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return [] }
            defer { BIO_free(bio) }
            var certificates: [OpaquePointer] = []
            while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
                certificates.append(certificate)
            }
            return certificates
        }
    }

    /// The first private key in `bytes`, or `nil`. Encrypted keys are not decrypted (no
    /// passphrase prompt). The caller owns the returned `EVP_PKEY` reference.
    static func privateKey(in bytes: [UInt8]) -> OpaquePointer? {
        bytes.withUnsafeBytes { raw -> OpaquePointer? in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            // A callback that supplies no passphrase: OpenSSL's default would prompt on the terminal.
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil)
        }
    }

    /// Whether `bytes` contain a PEM block whose label mentions `ENCRYPTED`.
    static func looksEncrypted(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.contains("BEGIN ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED")
    }
}
