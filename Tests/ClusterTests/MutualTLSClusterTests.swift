import Foundation
import TestSupport
import Testing

/// `https-client-ca` and `raft-client-ca`: the API and the Raft port require a client
/// certificate from the cluster's CA; nodes present theirs when they dial each other.
@Suite("Mutual TLS on the API and the Raft port", .serialized)
struct MutualTLSClusterTests {
    @Test("a cluster forms with client certificates; none, or one from another CA, is refused on both ports")
    func mutualTLS() async throws {
        let dir = try makeTemporaryDirectory("mtls")
        let clusterCA = try await PrivateCA(in: dir, name: "cluster-ca")
        let otherCA = try await PrivateCA(in: dir, name: "other-ca")
        let node = try await clusterCA.issue(in: dir, name: "node")
        let intruder = try await otherCA.issue(in: dir, name: "intruder")
        let extra = """
            https-enabled = true
            https-certificate = "\(node.cert)"
            https-private-key = "\(node.key)"
            https-client-ca = "\(clusterCA.certificate)"
            raft-client-ca = "\(clusterCA.certificate)"
            """
        let cluster = try TestCluster(count: 3, metaExtraConfig: extra)
        for member in cluster.nodes { try member.start() }
        let first = cluster.nodes[0]
        // influxd-ctl given a node's configuration presents that node's certificate.
        let ctl = ["-config", first.configPath, "-bind", first.httpAddress]
        _ = try await eventually("the first node to answer", timeout: .seconds(20)) {
            try await runCommand(Binaries.ctl, ctl + ["show"]).status == 0 ? true : nil
        }
        for member in cluster.nodes {
            let joined = try await runCommand(Binaries.ctl, ctl + ["join", member.httpAddress])
            #expect(joined.status == 0, "\(joined.stderr)")
        }
        // Raft over mutual TLS: every node sees all three once the joins replicated.
        let expected = "Meta Nodes\n==========\nTCP Address\n" + cluster.nodes.map { "\($0.httpAddress)\n" }.joined()
        for member in cluster.nodes {
            _ = try await eventually("show on \(member.httpAddress)", timeout: .seconds(20)) {
                let shown = try await runCommand(
                    Binaries.ctl,
                    ["-config", member.configPath, "-bind", member.httpAddress, "show"]
                )
                return shown.stdout == expected ? true : nil
            }
        }

        // The API: no certificate.
        let anonymous = try await runCommand(Binaries.ctl, ["-bind-tls", "-k", "-bind", first.httpAddress, "show"])
        #expect(anonymous.status == 1)
        #expect(anonymous.stderr.contains("alert certificate required"), "\(anonymous.stderr)")
        #expect(
            anonymous.stderr.hasSuffix(
                "(the node requires a client certificate from its https-client-ca: pass the node's configuration "
                    + "with -config, and influxd-ctl presents the node's certificate)\n"
            ),
            "\(anonymous.stderr)"
        )
        // The API and the Raft port: another CA's certificate, and none.
        for port in [first.httpPort, first.raftPort] {
            let url = "https://127.0.0.1:\(port)/status"
            let trusted = ["-sS", "--cacert", clusterCA.certificate]
            let foreign = try await runCommand(
                "/usr/bin/curl",
                trusted + ["--cert", intruder.cert, "--key", intruder.key, url]
            )
            #expect(foreign.status != 0)
            #expect(foreign.stderr.contains("alert unknown ca"), "port \(port): \(foreign.stderr)")
            let none = try await runCommand("/usr/bin/curl", trusted + [url])
            #expect(none.status != 0)
            #expect(none.stderr.contains("alert certificate required"), "port \(port): \(none.stderr)")
        }
        // The cluster's own certificate is accepted by the API.
        let member = try await runCommand(
            "/usr/bin/curl",
            ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", clusterCA.certificate]
                + ["--cert", node.cert, "--key", node.key, "https://127.0.0.1:\(first.httpPort)/status"]
        )
        #expect(member.stdout == "200", "\(member.stderr)")
        await cluster.stopAll()
    }
}
