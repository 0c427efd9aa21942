import MetaKernel

/// The peers `verify` checks: those named on the command line, or the members `-bind` lists
/// followed by the peers the discovery plugin knows.
enum VerifyTargets {
    /// A peer named on the command line, `host:port` or a bare host (the `-bind` port).
    static func explicit(_ text: String, defaultPort: Int) -> VerifyTarget {
        guard let address = parse(text, defaultPort: defaultPort), !address.host.isEmpty else {
            return VerifyTarget(
                name: text,
                host: text,
                port: defaultPort,
                acceptedHosts: [],
                member: false,
                problem: "\"\(text)\" is not a meta node address; give host:port, e.g. enterprise-meta-01:8091"
            )
        }
        return VerifyTarget(
            name: address.description,
            host: address.host,
            port: address.port,
            acceptedHosts: [address.host.lowercased()],
            member: false
        )
    }

    /// The members `show-cluster` lists through `-bind`. When `-bind` cannot be reached, a row
    /// for it, so that its failure shows; an answer other than 200 (an un-joined node) adds none.
    static func members(_ connection: CtlConnection) async -> [VerifyTarget] {
        do {
            let reply = try await connection.client().get(connection.bind, "/show-cluster")
            guard reply.status == 200, let cluster = try? reply.decode(ShowCluster.self) else { return [] }
            return cluster.meta.sorted { $0.id < $1.id }.compactMap { node in
                guard let address = try? HostPort(parsing: node.addr) else { return nil }
                return VerifyTarget(
                    name: address.description,
                    host: address.host,
                    port: address.port,
                    acceptedHosts: [address.host.lowercased()],
                    raftAddress: node.tcpAddr,
                    member: true
                )
            }
        } catch {
            return [explicit(connection.bind, defaultPort: 8091)]
        }
    }

    /// The peers `discovery` knows, except those already in `targets`. Entries are `host` (the
    /// `-bind` port) or `host:port`. Names that resolve to the same address and port as an
    /// earlier entry or a member are one peer (aliases on one hosts-file line): one row, which
    /// passes if the node advertises any of them. A bare host whose address already has a row,
    /// on any port, adds none: its port would only be a guess, and that host is checked.
    static func discovered(
        _ discovery: any PeerDiscovery,
        defaultPort: Int,
        besides targets: [VerifyTarget]
    ) async -> [VerifyTarget] {
        let names: [String]
        do {
            names = try await discovery.knownPeers()
        } catch {
            return [
                VerifyTarget(
                    name: "(\(discovery.source))",
                    host: "",
                    port: defaultPort,
                    acceptedHosts: [],
                    member: false,
                    problem: error.message
                )
            ]
        }
        var seen = Set(targets.map { $0.name.lowercased() })
        var byAddress: [String: Int] = [:]
        var byHost: [String: Int] = [:]
        for target in targets {
            if let ip = try? await discovery.resolve(host: target.host).first {
                byAddress[HostPort(host: ip, port: target.port).description] = -1
                byHost[ip] = -1
            }
        }
        var found: [VerifyTarget] = []
        for name in names {
            guard let address = parse(name, defaultPort: defaultPort), !address.host.isEmpty,
                seen.insert(address.description.lowercased()).inserted
            else { continue }
            let target = VerifyTarget(
                name: address.description,
                host: address.host,
                port: address.port,
                acceptedHosts: [address.host.lowercased()],
                member: false
            )
            if let ip = try? await discovery.resolve(host: address.host).first {
                let key = HostPort(host: ip, port: address.port).description
                let bare = (try? HostPort(parsing: name)) == nil
                if let index = byAddress[key] ?? (bare ? byHost[ip] : nil) {
                    if index >= 0 { found[index].acceptedHosts.insert(address.host.lowercased()) }
                    continue
                }
                byAddress[key] = found.count
                byHost[ip] = byHost[ip] ?? found.count
            }
            found.append(target)
        }
        return found
    }

    /// `host:port`, or a bare host (an IPv6 literal included) with `defaultPort`.
    private static func parse(_ text: String, defaultPort: Int) -> HostPort? {
        if let address = try? HostPort(parsing: text) { return address }
        guard !text.isEmpty, !text.contains("["), !text.contains("]") else { return nil }
        if text.filter({ $0 == ":" }).count == 1 { return nil }  // host:port with a bad port
        return HostPort(host: text, port: defaultPort)
    }
}
