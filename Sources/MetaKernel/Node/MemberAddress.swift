/// Checks on the `host:8091` address an operator gives to `join`, `add-meta` or `remove-meta`.
enum MemberAddress {
    /// Parses `text`; refuses `localhost` and addresses without a port.
    static func parse(_ text: String, option: String) throws(MetaNodeError) -> HostPort {
        let target: HostPort
        do {
            target = try HostPort(parsing: text)
        } catch {
            throw MetaNodeError(
                .invalid,
                "\"\(text)\" is not a meta node address; give host:port, e.g. enterprise-meta-01:8091"
            )
        }
        guard !target.host.isEmpty, target.port != 0 else {
            throw MetaNodeError(.invalid, "\"\(text)\" needs a host name and port, e.g. enterprise-meta-01:8091")
        }
        if target.host.lowercased() == "localhost" || target.host.lowercased().hasPrefix("localhost.") {
            throw MetaNodeError(
                .invalid,
                "refusing \(text): other nodes would dial themselves; use the node's host name as the others resolve it (e.g. enterprise-meta-01:8091)"
            )
        }
        return target
    }

    /// Whether every address of `host` is a loopback address.
    static func isLoopback(_ host: String, discovery: any PeerDiscovery) async -> Bool? {
        guard let addresses = try? await discovery.resolve(host: host), !addresses.isEmpty else { return nil }
        return addresses.allSatisfy { $0.hasPrefix("127.") || $0 == "::1" }
    }

    /// Refuses a loopback member in a cluster whose other members are not on loopback (they
    /// would dial themselves), and a host discovery cannot resolve. An all-loopback cluster on
    /// one machine stays allowed, for development and tests.
    static func checkLoopback(_ target: HostPort, members: [String], discovery: any PeerDiscovery)
        async throws(MetaNodeError)
    {
        let resolved: [String]
        do {
            resolved = try await discovery.resolve(host: target.host)
        } catch {
            throw MetaNodeError(.invalid, "\(error.message) [discovery: \(discovery.source)]")
        }
        let targetLoopback = resolved.allSatisfy { $0.hasPrefix("127.") || $0 == "::1" }
        for member in members {
            guard let host = try? HostPort(parsing: member).host,
                let memberLoopback = await isLoopback(host, discovery: discovery)
            else { continue }
            if memberLoopback != targetLoopback {
                let which = targetLoopback ? "\(target) is a loopback address" : "\(member) is on loopback"
                throw MetaNodeError(
                    .invalid,
                    "refusing \(target): \(which) while other members are not, so peers would dial themselves; use host names that resolve to each server's own address on every server"
                )
            }
        }
    }
}
