import Foundation
import TestSupport
import Testing

/// What an operator sees when TLS settings disagree: `influxd-ctl` names the flag to change,
/// a certificate that fails names OpenSSL's reason and the address, and a member whose
/// certificate is not trusted is logged by the nodes that dial it.
@Suite("TLS error messages", .serialized)
struct TLSErrorClusterTests {
    @Test("plain against TLS says add -bind-tls, TLS against plain says drop it, a bad certificate names the reason")
    func mismatchedTLS() async throws {
        let dir = try makeTemporaryDirectory("tls-errors")
        let (cert, key) = try await makeSelfSignedCertificate(in: dir, name: "meta")
        let tlsNode = try MetaProcess(
            root: "\(dir)/tls",
            metaExtraConfig: "https-enabled = true\nhttps-certificate = \"\(cert)\"\nhttps-private-key = \"\(key)\"\n"
        )
        let plainNode = try MetaProcess(root: "\(dir)/plain")
        try tlsNode.start(["-single-server"])
        try plainNode.start(["-single-server"])
        for (node, flags) in [(tlsNode, ["-bind-tls", "-k"]), (plainNode, [])] {
            _ = try await eventually("\(node.httpAddress) to answer", timeout: .seconds(20)) {
                let result = try await runCommand(Binaries.ctl, flags + ["-bind", node.httpAddress, "show"])
                return result.status == 0 ? true : nil
            }
        }

        let plainToTLS = try await runCommand(Binaries.ctl, ["-bind", tlsNode.httpAddress, "show"])
        #expect(plainToTLS.status == 1)
        #expect(
            plainToTLS.stderr
                == "show: operation exited with error: \(tlsNode.httpAddress) speaks TLS (HTTPS), and this client "
                + "dialled plain HTTP (the node serves HTTPS: add -bind-tls, with -k for a self-signed certificate)\n"
        )

        let tlsToPlain = try await runCommand(Binaries.ctl, ["-bind-tls", "-bind", plainNode.httpAddress, "show"])
        #expect(tlsToPlain.status == 1)
        #expect(
            tlsToPlain.stderr
                == "show: operation exited with error: cannot reach \(plainNode.httpAddress): TLS handshake with "
                + "127.0.0.1 failed: the server answered in plain HTTP, not TLS (it has no TLS on this port) (the node "
                + "serves plain HTTP: drop -bind-tls, or pass -bind-tls=false if the configuration enables https)\n"
        )

        // A TLS node told to add a plain one names the setting that differs.
        let mixedJoin = try await runCommand(
            Binaries.ctl,
            ["-bind-tls", "-k", "-bind", tlsNode.httpAddress, "join", plainNode.httpAddress]
        )
        #expect(mixedJoin.status == 1)
        #expect(mixedJoin.stderr.contains("the server answered in plain HTTP, not TLS"), "\(mixedJoin.stderr)")
        #expect(
            mixedJoin.stderr.contains(
                "([meta] https-enabled differs between this node and \(plainNode.httpAddress); set it the same on every meta node)"
            ),
            "\(mixedJoin.stderr)"
        )

        let unverified = try await runCommand(Binaries.ctl, ["-bind-tls", "-bind", tlsNode.httpAddress, "show"])
        #expect(unverified.status == 1)
        #expect(
            unverified.stderr.hasPrefix(
                "show: operation exited with error: cannot reach \(tlsNode.httpAddress): TLS handshake with 127.0.0.1 "
                    + "failed: self-signed certificate (error:0A000086:SSL routines::certificate verify failed)"
            ),
            "\(unverified.stderr)"
        )

        // curl without TLS gets Go's answer to a plain request on an HTTPS port.
        let curl = try await runCommand("/usr/bin/curl", ["-sS", "http://\(tlsNode.httpAddress)/status"])
        #expect(curl.stdout == "Client sent an HTTP request to an HTTPS server.\n", "\(curl.stderr)")
        await tlsNode.stop()
        await plainNode.stop()
    }

    @Test("a member whose certificate comes from an unknown CA is logged by each node dialling it, once a minute")
    func untrustedMember() async throws {
        let dir = try makeTemporaryDirectory("tls-untrusted-member")
        let (cert, key) = try await makeSelfSignedCertificate(in: dir, name: "meta")
        // Each node has its own copy of the shared certificate, so one node's can be replaced.
        var nodes: [MetaProcess] = []
        for i in 1...3 {
            let nodeCert = "\(dir)/node\(i).crt"
            let nodeKey = "\(dir)/node\(i).key"
            try FileManager.default.copyItem(atPath: cert, toPath: nodeCert)
            try FileManager.default.copyItem(atPath: key, toPath: nodeKey)
            chmod(nodeKey, 0o600)
            nodes.append(
                try MetaProcess(
                    root: "\(dir)/n\(i)",
                    metaExtraConfig:
                        "https-enabled = true\nhttps-certificate = \"\(nodeCert)\"\nhttps-private-key = \"\(nodeKey)\"\n"
                )
            )
        }
        for node in nodes { try node.start() }
        let tls = ["-bind-tls", "-k"]
        for node in nodes {
            _ = try await eventually("\(node.httpAddress) to answer over TLS", timeout: .seconds(20)) {
                let result = try await runCommand(Binaries.ctl, tls + ["-bind", node.httpAddress, "show"])
                return result.status == 0 ? true : nil
            }
        }
        for node in nodes {
            let joined = try await runCommand(
                Binaries.ctl,
                tls + ["-bind", nodes[0].httpAddress, "join", node.httpAddress]
            )
            #expect(joined.status == 0, "\(joined.stderr)")
        }

        // Node 3 comes back with a certificate that nobody else trusts.
        let stranger = nodes[2]
        await stranger.stop()
        let other = try await makeSelfSignedCertificate(in: dir, name: "other")
        try FileManager.default.removeItem(atPath: "\(dir)/node3.crt")
        try FileManager.default.removeItem(atPath: "\(dir)/node3.key")
        try FileManager.default.copyItem(atPath: other.cert, toPath: "\(dir)/node3.crt")
        try FileManager.default.copyItem(atPath: other.key, toPath: "\(dir)/node3.key")
        try stranger.start()

        // The leader dials node 3 for every heartbeat: one warning, then debug lines only.
        let line =
            "cannot connect to Raft peer 127.0.0.1:\(stranger.raftPort): TLS handshake with 127.0.0.1 failed: "
            + "self-signed certificate (error:0A000086:SSL routines::certificate verify failed)"
        let dialler = try await eventually("a node to log node 3's certificate", timeout: .seconds(30)) {
            nodes[0...1].first { node in
                node.log.split(separator: "\n").contains { $0.contains(" debug ") && $0.contains(line) }
            }
        }
        let warnings = dialler.log.split(separator: "\n").filter { $0.contains(" warning ") && $0.contains(line) }
        #expect(warnings.count == 1, "\(warnings)")
        for node in nodes { await node.stop() }
    }
}
