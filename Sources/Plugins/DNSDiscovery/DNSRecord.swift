/// The record types the plugin asks for.
enum DNSRecordType: Int32, Sendable, Hashable {
    /// An IPv4 address.
    case a = 1
    /// An IPv6 address.
    case aaaa = 28
    /// A service location: priority, weight, port and target host.
    case srv = 33

    /// `A`, `AAAA`, `SRV`, as messages name them.
    var name: String {
        switch self {
        case .a: "A"
        case .aaaa: "AAAA"
        case .srv: "SRV"
        }
    }
}

/// One answer record: an address, or an SRV target with its priority, weight and port.
struct DNSRecord: Sendable, Equatable {
    /// The IP address (A, AAAA) or the target host without its trailing dot (SRV).
    var text: String
    /// Seconds the answer may be cached.
    var ttl: UInt32
    /// SRV only: lower is tried first.
    var priority: UInt16 = 0
    /// SRV only: the relative chance among records of the same priority.
    var weight: UInt16 = 0
    /// SRV only: the port on the target.
    var port: UInt16 = 0
}
