import NIOCore
import NIOPosix

/// Why a call to a meta node failed: one line naming the node.
public struct MetaClientError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable {
            case unreachable, timeout, badResponse, tooLarge, badAddress
            case peerRequiresTLS, peerLacksTLS, certificateRejected, ownCertificateRejected
        }
        let base: Base
        init(_ base: Base) { self.base = base }

        /// Nothing answered at the address.
        public static let unreachable = Code(.unreachable)
        /// No answer in time.
        public static let timeout = Code(.timeout)
        /// Something answered, but not as a meta node would.
        public static let badResponse = Code(.badResponse)
        /// The answer was longer than the client's `maximumReplySize`.
        public static let tooLarge = Code(.tooLarge)
        /// The address is not `host:port`.
        public static let badAddress = Code(.badAddress)
        /// Plain HTTP was dialled, and the peer speaks TLS on that port.
        public static let peerRequiresTLS = Code(.peerRequiresTLS)
        /// TLS was dialled, and the peer answered in plain HTTP.
        public static let peerLacksTLS = Code(.peerLacksTLS)
        /// The peer's certificate failed verification (unknown CA, wrong name, expired).
        public static let certificateRejected = Code(.certificateRejected)
        /// The peer refused this client's certificate, or required one and got none.
        public static let ownCertificateRejected = Code(.ownCertificateRejected)

        /// The code's name.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// One line for people.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// Short text for a connection error.
    static func describe(_ error: (any Error)?) -> String {
        guard let error else { return "no address to try" }
        if let io = error as? IOError {
            switch io.errnoCode {
            case 111: return "connection refused"
            case 113: return "no route to host"
            case 101: return "network is unreachable"
            default: return "\(io)"
            }
        }
        if let connect = error as? NIOConnectionError {
            if let first = connect.connectionErrors.first { return describe(first.error) }
            if connect.dnsAAAAError != nil || connect.dnsAError != nil { return "host name does not resolve" }
        }
        if let channel = error as? ChannelError {
            if case .connectTimeout = channel { return "connection timed out" }
            return "connection closed (\(channel))"
        }
        return "\(error)"
    }
}
