import TestSupport
import Testing

/// A one-node cluster with `auth-enabled = true`, joined, and an admin `root`, for the web
/// tests that log in to a real cluster.
enum WebAuthCluster {
    static let config = """
        auth-enabled = true
        shared-secret = "users' secret"
        internal-shared-secret = "nodes' secret"
        """

    /// Runs `body` with the node once `root` (password `password`) exists;
    /// stops the cluster afterwards, whatever happens.
    static func with(password: String, _ body: (MetaProcess) async throws -> Void) async throws {
        let cluster = try TestCluster(count: 1, metaExtraConfig: config)
        do {
            try await cluster.startAll()
            let node = cluster.nodes[0]
            let joined = try await cluster.ctl(node, ["-config", node.configPath, "join", node.httpAddress])
            #expect(joined.status == 0, "\(joined.stderr)")
            let admin = try await cluster.ctl(node, ["user", "create", "root", "-password", password, "-admin"])
            #expect(admin.status == 0, "\(admin.stderr)")
            try await body(node)
        } catch {
            await cluster.stopAll()
            throw error
        }
        await cluster.stopAll()
    }
}
