import NIOCore
import Testing

@testable import MetaKernel

/// The two sides of the Raft handshake, driven with bytes alone.
@Suite("Raft handshake state machines")
struct RaftHandshakeMachineTests {
    typealias Dialer = RaftHandshake.Dialer
    typealias Listener = RaftHandshake.Listener

    static let nonce = [UInt8](repeating: 5, count: 32)
    static let preamble = RaftPreamble(id: 2, address: "meta-2:8089", nonce: nonce)
    static let secret = RaftBridgeTests.authentication(secret: "right")
    static let wrongSecret = RaftBridgeTests.authentication(secret: "wrong")
    static let lenient = RaftBridgeTests.authentication(secret: "right", required: false)

    /// How both ends finished, and what was left in the pipes.
    struct Outcome {
        var dialer: Dialer.Action?
        var listener: Listener.Action?
        /// Bytes sent to the listener that it never took.
        var unreadByListener: [UInt8] = []
        /// Bytes sent to the dialer that it never took.
        var unreadByDialer: [UInt8] = []
    }

    /// Runs `dialer` against `listener`, passing at most `chunk` bytes at a time. The dialer's
    /// libraft sends `afterProof` right after its proof, the listener `afterHello` after its hello.
    /// With `exact`, a side is given no more than it asks for, as the POSIX paths read; otherwise
    /// whatever is there, as NIO delivers it.
    static func exchange(
        dialer: Dialer,
        listener: Listener,
        chunk: Int = .max,
        exact: Bool = true,
        afterHello: [UInt8] = [],
        afterProof: [UInt8] = []
    ) -> Outcome {
        var dialer = dialer
        var listener = listener
        var toListener: [UInt8] = []
        var toDialer: [UInt8] = []
        var outcome = Outcome()
        var progress = true
        while progress, outcome.dialer == nil || outcome.listener == nil {
            progress = false
            dialing: while outcome.dialer == nil {
                let action = dialer.next()
                switch action {
                case .send(let bytes):
                    toListener += bytes.readableBytesView
                case .read(let wanted):
                    #expect(wanted > 0)
                    let count = min(toDialer.count, chunk, exact ? wanted : .max)
                    if count == 0 { break dialing }
                    dialer.receive(toDialer.prefix(count))
                    toDialer.removeFirst(count)
                case .established:
                    toListener += afterProof
                    outcome.dialer = action
                case .refused, .invalid:
                    outcome.dialer = action
                }
                progress = true
            }
            listening: while outcome.listener == nil {
                let action = listener.next()
                switch action {
                case .send(let bytes):
                    toDialer += bytes.readableBytesView
                    toDialer += afterHello
                case .read(let wanted):
                    #expect(wanted > 0)
                    let count = min(toListener.count, chunk, exact ? wanted : .max)
                    if count == 0 { break listening }
                    listener.receive(toListener.prefix(count))
                    toListener.removeFirst(count)
                case .accepted, .refused:
                    outcome.listener = action
                }
                progress = true
            }
        }
        outcome.unreadByListener = toListener
        outcome.unreadByDialer = toDialer
        return outcome
    }

    @Test(
        "both sides agree, with and without a secret, whatever the chunk size",
        arguments: ["no secret", "secret required", "secret not required"],
        [1, 7, 4096]
    )
    func agree(setting: String, chunk: Int) {
        let authentication = ["secret required": Self.secret, "secret not required": Self.lenient][setting] ?? .none
        let outcome = Self.exchange(
            dialer: Dialer(preamble: Self.preamble, authentication: authentication),
            listener: Listener(authentication: authentication),
            chunk: chunk
        )
        #expect(outcome.dialer == .established(rest: ByteBuffer()))
        #expect(outcome.listener == .accepted(Self.preamble, rest: ByteBuffer()))
    }

    @Test("the dialer's first message is the version 2 preamble, byte for byte")
    func wireFormat() {
        var dialer = Dialer(preamble: Self.preamble, authentication: .none)
        let address = Array("meta-2:8089".utf8)
        let expected =
            Array("IMETARFT".utf8) + [0, 0, 0, 2] + [0, 0, 0, 0, 0, 0, 0, 2] + Self.nonce
            + [0, UInt8(address.count)] + address
        #expect(dialer.next() == .send(ByteBuffer(bytes: expected)))
        #expect(dialer.next() == .read(RaftHandshake.PortalHello.length))
    }

