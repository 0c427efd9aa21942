import Foundation
import MetaKernel
import TestSupport
import Testing

/// `influxd-ctl show` on any member lists the membership the last reported change left, and
/// says so when the member it asks cannot know it.
@Suite("show after a membership change", .serialized)
struct ShowConsistencyTests {
    /// Drops TCP packets to `port` on this host, until the returned closure runs.
    static func blockPort(_ port: Int) async throws -> () async -> Void {
        let rule = ["INPUT", "-p", "tcp", "--dport", "\(port)", "-j", "DROP"]
        let added = try await runCommand("/usr/sbin/iptables", ["-I"] + rule)
        #expect(added.status == 0, "iptables: \(added.stderr)")
        return { _ = try? await runCommand("/usr/sbin/iptables", ["-D"] + rule) }
    }

    @Test(
        "every member lists a joined node at once; a member cut off from the leader says it may be behind",
        .enabled(if: getuid() == 0 && FileManager.default.fileExists(atPath: "/usr/sbin/iptables"))
    )
    func showReadsThroughTheLeader() async throws {
        let cluster = try TestCluster(count: 4)
        do {
            try await check(cluster)
        } catch {
            await cluster.stopAll()
            throw error
        }
        await cluster.stopAll()
    }

    func check(_ cluster: TestCluster) async throws {
        try await cluster.startAll()
        let members = Array(cluster.nodes.prefix(3))
        for node in members {
            let joined = try await cluster.ctl(members[0], ["join", node.httpAddress])
            #expect(joined.status == 0, "\(joined.stderr)")
        }
        let leader = try await cluster.leader(among: members)
        let followers = members.filter { $0 !== leader }
        let (reachable, cutOff) = (followers[0], followers[1])
        let newcomer = cluster.nodes[3]

        let unblock = try await Self.blockPort(cutOff.raftPort)
        let stale: CommandResult
        do {
            let joined = try await cluster.ctl(leader, ["join", newcomer.httpAddress])
            #expect(joined.status == 0, "\(joined.stderr)")
            for node in [leader, reachable] {
                let show = try await cluster.ctl(node, ["show"])
                #expect(show.status == 0)
                #expect(show.stdout.contains(newcomer.httpAddress), "show on \(node.httpAddress): \(show.stdout)")
                #expect(show.stderr.isEmpty)
            }
            stale = try await cluster.ctl(cutOff, ["show"])
        } catch {
            await unblock()
            throw error
        }
        await unblock()
        #expect(stale.status == 0)
        #expect(!stale.stdout.contains(newcomer.httpAddress))
        // Cut off, it either still knows its leader and is behind it, or has lost it.
        #expect(
            stale.stderr.hasPrefix(
                "show: warning: \(cutOff.httpAddress) answered from its own copy, which may be out of date: "
            )
        )
        #expect(
            stale.stderr.contains(", behind its leader \(leader.httpAddress) at index ")
                || stale.stderr.contains(": it knows no leader;"),
            "\(stale.stderr)"
        )

        let healed = try await eventually("the cut-off member to catch up") {
            let show = try await cluster.ctl(cutOff, ["show"])
            return show.stdout.contains(newcomer.httpAddress) ? show : nil
        }
        #expect(healed.stderr.isEmpty)
    }
}
