import CRaft

/// A libraft call failed.
public struct RaftError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The libraft error code (`RAFT_NOTLEADER`, `RAFT_IOERR`, ...).
    public var code: Int32
    /// What we were doing, e.g. `raft_apply`.
    public var operation: String
    /// libraft's text for the error, plus its detailed message where there is one.
    public var detail: String

    /// Creates an error from a libraft code, reading the library's text for it.
    public init(code: Int32, operation: String, detail: String? = nil) {
        self.code = code
        self.operation = operation
        let text = String(cString: raft_strerror(code))
        if let detail, !detail.isEmpty, detail != text {
            self.detail = "\(text): \(detail)"
        } else {
            self.detail = text
        }
    }

    /// This node is not the leader (`RAFT_NOTLEADER`).
    public var isNotLeader: Bool { code == RAFT_NOTLEADER }

    /// Leadership was lost after the entry was appended: it may or may not commit later.
    public var isLeadershipLost: Bool { code == RAFT_LEADERSHIPLOST }

    /// The server id is not in the configuration (`RAFT_BADID`).
    public var isUnknownServer: Bool { code == RAFT_BADID }

    /// The node is shutting down.
    public var isShutdown: Bool { code == RAFT_SHUTDOWN || code == RAFT_CANCELED }

    /// `operation: detail`.
    public var description: String { "\(operation): \(detail)" }
}
