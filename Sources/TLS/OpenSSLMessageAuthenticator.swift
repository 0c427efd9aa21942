import COpenSSL
public import MetaKernel

/// HMAC-SHA256 and `RAND_bytes` from the system's OpenSSL: the ``MessageAuthenticator`` that
/// authenticates Raft connections with `[meta] internal-shared-secret`.
public struct OpenSSLMessageAuthenticator: MessageAuthenticator {
    /// Creates the authenticator.
    public init() {}

    /// SHA-256's output length.
    public var codeLength: Int { 32 }

    /// HMAC-SHA256 of `message` under `key`.
    public func authenticationCode(for message: [UInt8], key: [UInt8]) -> [UInt8] {
        var code = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let done = key.withUnsafeBytes { key in
            message.withUnsafeBufferPointer { message in
                code.withUnsafeMutableBufferPointer { code in
                    HMAC(
                        EVP_sha256(),
                        key.baseAddress,
                        Int32(key.count),
                        message.baseAddress,
                        message.count,
                        code.baseAddress,
                        &length
                    ) != nil
                }
            }
        }
        // One-shot HMAC-SHA256 fails only when OpenSSL cannot allocate a few hundred bytes;
        // there is no safe way on from that.
        precondition(
            done && Int(length) == codeLength,
            "OpenSSL HMAC-SHA256 failed: \(OpenSSLErrorQueue.drain().joined(separator: "; "))"
        )
        return Array(code.prefix(Int(length)))
    }

    /// Bytes from OpenSSL's CSPRNG.
    public func randomBytes(count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let status = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        precondition(status == 1, "OpenSSL RAND_bytes failed: \(OpenSSLErrorQueue.drain().joined(separator: "; "))")
        return bytes
    }

    /// Registers OpenSSL as the catalog's message authenticator.
    public static func register(in catalog: inout PluginCatalog) {
        catalog.messageAuthenticator = { OpenSSLMessageAuthenticator() }
    }
}
