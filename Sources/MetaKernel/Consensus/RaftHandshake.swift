import NIOCore

/// The two messages that follow a ``RaftPreamble``: the listener's hello and the dialer's proof.
/// Both have a fixed length, so a reader knows when it has one.
enum RaftHandshake {
    /// Proof flags on the wire.
    private static let noProof: UInt8 = 0
    private static let hasProof: UInt8 = 1

    /// Why a handshake message was refused.
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// Listener → dialer: the listener's nonce (32 bytes), a flag (0: no proof, 1: proof) and
    /// 32 proof bytes (zero without a proof).
    struct PortalHello: Equatable, Sendable {
        static let length = RaftAuthentication.nonceLength + 1 + RaftAuthentication.proofLength

        var nonce: [UInt8]
        var proof: [UInt8]?

        init(nonce: [UInt8], proof: [UInt8]?) {
            self.nonce = nonce
            self.proof = proof
        }

        /// The listener's answer to `preamble`: a fresh nonce and, with a secret, its proof.
        init(answering preamble: RaftPreamble, authentication: RaftAuthentication) {
            let nonce = authentication.nonce()
            self.init(nonce: nonce, proof: authentication.proof(as: .portal, preamble: preamble, portalNonce: nonce))
        }

        func encode(into buffer: inout ByteBuffer) {
            buffer.writeBytes(nonce)
            RaftHandshake.encode(proof, into: &buffer)
        }

        /// Reads a hello; `nil` while fewer than ``length`` bytes are there.
        static func decode(from buffer: inout ByteBuffer) throws(Invalid) -> PortalHello? {
            guard buffer.readableBytes >= length else { return nil }
            var reader = buffer
            let nonce = reader.readBytes(length: RaftAuthentication.nonceLength)!
            let proof = try RaftHandshake.decodeProof(from: &reader)
            buffer = reader
            return PortalHello(nonce: nonce, proof: proof)
        }
    }

    /// Dialer → listener: a flag (0: no proof, 1: proof) and 32 proof bytes.
    struct DialerProof: Equatable, Sendable {
        static let length = 1 + RaftAuthentication.proofLength

        var proof: [UInt8]?

        func encode(into buffer: inout ByteBuffer) {
            RaftHandshake.encode(proof, into: &buffer)
        }

        /// Reads a proof; `nil` while fewer than ``length`` bytes are there.
        static func decode(from buffer: inout ByteBuffer) throws(Invalid) -> DialerProof? {
            guard buffer.readableBytes >= length else { return nil }
            var reader = buffer
            let proof = try RaftHandshake.decodeProof(from: &reader)
            buffer = reader
            return DialerProof(proof: proof)
        }
    }

    private static func encode(_ proof: [UInt8]?, into buffer: inout ByteBuffer) {
        if let proof {
            precondition(proof.count == RaftAuthentication.proofLength)
            buffer.writeInteger(hasProof)
            buffer.writeBytes(proof)
        } else {
            buffer.writeInteger(noProof)
            buffer.writeRepeatingByte(0, count: RaftAuthentication.proofLength)
        }
    }

    private static func decodeProof(from reader: inout ByteBuffer) throws(Invalid) -> [UInt8]? {
        let flag: UInt8 = reader.readInteger()!
        let bytes = reader.readBytes(length: RaftAuthentication.proofLength)!
        switch flag {
        case noProof: return nil
        case hasProof: return bytes
        default: throw Invalid(description: "bad proof flag \(flag) in the Raft handshake")
        }
    }
}