    @Test("reading only what each side asks for leaves libraft's bytes on the wire")
    func exactReads() {
        let libraft: [UInt8] = Array("libraft's first bytes".utf8)
        for chunk in [1, 4096] {
            let outcome = Self.exchange(
                dialer: Dialer(preamble: Self.preamble, authentication: Self.secret),
                listener: Listener(authentication: Self.secret),
                chunk: chunk,
                afterHello: libraft,
                afterProof: libraft
            )
            #expect(outcome.dialer == .established(rest: ByteBuffer()))
            #expect(outcome.listener == .accepted(Self.preamble, rest: ByteBuffer()))
            #expect(outcome.unreadByListener == libraft)
            #expect(outcome.unreadByDialer == libraft)
        }
    }

    @Test("with everything already on the wire, the listener asks for the handshake's bytes and no more")
    func exactReadsPipelined() {
        let libraft: [UInt8] = Array("libraft's first bytes".utf8)
        var stream = ByteBuffer()
        Self.preamble.encode(into: &stream)
        RaftHandshake.DialerProof(proof: nil).encode(into: &stream)
        stream.writeBytes(libraft)
        var listener = Listener(authentication: .none)
        var action = listener.next()
        while true {
            switch action {
            case .read(let wanted):
                listener.receive(stream.readSlice(length: min(wanted, stream.readableBytes))!)
            case .send:
                break
            case .accepted, .refused:
                #expect(action == .accepted(Self.preamble, rest: ByteBuffer()))
                #expect(Array(stream.readableBytesView) == libraft)
                return
            }
            action = listener.next()
        }
    }

    @Test("bytes received past the handshake are handed on for libraft")
    func restHandedOn() {
        let libraft: [UInt8] = Array("libraft".utf8)
        let outcome = Self.exchange(
            dialer: Dialer(preamble: Self.preamble, authentication: Self.secret),
            listener: Listener(authentication: Self.secret),
            exact: false,
            afterHello: libraft,
            afterProof: libraft
        )
        #expect(outcome.dialer == .established(rest: ByteBuffer(bytes: libraft)))
        #expect(outcome.listener == .accepted(Self.preamble, rest: ByteBuffer(bytes: libraft)))
    }

    static let magic: [UInt8] = Array("IMETARFT".utf8)
    static let header = magic + [0, 0, 0, 2] + [0, 0, 0, 0, 0, 0, 0, 1] + nonce

    /// Bytes that are not a preamble, and the refusal they meet once the listener has read the
    /// first `refusedAfter` of them.
    struct NotPreamble: Sendable, CustomTestStringConvertible {
        var bytes: [UInt8]
        var refusedAfter: Int
        var why: String
        var testDescription: String { why }
    }

    static let notPreambles = [
        NotPreamble(
            bytes: Array("GET / HTTP/1.1\r\n".utf8),
            refusedAfter: 1,
            why: "not an influxd-meta Raft connection (bad magic)"
        ),
        NotPreamble(
            bytes: [0x16, 0x03, 0x01, 0x00, 0xF4, 0x01],
            refusedAfter: 1,
            why:
                "it speaks TLS (a TLS ClientHello), and this node's Raft port does not: set [meta] https-enabled the same on every meta node"
        ),
        NotPreamble(
            bytes: magic + [0, 0, 0, 1] + [0, 0, 0, 0, 0, 0, 0, 1] + [0, 1, 65],
            refusedAfter: 12,
            why:
                "unsupported Raft connection version 1 (this node speaks 2; run the same influxd-meta release on every meta node)"
        ),
        NotPreamble(
            bytes: magic + [0, 0, 0, 2] + [0, 0, 0, 0, 0, 0, 0, 0] + nonce + [0, 1, 65],
            refusedAfter: RaftPreamble.headerLength,
            why: "Raft id 0 is not valid"
        ),
        // Refused on its header: the 2,000 bytes it announces are never read.
        NotPreamble(
            bytes: header + [0x07, 0xD0] + [UInt8](repeating: 65, count: 2000),
            refusedAfter: RaftPreamble.headerLength,
            why: "Raft address length 2000 out of range"
        ),
        NotPreamble(
            bytes: header + [0, 0],
            refusedAfter: RaftPreamble.headerLength,
            why: "Raft address length 0 out of range"
        ),
        NotPreamble(
            bytes: header + [0, 2, 0xFF, 0xFE],
            refusedAfter: RaftPreamble.headerLength + 2,
            why: "Raft address is not valid UTF-8"
        ),
    ]

