import Foundation
import MetaKernel

/// Meta nodes on 127.0.0.1 started from the built binaries, with helpers to join them with
/// `influxd-ctl` and to wait for conditions.
public final class TestCluster: @unchecked Sendable {
    // Invariant: used from one test task at a time.

    /// The nodes, in the order they were made.
    public let nodes: [MetaProcess]
    /// A client for the nodes' APIs.
    public let client = MetaClient(configuration: .init(timeout: .seconds(5)))

    /// Makes `count` nodes (not started).
    /// - Parameter metaExtraConfig: lines added to each node's `[meta]` section.
    /// - Parameter license: what licensing each node's config carries (``MetaProcess/init(root:hostname:extraConfig:metaExtraConfig:wildcardHTTP:license:)``).
    public init(
        count: Int,
        extraConfig: String = "",
        metaExtraConfig: String = "",
        license: TestLicense = .development
    ) throws {
        let root = try makeTemporaryDirectory("cluster")
        nodes = try (1...count).map {
            try MetaProcess(
                root: "\(root)/node\($0)",
                extraConfig: extraConfig,
                metaExtraConfig: metaExtraConfig,
                license: license
            )
        }
    }

    /// A cluster of nodes made elsewhere (on other loopback addresses, with shared ports).
    public init(nodes: [MetaProcess]) {
        self.nodes = nodes
    }

    /// Starts every node and waits until each API answers.
    public func startAll() async throws {
        for node in nodes { try node.start() }
        for node in nodes { try await waitForAPI(node) }
    }

    /// Waits until `node` answers `/ping`.
    /// On timeout the error carries the end of the node's log.
    public func waitForAPI(_ node: MetaProcess) async throws {
        do {
            _ = try await eventually("\(node.httpAddress) to answer") {
                try? await client.get(node.httpAddress, "/ping")
            }
        } catch var error as DeadlineExceeded {
            let tail = node.log.split(separator: "\n").suffix(5).joined(separator: " | ")
            error.description += "; log of \(node.root): \(tail)"
            throw error
        }
    }

    /// Runs `influxd-ctl -bind <node> arguments...`.
    public func ctl(_ node: MetaProcess, _ arguments: [String], input: String = "") async throws -> CommandResult {
        try await runCommand(Binaries.ctl, ["-bind", node.httpAddress] + arguments, input: input)
    }

    /// Joins every node from the first, as the installation guide does; returns the outputs.
    @discardableResult
    public func joinAll() async throws -> [CommandResult] {
        var results: [CommandResult] = []
        for node in nodes { results.append(try await ctl(nodes[0], ["join", node.httpAddress])) }
        return results
    }

    /// `/status` of `node`.
    public func status(_ node: MetaProcess) async throws -> ClusterStatus {
        try await client.get(node.httpAddress, "/status").decode(ClusterStatus.self)
    }

    /// The node that leads, as the given nodes agree on it.
    public func leader(among candidates: [MetaProcess]? = nil) async throws -> MetaProcess {
        let pool = candidates ?? nodes
        return try await eventually("a leader among \(pool.map(\.httpAddress))", timeout: .seconds(20)) {
            for node in pool {
                guard let status = try? await status(node), !status.leader.isEmpty else { continue }
                if let leader = pool.first(where: { $0.raftAddress == status.leader }) { return leader }
            }
            return nil
        }
    }

    /// The metadata `node` holds.
    public func data(_ node: MetaProcess) async throws -> MetaData {
        try await client.get(node.httpAddress, "/").decode(MetaData.self)
    }

    /// Creates a database through `node`, following the leader redirect; returns the index.
    public func createDatabase(_ name: String, via node: MetaProcess) async throws -> UInt64? {
        let reply = try await client.post(
            node.httpAddress,
            "/execute",
            json: Array(#"{"type":"create-database","name":"\#(name)"}"#.utf8)
        )
        guard reply.status == 200 else { return nil }
        struct Answer: Decodable { var index: UInt64 }
        return try reply.decode(Answer.self).index
    }

    /// Waits until every given node holds the same index, at least `index`.
    public func waitForConvergence(_ pool: [MetaProcess]? = nil, atLeast index: UInt64 = 0) async throws -> MetaData {
        let pool = pool ?? nodes
        return try await eventually("nodes to converge", timeout: .seconds(20)) {
            var seen: [MetaData] = []
            for node in pool { seen.append(try await data(node)) }
            guard let first = seen.first, first.index >= index, seen.allSatisfy({ $0 == first }) else { return nil }
            return first
        }
    }

    /// Kills every running node.
    public func stopAll() async {
        for node in nodes { await node.stop() }
    }
}
