import Foundation
import MetaKernel
import Synchronization
import TestSupport
import Testing

/// Renewing a license file on a running three-node cluster, as an operator does: issue the new
/// file over the old one and send each node SIGHUP, while clients keep writing.
@Suite("License renewal under load", .serialized)
struct LicenseRenewalClusterTests {
    /// What the writers saw, shared with their tasks.
    final class Tally: Sendable {
        let outcomes = Mutex((written: 0, failed: [String]()))
        let running = Mutex(true)
    }

    @Test("a license replaced and SIGHUP'd on every node while the cluster takes writes fails no write")
    func renewalUnderWrites() async throws {
        let issuer = try await LicenseFileClusterTests.Issuer()
        let license = "\(issuer.dir)/license.json"
        try await issuer.issue(to: license, ["-expires", "2098-01-01"])
        let cluster = try TestCluster(
            count: 3,
            extraConfig:
                "\n[enterprise]\nlicense-path = \"\(license)\"\nlicense-issuer-keys = [\"\(issuer.publicKey)\"]\n"
        )
        do {
            try await check(cluster, issuer: issuer, license: license)
        } catch {
            await cluster.stopAll()
            throw error
        }
        await cluster.stopAll()
    }

    @Test("influx-license issue replaces an existing file by renaming a new one over it")
    func issueReplacesAtomically() async throws {
        let issuer = try await LicenseFileClusterTests.Issuer()
        let license = "\(issuer.dir)/license.json"
        try await issuer.issue(to: license)
        let first = try FileManager.default.attributesOfItem(atPath: license)[.systemFileNumber] as? UInt64
        try await issuer.issue(to: license, ["-expires", "2098-01-01"])
        let second = try FileManager.default.attributesOfItem(atPath: license)[.systemFileNumber] as? UInt64
        // A new inode: readers had the old file or the new one, never a file being written.
        #expect(first != nil && second != nil && first != second)
        #expect(try FileManager.default.contentsOfDirectory(atPath: issuer.dir).filter { $0.contains(".tmp-") } == [])
    }

    func check(_ cluster: TestCluster, issuer: LicenseFileClusterTests.Issuer, license: String) async throws {
        try await cluster.startAll()
        for result in try await cluster.joinAll() { #expect(result.status == 0, "\(result.stderr)") }
        let leader = try await cluster.leader()
        let tally = Tally()
        let writers = (0..<4).map { writer in
            Task {
                var i = 0
                while tally.running.withLock({ $0 }) {
                    let reply = try? await cluster.client.post(
                        leader.httpAddress,
                        "/execute",
                        json: Array(#"{"type":"create-database","name":"w\#(writer)-\#(i)"}"#.utf8)
                    )
                    tally.outcomes.withLock {
                        if reply?.status == 200 {
                            $0.written += 1
                        } else {
                            $0.failed.append(reply?.text ?? "no answer")
                        }
                    }
                    i += 1
                }
            }
        }
        _ = try await eventually("writes under way") { tally.outcomes.withLock { $0.written > 20 ? true : nil } }
        // Renew twice, each time in place and with SIGHUP to every node.
        for expiry in ["2099-01-01", "2099-06-01"] {
            try await issuer.issue(to: license, ["-expires", expiry])
            for node in cluster.nodes { if let pid = node.pid { kill(pid, SIGHUP) } }
            for node in cluster.nodes {
                _ = try await eventually("\(node.httpAddress) to report the license of \(expiry)") {
                    try await cluster.status(node).license?.expiresAt == "\(expiry)T00:00:00Z" ? true : nil
                }
            }
        }
        let before = tally.outcomes.withLock { $0.written }
        _ = try await eventually("writes after the renewals") {
            tally.outcomes.withLock { $0.written > before + 20 ? true : nil }
        }
        tally.running.withLock { $0 = false }
        for writer in writers { await writer.value }
        let (written, failed) = tally.outcomes.withLock { ($0.written, $0.failed) }
        #expect(
            failed.isEmpty,
            "\(failed.count) of \(written + failed.count) writes failed, the first: \(failed.prefix(3))"
        )
        #expect(written > 40)
    }
}
