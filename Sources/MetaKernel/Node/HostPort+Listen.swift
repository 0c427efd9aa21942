extension HostPort {
    /// The host to bind for a non-wildcard address: its first address as `discovery` gives it,
    /// so that `bind-address = "meta1:8089"` binds where the peers dial `meta1` (with
    /// `[discovery] hosts-file`, a file the system resolver does not read). A name discovery
    /// cannot resolve is bound as written, through the system resolver.
    func listenHost(discovery: any PeerDiscovery) async -> String {
        guard let first = try? await discovery.resolve(host: host).first else { return host }
        return first
    }
}
