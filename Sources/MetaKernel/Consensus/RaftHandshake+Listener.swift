import NIOCore

extension RaftHandshake {
    /// The listener's side of the Raft handshake, without I/O: given the bytes read from a
    /// connection, it says what to do next. ``PlainRaftListener`` drives it with POSIX calls,
    /// ``RaftAcceptHandler`` in a channel pipeline.
    ///
    /// It reads the dialer's ``RaftPreamble``, answers with a ``PortalHello``, then reads and
    /// checks the dialer's ``DialerProof``. ``Action/read(_:)`` never asks for more bytes than the
    /// message being read still needs, so a reader that reads no more than that takes none of
    /// libraft's bytes from the socket.
    struct Listener: RaftHandshakeMachine {
        /// What the caller does next.
        enum Action: Equatable {
            /// Read at most this many bytes (at least one), pass them to ``receive(_:)`` and call
            /// ``next()`` again.
            case read(Int)
            /// Write these bytes to the dialer and call ``next()`` again.
            case send(ByteBuffer)
            /// The dialer identified itself and proved what it must: hand the connection to
            /// libraft. `rest` is what was received past the handshake, libraft's first bytes.
            case accepted(RaftPreamble, rest: ByteBuffer)
            /// Close the connection; why, in one line for the log.
            case refused(String)
        }

        private enum State {
            case awaitingPreamble
            case awaitingProof(RaftPreamble, portalNonce: [UInt8])
            case over
        }

        private let authentication: RaftAuthentication
        private var state = State.awaitingPreamble
        var received = ByteBuffer()

        /// - Parameter authentication: What this node proves and demands.
        init(authentication: RaftAuthentication) {
            self.authentication = authentication
        }

        /// The next step; call until it is ``Action/read(_:)`` (then after more bytes), or the
        /// handshake is over (``Action/accepted(_:rest:)`` or ``Action/refused(_:)``).
        mutating func next() -> Action {
            switch state {
            case .awaitingPreamble:
                let preamble: RaftPreamble
                do {
                    guard let decoded = try RaftPreamble.decode(from: &received) else {
                        return .read(RaftPreamble.missingBytes(in: received))
                    }
                    preamble = decoded
                } catch {
                    return refuse("\(error)")
                }
                let hello = PortalHello(answering: preamble, authentication: authentication)
                var reply = ByteBuffer()
                hello.encode(into: &reply)
                state = .awaitingProof(preamble, portalNonce: hello.nonce)
                return .send(reply)
            case .awaitingProof(let preamble, let nonce):
                let proof: DialerProof
                do {
                    guard let decoded = try DialerProof.decode(from: &received) else {
                        return .read(DialerProof.length - received.readableBytes)
                    }
                    proof = decoded
                } catch {
                    return refuse("\(error)")
                }
                if let why = authentication.check(proof.proof, from: .dialer, preamble: preamble, portalNonce: nonce) {
                    return refuse("claiming \(preamble.address) (id \(preamble.id)): \(why)")
                }
                state = .over
                defer { received = ByteBuffer() }
                return .accepted(preamble, rest: received)
            case .over:
                preconditionFailure("the Raft handshake is over")
            }
        }

        private mutating func refuse(_ why: String) -> Action {
            state = .over
            received = ByteBuffer()
            return .refused(why)
        }
    }
}
