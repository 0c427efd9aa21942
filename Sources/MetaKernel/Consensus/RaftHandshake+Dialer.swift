import NIOCore

extension RaftHandshake {
    /// The dialer's side of the Raft handshake, without I/O: given the bytes read from a
    /// connection, it says what to do next. ``RaftDialer`` drives it with POSIX calls on a raw
    /// socket and through ``RaftDialHandler`` in a channel pipeline.
    ///
    /// It sends the ``RaftPreamble``, reads and checks the listener's ``PortalHello``, then sends
    /// its ``DialerProof``. ``Action/read(_:)`` never asks for more bytes than the hello still
    /// needs.
    struct Dialer: RaftHandshakeMachine {
        /// What the caller does next.
        enum Action: Equatable {
            /// Write these bytes to the listener and call ``next()`` again.
            case send(ByteBuffer)
            /// Read at most this many bytes (at least one), pass them to ``receive(_:)`` and call
            /// ``next()`` again.
            case read(Int)
            /// The handshake is done once the bytes sent before have been written: hand the
            /// connection to libraft. `rest` is what was received past the hello.
            case established(rest: ByteBuffer)
            /// The listener's proof failed this node's check (a wrong or missing secret: a
            /// configuration problem); why, in one line.
            case refused(String)
            /// The listener's answer is not a handshake of ours; why, in one line.
            case invalid(String)
        }

        /// What a dialer reports when the listener hangs up before its hello.
        static let listenerHungUp =
            "the peer closed the connection during the Raft handshake (see its log: it may not know this node, or require internal-shared-secret)"

        private enum State {
            case start
            case awaitingHello
            case proofSent
            case over
        }

        private let preamble: RaftPreamble
        private let authentication: RaftAuthentication
        private var state = State.start
        var received = ByteBuffer()

        /// - Parameters:
        ///   - preamble: This node's id, address and fresh nonce.
        ///   - authentication: What this node proves and demands.
        init(preamble: RaftPreamble, authentication: RaftAuthentication) {
            self.preamble = preamble
            self.authentication = authentication
        }

        /// The next step; call until it is ``Action/read(_:)`` (then after more bytes), or the
        /// handshake is over (``Action/established(rest:)``, ``Action/refused(_:)`` or
        /// ``Action/invalid(_:)``).
        mutating func next() -> Action {
            switch state {
            case .start:
                var bytes = ByteBuffer()
                preamble.encode(into: &bytes)
                state = .awaitingHello
                return .send(bytes)
            case .awaitingHello:
                let hello: PortalHello
                do {
                    guard let decoded = try PortalHello.decode(from: &received) else {
                        return .read(PortalHello.length - received.readableBytes)
                    }
                    hello = decoded
                } catch {
                    state = .over
                    return .invalid("\(error)")
                }
                if let why = authentication.check(
                    hello.proof,
                    from: .portal,
                    preamble: preamble,
                    portalNonce: hello.nonce
                ) {
                    state = .over
                    return .refused(why)
                }
                var bytes = ByteBuffer()
                DialerProof(proof: authentication.proof(as: .dialer, preamble: preamble, portalNonce: hello.nonce))
                    .encode(into: &bytes)
                state = .proofSent
                return .send(bytes)
            case .proofSent:
                state = .over
                defer { received = ByteBuffer() }
                return .established(rest: received)
            case .over:
                preconditionFailure("the Raft handshake is over")
            }
        }
    }
}
