/// Why a meta-node operation failed. Each message is one line that says what to do.
public struct MetaNodeError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, which decides the HTTP status.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable {
            case notLeader, noLeader, unjoined, invalid, conflict, badState, unavailable, timeout
        }
        let base: Base
        init(_ base: Base) { self.base = base }

        /// This node is a follower; ``MetaNodeError/leaderHTTPAddress`` says where to go.
        public static let notLeader = Code(.notLeader)
        /// No leader is known right now.
        public static let noLeader = Code(.noLeader)
        /// The node has not joined a cluster.
        public static let unjoined = Code(.unjoined)
        /// The request is malformed or asks for something impossible.
        public static let invalid = Code(.invalid)
        /// The request conflicts with the cluster's state.
        public static let conflict = Code(.conflict)
        /// Local state is damaged or inconsistent with the configuration.
        public static let badState = Code(.badState)
        /// The node is starting or stopping.
        public static let unavailable = Code(.unavailable)
        /// The operation did not finish in time.
        public static let timeout = Code(.timeout)

        /// The code's name.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// One line for people.
    public var message: String
    /// The leader's HTTP address, for ``Code/notLeader``.
    public var leaderHTTPAddress: String?
    /// Where the error was made.
    public var fileID: String
    /// Where the error was made.
    public var line: Int

    /// Creates an error.
    public init(
        _ code: Code,
        _ message: String,
        leaderHTTPAddress: String? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.leaderHTTPAddress = leaderHTTPAddress
        self.fileID = fileID
        self.line = line
    }

    /// The message.
    public var description: String { message }
}
