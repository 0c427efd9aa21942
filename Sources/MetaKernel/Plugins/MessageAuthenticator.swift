/// Keyed message authentication for node-to-node traffic: HMAC-SHA256 and a secure random
/// source. The kernel has no crypto of its own; the TLS module implements this with OpenSSL.
///
/// Raft connections use it to prove, in both directions, that both ends hold the same
/// `[meta] internal-shared-secret` without sending the secret (see ``RaftAuthentication``).
public protocol MessageAuthenticator: Sendable {
    /// The length in bytes of every code ``authenticationCode(for:key:)`` returns.
    var codeLength: Int { get }

    /// The authentication code of `message` under `key`.
    func authenticationCode(for message: [UInt8], key: [UInt8]) -> [UInt8]

    /// `count` bytes from a cryptographically secure generator.
    func randomBytes(count: Int) -> [UInt8]
}
