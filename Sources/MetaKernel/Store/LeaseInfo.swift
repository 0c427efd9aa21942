/// A lease (`continuous_querier` and the like), replicated so that it stays exclusive when the
/// leader changes. Every change of holder takes a new ``token`` that only grows (a fencing token).
public struct LeaseInfo: Sendable, Codable, Equatable, Hashable {
    /// The lease name.
    public var name: String
    /// The data node that holds it.
    public var owner: UInt64
    /// When it lapses, in Unix nanoseconds of the leader that granted it.
    public var expiration: Int64
    /// The fencing token of the current holding: bigger than every token granted before.
    public var token: UInt64

    /// Creates a lease record.
    public init(name: String, owner: UInt64, expiration: Int64, token: UInt64) {
        self.name = name
        self.owner = owner
        self.expiration = expiration
        self.token = token
    }
}
