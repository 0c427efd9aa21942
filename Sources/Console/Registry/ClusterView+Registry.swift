import FoundationEssentials

extension ClusterView {
    /// The view of a cluster not polled yet: what its servers' registrations and latest stats
    /// (`meta_node` tags and values) say of its meta nodes, leader and license.
    public init(registered cluster: RegisteredCluster, servers: [RegisteredServer]) {
        self.init(id: cluster.id, name: cluster.name, firstSeen: cluster.firstSeen)
        lastContact = cluster.lastContact
        if let scheme = servers.lazy.compactMap({ $0.metaTag("scheme") }).first { self.scheme = scheme }
        for server in servers {
            guard let id = UInt64(server.serverID) else { continue }
            let meta = server.stats.first { $0.name == "meta_node" }
            let isLeader = meta?.values["is_leader"]?.bool ?? false
            let node = MetaNode(
                id: id,
                host: server.host,
                httpAddress: meta?.tags["http_addr"] ?? "",
                raftAddress: meta?.tags["raft_addr"] ?? "",
                version: server.version.isEmpty ? meta?.tags["version"] : server.version,
                isLeader: isLeader,
                reachable: true
            )
            metaNodes.append(node)
            if isLeader && !node.httpAddress.isEmpty { leader = node.httpAddress }
            if license == nil, let meta, let mode = meta.values["license_mode"]?.string, mode != "none",
                let status = meta.values["license_status"]?.string
            {
                license = License(
                    mode: mode,
                    status: status,
                    expiresAt: meta.values["license_expires_at"]?.string,
                    daysLeft: meta.values["license_days_left"]?.number.map { Int($0) }
                )
            }
        }
        metaNodes.sort { $0.id < $1.id }
    }
}
