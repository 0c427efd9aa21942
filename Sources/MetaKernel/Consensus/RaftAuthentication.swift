/// Who must prove what on a Raft connection, and how proofs are made and checked.
///
/// Both ends of a Raft connection can prove they hold `[meta] internal-shared-secret` without
/// sending it: each side sends a fresh random nonce, and each proof is an HMAC-SHA256 under the
/// secret of a role label, both nonces, and the dialer's id and address (see ``RaftHandshake``).
/// A node with a secret always proves itself and checks every proof it gets; mismatched
/// secrets always end the connection. What a missing proof means is set by
/// `raft-portal-auth-required` (the listener demands one) and `raft-dialer-auth-required`
/// (the dialer demands one from the listener), so a cluster can enable the secret node by
/// node, then demand it.
public struct RaftAuthentication: Sendable {
    /// The side of a Raft connection.
    public enum Role: String, Sendable {
        /// The listening end (`bind-address`, port 8089).
        case portal
        /// The connecting end.
        case dialer
    }

    /// Length of nonces and proofs on the wire.
    static let nonceLength = 32
    static let proofLength = 32

    /// The shared secret's bytes; empty when none is configured.
    let secret: [UInt8]
    /// Whether the listener refuses dialers that prove nothing.
    public let portalRequired: Bool
    /// Whether the dialer refuses listeners that prove nothing.
    public let dialerRequired: Bool
    let authenticator: (any MessageAuthenticator)?

    /// No secret: nothing is proven or demanded.
    public static let none = RaftAuthentication(secret: "", portalRequired: false, dialerRequired: false)

    /// Creates the policy.
    /// - Parameters:
    ///   - secret: `[meta] internal-shared-secret`; empty for none.
    ///   - portalRequired: `[meta] raft-portal-auth-required`.
    ///   - dialerRequired: `[meta] raft-dialer-auth-required`.
    ///   - authenticator: HMAC and randomness; required when `secret` is not empty.
    public init(
        secret: String,
        portalRequired: Bool,
        dialerRequired: Bool,
        authenticator: (any MessageAuthenticator)? = nil
    ) {
        precondition(authenticator.map { $0.codeLength == Self.proofLength } ?? true, "a 32-byte MAC is required")
        self.secret = Array(secret.utf8)
        self.portalRequired = portalRequired
        self.dialerRequired = dialerRequired
        self.authenticator = authenticator
    }

    /// Whether this node proves itself (it has a secret).
    var proves: Bool { !secret.isEmpty && authenticator != nil }

    /// A fresh nonce.
    func nonce() -> [UInt8] {
        if let authenticator { return authenticator.randomBytes(count: Self.nonceLength) }
        var generator = SystemRandomNumberGenerator()
        return (0..<Self.nonceLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// This node's proof in `role` for the connection opened by `preamble`, or `nil` without a secret.
    func proof(as role: Role, preamble: RaftPreamble, portalNonce: [UInt8]) -> [UInt8]? {
        guard proves, let authenticator else { return nil }
        return authenticator.authenticationCode(
            for: Self.message(role: role, preamble: preamble, portalNonce: portalNonce),
            key: secret
        )
    }

    /// Checks the other side's `proof` (sent in `role`). `nil` means it proved nothing.
    /// - Returns: why the connection must end, or `nil` to go on.
    func check(_ proof: [UInt8]?, from role: Role, preamble: RaftPreamble, portalNonce: [UInt8]) -> String? {
        let required = role == .dialer ? portalRequired : dialerRequired
        let key = role == .dialer ? "raft-portal-auth-required" : "raft-dialer-auth-required"
        guard let proof else {
            return required
                ? "it sent no proof of internal-shared-secret and this node has \(key) = true; set the same [meta] internal-shared-secret on every meta node"
                : nil
        }
        guard let expected = self.proof(as: role, preamble: preamble, portalNonce: portalNonce) else {
            // No secret here: nothing to check against, which is acceptable only when not required.
            return required ? "this node has \(key) = true but no internal-shared-secret to check proofs with" : nil
        }
        guard Self.codesMatch(proof, expected) else {
            return
                "its internal-shared-secret does not match this node's (signature is invalid); set the same [meta] internal-shared-secret on every meta node"
        }
        return nil
    }

    /// Compares two codes in time that depends only on their length.
    static func codesMatch(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static func message(role: Role, preamble: RaftPreamble, portalNonce: [UInt8]) -> [UInt8] {
        var message = Array("IMETARFT \(role.rawValue) proof v\(RaftPreamble.version)".utf8)
        message.append(0)
        message += preamble.nonce
        message += portalNonce
        withUnsafeBytes(of: preamble.id.bigEndian) { message += $0 }
        message += Array(preamble.address.utf8)
        return message
    }
}
