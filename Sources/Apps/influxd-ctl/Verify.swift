import ArgumentParser
import FoundationEssentials
import Glibc
import MetaKernel

extension InfluxdCtl {
    /// `influxd-ctl verify [host:8091 ...]`: the installation guide's ping step, automated.
    /// Each peer is resolved through the configured discovery plugin, its HTTP API must answer
    /// `/status` as a meta node advertising the name asked for, and its Raft port must accept a
    /// connection (with the TLS handshake when the cluster uses TLS).
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that every meta peer resolves and answers on its HTTP and Raft ports",
            discussion: """
                Without addresses, checks every member -bind lists and every peer the discovery \
                plugin knows. Prints one row per peer; exits 1 if any row failed.
                """
        )

        @Argument(help: "Meta nodes' HTTP addresses, host:8091 (default: the members and the known peers).")
        var addresses: [String] = []

        func run() async throws {
            let connection = CtlConnection.open("verify")
            let discovery = connection.plugins.discovery
            let quick = min(connection.timeout, .seconds(5))
            let client = MetaClient(
                configuration: .init(
                    transport: connection.plugins.transport,
                    timeout: quick,
                    maximumRedirects: 0,
                    discovery: discovery,
                    authorization: connection.authorization
                )
            )
            let defaultPort = (try? HostPort(parsing: connection.bind).port) ?? 8091
            var targets: [VerifyTarget]
            if addresses.isEmpty {
                targets = await VerifyTargets.members(connection)
                let known = await VerifyTargets.discovered(discovery, defaultPort: defaultPort, besides: targets)
                targets += known
            } else {
                targets = addresses.map { VerifyTargets.explicit($0, defaultPort: defaultPort) }
            }
            guard !targets.isEmpty else {
                Ctl.fail(
                    "verify",
                    "nothing to check: \(connection.bind) lists no members and \(discovery.source) knows no peers (loopback names are left out); name them: influxd-ctl verify host:8091 ..."
                )
            }
            let check = VerifyCheck(client: client, discovery: discovery)
            var rows = await withTaskGroup(of: (Int, VerifyRow).self) { group in
                for (index, target) in targets.enumerated() {
                    group.addTask { (index, await check.run(target)) }
                }
                var rows: [(Int, VerifyRow)] = []
                for await row in group { rows.append(row) }
                return rows.sorted { $0.0 < $1.0 }.map(\.1)
            }
            Self.compareClusters(&rows)
            let header = ["Name", "Address", "HTTP", "Raft", "Cluster", "Result"]
            print(ShowRendering.table([header] + rows.map(\.cells)), terminator: "")
            let failed = rows.filter { $0.hint != nil }.count
            if failed > 0 {
                fflush(nil)
                Ctl.fail("verify", "\(failed) of \(rows.count) meta peers failed")
            }
        }

        /// Fails the rows whose cluster id is not the one most peers report.
        static func compareClusters(_ rows: inout [VerifyRow]) {
            var counts: [UInt64: Int] = [:]
            for id in rows.compactMap(\.clusterID) { counts[id, default: 0] += 1 }
            guard counts.count > 1 else { return }
            let firstSeen = rows.compactMap(\.clusterID)
            let common = counts.max { a, b in
                a.value != b.value
                    ? a.value < b.value : firstSeen.firstIndex(of: a.key)! > firstSeen.firstIndex(of: b.key)!
            }!.key
            for i in rows.indices {
                guard let id = rows[i].clusterID, id != common else { continue }
                rows[i].fail(
                    "cluster id \(id) differs from the others' (\(common)): this node belongs to another cluster"
                )
            }
        }
    }
}