    @Test(
        "fed a byte at a time, the listener refuses what is not a preamble as soon as it can tell",
        arguments: notPreambles
    )
    func refusesPreambles(sample: NotPreamble) {
        var listener = Listener(authentication: .none)
        var read = 0
        var action = listener.next()
        while case .read = action, read < sample.bytes.count {
            listener.receive(sample.bytes[read...read])
            read += 1
            action = listener.next()
        }
        #expect(action == .refused(sample.why))
        #expect(read == sample.refusedAfter)
    }

    /// A listener that has answered `preamble`, and its hello.
    static func answered(
        _ preamble: RaftPreamble,
        authentication: RaftAuthentication
    ) throws -> (Listener, RaftHandshake.PortalHello) {
        var listener = Listener(authentication: authentication)
        var bytes = ByteBuffer()
        preamble.encode(into: &bytes)
        listener.receive(bytes)
        guard case .send(var reply) = listener.next() else { throw HandshakeStalled() }
        let hello = try #require(try RaftHandshake.PortalHello.decode(from: &reply))
        return (listener, hello)
    }

    struct HandshakeStalled: Error {}

    @Test("a proof flag other than 0 or 1 is refused by either side")
    func badProofFlag() throws {
        var (listener, _) = try Self.answered(Self.preamble, authentication: .none)
        listener.receive([2] + [UInt8](repeating: 0, count: 32))
        #expect(listener.next() == .refused("bad proof flag 2 in the Raft handshake"))

        var dialer = Dialer(preamble: Self.preamble, authentication: .none)
        _ = dialer.next()
        dialer.receive(Self.nonce + [2] + [UInt8](repeating: 0, count: 32))
        #expect(dialer.next() == .invalid("bad proof flag 2 in the Raft handshake"))
    }

    static let mismatch =
        "its internal-shared-secret does not match this node's (signature is invalid); set the same [meta] internal-shared-secret on every meta node"

    @Test("a wrong secret ends the handshake on either side")
    func wrongSecret() throws {
        // The dialer refuses the listener's proof.
        let outcome = Self.exchange(
            dialer: Dialer(preamble: Self.preamble, authentication: Self.wrongSecret),
            listener: Listener(authentication: Self.secret)
        )
        #expect(outcome.dialer == .refused(Self.mismatch))
        #expect(outcome.listener == nil)

        // The listener refuses a dialer's proof made with another secret, or its own proof sent back.
        for proof in [
            { (hello: RaftHandshake.PortalHello) in
                Self.wrongSecret.proof(as: .dialer, preamble: Self.preamble, portalNonce: hello.nonce)
            },
            { (hello: RaftHandshake.PortalHello) in hello.proof },
        ] {
            var (listener, hello) = try Self.answered(Self.preamble, authentication: Self.lenient)
            var bytes = ByteBuffer()
            RaftHandshake.DialerProof(proof: proof(hello)).encode(into: &bytes)
            listener.receive(bytes)
            #expect(listener.next() == .refused("claiming meta-2:8089 (id 2): \(Self.mismatch)"))
        }
    }

    @Test("a missing proof is refused where the -auth-required setting demands one")
    func missingProof() {
        let listenerDemands = Self.exchange(
            dialer: Dialer(preamble: Self.preamble, authentication: .none),
            listener: Listener(authentication: Self.secret)
        )
        #expect(listenerDemands.dialer == .established(rest: ByteBuffer()))
        #expect(
            listenerDemands.listener
                == .refused(
                    "claiming meta-2:8089 (id 2): it sent no proof of internal-shared-secret and this node has raft-portal-auth-required = true; set the same [meta] internal-shared-secret on every meta node"
                )
        )

        let dialerDemands = Self.exchange(
            dialer: Dialer(preamble: Self.preamble, authentication: Self.secret),
            listener: Listener(authentication: .none)
        )
        #expect(
            dialerDemands.dialer
                == .refused(
                    "it sent no proof of internal-shared-secret and this node has raft-dialer-auth-required = true; set the same [meta] internal-shared-secret on every meta node"
                )
        )

        // Without the setting a node with a secret lets a node without one in, both ways.
        let lenient = Self.exchange(
            dialer: Dialer(preamble: Self.preamble, authentication: .none),
            listener: Listener(authentication: Self.lenient)
        )
        #expect(lenient.listener == .accepted(Self.preamble, rest: ByteBuffer()))
    }
}
