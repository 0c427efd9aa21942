import FoundationEssentials
public import Prometheus

/// The node's Prometheus registry, served by `GET /metrics`: Raft's own families
/// (``RaftMetrics``), HTTP requests, and gauges read from the node at each scrape.
public final class MetaMetrics: Sendable {
    /// Every family the node exports.
    public let registry: PrometheusCollectorRegistry
    /// Handed to the Raft node when it starts.
    public let raft: RaftMetrics
    let term: Gauge
    let commitIndex: Gauge
    let appliedIndex: Gauge
    let lastIndex: Gauge
    let peers: Gauge
    let peersReachable: Gauge
    let states: [String: Gauge]

    /// The values of `influxdb_meta_raft_state`'s `state` label.
    static let stateNames = ["unjoined", "unavailable", "follower", "candidate", "leader"]

    /// Creates the registry and its fixed families.
    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        raft = RaftMetrics(registry: registry)
        term = registry.makeGauge(descriptor: .meta("raft_term", help: "Current Raft term."))
        commitIndex = registry.makeGauge(
            descriptor: .meta("raft_commit_index", help: "Highest log index this node knows to be committed.")
        )
        appliedIndex = registry.makeGauge(
            descriptor: .meta("raft_applied_index", help: "Highest log index applied to this node's metadata.")
        )
        lastIndex = registry.makeGauge(descriptor: .meta("raft_last_index", help: "Index of the last log entry."))
        peers = registry.makeGauge(
            descriptor: .meta("raft_peers", help: "Other servers in the Raft configuration.")
        )
        peersReachable = registry.makeGauge(
            descriptor: .meta(
                "raft_peers_reachable",
                help: "Leader: other servers heard from within an election timeout; follower: 1 when a leader is known."
            )
        )
        var states: [String: Gauge] = [:]
        for name in Self.stateNames {
            states[name] = registry.makeGauge(
                descriptor: .meta("raft_state", help: "1 for this node's Raft state, 0 for the others."),
                labels: [("state", name)]
            )
        }
        self.states = states
    }

    /// Counts one answered HTTP request; `route` is the matched pattern, never the raw path.
    func requestAnswered(route: String, method: String, code: Int) {
        registry.makeCounter(
            descriptor: .meta(
                "http_requests_total",
                help: "HTTP requests answered, by matched route, method and status code."
            ),
            labels: [("route", route), ("method", method), ("code", String(code))]
        ).increment()
    }

    /// Updates the gauges read at scrape time from `status` (nil when un-joined or stopped).
    func update(status: RaftStatus?, joined: Bool, license: LicenseGate, now: Date) {
        let state = status.map(\.role.rawValue) ?? (joined ? "unavailable" : "unjoined")
        for (name, gauge) in states { gauge.set(to: name == state ? 1.0 : 0.0) }
        if let status {
            term.set(Int64(status.term))
            commitIndex.set(Int64(status.commitIndex))
            appliedIndex.set(Int64(status.lastApplied))
            lastIndex.set(Int64(status.lastIndex))
            peers.set(Int64(max(status.servers.count - 1, 0)))
            let reachable = status.peersHeardFrom ?? (status.leaderAddress.isEmpty ? 0 : 1)
            peersReachable.set(Int64(reachable))
        }
        if license.mode != "none", let expiry = license.current?.expiresAt {
            registry.makeGauge(
                descriptor: .meta("license_days_left", help: "Days until the license expires (negative once expired).")
            ).set(expiry.timeIntervalSince(now) / 86_400)
        }
    }

    /// The text exposition of every family.
    func exposition() -> [UInt8] { registry.emitToBuffer() }
}
