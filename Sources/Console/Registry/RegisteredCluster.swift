public import FoundationEssentials

/// A cluster as the registry keeps it: what its nodes' registrations said, and its given name.
public struct RegisteredCluster: Sendable, Equatable {
    /// The cluster id, as registered.
    public var id: String
    /// The name an operator gave it; `nil` until named.
    public var name: String?
    /// When a node of the cluster first registered.
    public var firstSeen: Date
    /// When a node of the cluster last registered or reported statistics.
    public var lastContact: Date?

    /// Creates a record.
    public init(id: String, name: String? = nil, firstSeen: Date, lastContact: Date? = nil) {
        self.id = id
        self.name = name
        self.firstSeen = firstSeen
        self.lastContact = lastContact
    }
}
