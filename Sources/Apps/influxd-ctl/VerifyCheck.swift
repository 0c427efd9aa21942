import MetaKernel

/// One meta peer `verify` checks, and how: the name asked for, the names it may advertise,
/// and what is known of it beforehand.
struct VerifyTarget: Sendable {
    /// `host:port` of its HTTP API, as shown in the Name column.
    var name: String
    /// The host dialled.
    var host: String
    /// The HTTP port.
    var port: Int
    /// Host names the node may advertise (lowercased): `host`, and for a peer discovery lists
    /// under several names of one address, all of them.
    var acceptedHosts: Set<String>
    /// Its Raft address, `host:8089`, when `show-cluster` lists it.
    var raftAddress: String?
    /// Whether `show-cluster` lists it.
    var member: Bool
    /// A problem known before any check (an address that is not `host:port`).
    var problem: String?
}

/// The outcome for one peer: the table's cells, and the first failure's one-line hint.
struct VerifyRow: Sendable {
    var name: String
    var address = "-"
    var http = "-"
    var raft = "-"
    var clusterID: UInt64?
    /// Whether the node answered `/status` (the Cluster column then reads `none` when un-joined).
    var answered = false
    var hint: String?

    var cells: [String] {
        let cluster = clusterID.map(String.init) ?? (answered ? "none" : "-")
        return [name, address, http, raft, cluster, hint.map { "FAILED: \($0)" } ?? "ok"]
    }

    /// Keeps the first failure: the row shows the cause, not its consequences.
    mutating func fail(_ hint: String) {
        if self.hint == nil { self.hint = hint }
    }
}

/// The checks `verify` runs on one peer: resolve, HTTP `/status`, advertised name, Raft port.
struct VerifyCheck: Sendable {
    /// Resolves through the configured discovery plugin and dials through the transport.
    let client: MetaClient
    /// The configured plugin, for resolution failures in its own words.
    let discovery: any PeerDiscovery

    func run(_ target: VerifyTarget) async -> VerifyRow {
        var row = VerifyRow(name: target.name)
        if let problem = target.problem {
            row.fail(problem)
            return row
        }
        let addresses: [String]
        do {
            addresses = try await discovery.resolve(host: target.host)
            row.address = addresses.joined(separator: ",")
        } catch {
            row.fail(error.message)
            return row
        }
        let at = HostPort(host: addresses.first ?? target.host, port: target.port).description
        var status: ClusterStatus?
        do {
            let reply = try await client.get(target.name, "/status")
            if reply.status != 200 {
                row.http = "HTTP \(reply.status)"
                row.fail(
                    "\(at) answers /status with HTTP \(reply.status): is port \(target.port) a meta node's HTTP port?"
                )
            } else if let answer = try? reply.decode(ClusterStatus.self), answer.nodeType == "meta" {
                status = answer
                row.http = "ok"
            } else {
                row.http = "not meta"
                row.fail(
                    "\(at) is not an influxd-meta HTTP API: is port \(target.port) a meta node's HTTP port (8091)?"
                )
            }
        } catch {
            row.http = Self.short(error)
            row.fail(Self.hint(error, at: at, port: target.port, refused: "is influxd-meta running there?"))
        }
        if let status {
            row.answered = true
            row.clusterID = status.clusterID
            checkName(status, target: target, into: &row)
            if target.member && status.clusterID == nil {
                row.fail(
                    "show-cluster lists it, but it belongs to no cluster: was its dir wiped? remove-meta it, then join it again"
                )
            }
        }
        // An un-joined node (no peers) opens its Raft port only once it is added.
        let joined = status.map { $0.peers != nil } ?? false
        if let raft = target.raftAddress ?? (joined ? status?.raftAddress : nil),
            let raftTarget = try? HostPort(parsing: raft)
        {
            do {
                _ = try await client.probe(host: raftTarget.host, port: raftTarget.port)
                row.raft = "ok"
            } catch {
                let raftIP = (try? await discovery.resolve(host: raftTarget.host))?.first ?? raftTarget.host
                let raftAt = HostPort(host: raftIP, port: raftTarget.port).description
                row.raft = Self.short(error)
                let refused = "is influxd-meta running there, with [meta] bind-address on this port?"
                row.fail("Raft port: " + Self.hint(error, at: raftAt, port: raftTarget.port, refused: refused))
            }
        }
        return row
    }

    /// The node must advertise the name it was asked by (`hostname` and the HTTP port).
    private func checkName(_ status: ClusterStatus, target: VerifyTarget, into row: inout VerifyRow) {
        guard let advertised = try? HostPort(parsing: status.httpAddress) else {
            row.fail("it advertises \"\(status.httpAddress)\", which is not host:port: check hostname in its config")
            return
        }
        guard target.acceptedHosts.contains(advertised.host.lowercased()) else {
            row.fail(
                "it advertises \(advertised), not \(target.name): check hostname in its config, or the line for \(target.host) in the hosts file"
            )
            return
        }
        if advertised.port != target.port {
            row.fail("it advertises \(advertised), not \(target.name): check http-bind-address in its config")
        }
    }

    /// The HTTP or Raft cell for a failed connection.
    static func short(_ error: MetaClientError) -> String {
        if error.code == .timeout { return "timeout" }
        if error.message.contains("connection refused") { return "refused" }
        if error.message.contains("TLS") { return "TLS error" }
        return "error"
    }

    /// One line saying what failed where and what to look at.
    static func hint(_ error: MetaClientError, at address: String, port: Int, refused: String) -> String {
        if error.code == .timeout {
            return "no answer from \(address) in time: is a firewall dropping port \(port)?"
        }
        if error.message.contains("connection refused") {
            return "connection refused on \(address): \(refused)"
        }
        if error.message.contains("TLS") {
            return "\(error.message) (check https-enabled and the certificates on both sides)"
        }
        return error.message
    }
}
