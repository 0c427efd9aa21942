import Foundation
import MetaKernel
import TestSupport
import Testing

/// Three meta nodes with `https-enabled`: the API and Raft both over OpenSSL TLS.
@Suite("Three meta nodes over TLS", .serialized)
struct TLSClusterTests {
    /// A self-signed certificate for 127.0.0.1 shared by the nodes (each trusts its own
    /// certificate file).
    func makeCertificate(in dir: String) async throws -> (cert: String, key: String) {
        try await makeSelfSignedCertificate(in: dir, name: "meta")
    }

    @Test("join, show and writes over https; plain HTTP and unverified ctl are refused")
    func tlsCluster() async throws {
        let dir = try makeTemporaryDirectory("tls")
        let (cert, key) = try await makeCertificate(in: dir)
        let extra = "https-enabled = true\nhttps-certificate = \"\(cert)\"\nhttps-private-key = \"\(key)\"\n"
        let cluster = try TestCluster(count: 3, metaExtraConfig: extra)
        for node in cluster.nodes { try node.start() }
        let tls = ["-bind-tls", "-k"]
        for node in cluster.nodes {
            _ = try await eventually("\(node.httpAddress) to answer over TLS") {
                let result = try await runCommand(Binaries.ctl, tls + ["-bind", node.httpAddress, "show"])
                return result.status == 0 ? true : nil
            }
        }
        for (i, node) in cluster.nodes.enumerated() {
            let joined = try await runCommand(
                Binaries.ctl,
                tls + ["-bind", cluster.nodes[0].httpAddress, "join", node.httpAddress]
            )
            #expect(joined.stdout == "Added meta node \(i + 1) at \(node.httpAddress)\n", "\(joined.stderr)")
        }
        let expected = "Meta Nodes\n==========\nTCP Address\n" + cluster.nodes.map { "\($0.httpAddress)\n" }.joined()
        for node in cluster.nodes {
            _ = try await eventually("show over TLS on \(node.httpAddress)") {
                let result = try await runCommand(Binaries.ctl, tls + ["-bind", node.httpAddress, "show"])
                return result.stdout == expected ? true : nil
            }
        }
        let plain = try await runCommand(Binaries.ctl, ["-bind", cluster.nodes[1].httpAddress, "show"])
        #expect(plain.status == 1)
        let unverified = try await runCommand(
            Binaries.ctl,
            ["-bind-tls", "-bind", cluster.nodes[1].httpAddress, "show"]
        )
        #expect(unverified.status == 1)
        #expect(unverified.stderr.contains("certificate verify failed"), "\(unverified.stderr)")
        await cluster.stopAll()
    }
}
