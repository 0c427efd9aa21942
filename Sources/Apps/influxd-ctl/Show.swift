import ArgumentParser
import FoundationEssentials
import MetaKernel

extension InfluxdCtl {
    /// `influxd-ctl show [-v]`: the cluster's members.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show cluster members")

        @Flag(name: .customShort("v"), help: "Show ids, addresses, versions and Raft status.")
        var verbose = false

        func run() async throws {
            let connection = CtlConnection.open("show")
            let client = connection.client()
            let cluster: ShowCluster
            do {
                let reply = try await client.get(connection.bind, "/show-cluster")
                guard reply.status == 200 else { Ctl.fail("show", answer: reply) }
                cluster = try reply.decode(ShowCluster.self)
                if let why = reply.header(MetaRoutes.staleHeader) {
                    Ctl.warn(
                        "show",
                        "\(reply.address) answered from its own copy, which may be out of date: \(why); run show against the leader with -bind"
                    )
                }
            } catch {
                Ctl.fail("show", error, bind: connection.bind)
            }
            guard verbose else {
                print(ShowRendering.plain(cluster), terminator: "")
                return
            }
            let status: ClusterStatus
            do {
                let reply = try await client.get(connection.bind, "/status")
                guard reply.status == 200 else { Ctl.fail("show", answer: reply) }
                status = try reply.decode(ClusterStatus.self)
            } catch {
                Ctl.fail("show", error, bind: connection.bind)
            }
            let quick = connection.client(timeout: .seconds(2))
            let versions = await withTaskGroup(of: (UInt64, String).self) { group in
                for node in cluster.meta {
                    group.addTask {
                        let version = try? await quick.get(node.addr, "/status").decode(ClusterStatus.self).version
                        return (node.id, version.map { "v\($0)" } ?? "unknown")
                    }
                }
                var versions: [UInt64: String] = [:]
                for await (id, version) in group { versions[id] = version }
                return versions
            }
            print(ShowRendering.verbose(cluster, status: status, versions: versions), terminator: "")
        }
    }
}

/// Renders `show` output.
enum ShowRendering {
    /// The 1.0 layout from the installation guide for meta nodes, after the Data Nodes table
    /// (1.10 columns) once the cluster has data nodes.
    static func plain(_ cluster: ShowCluster) -> String {
        var out = ""
        if !cluster.data.isEmpty { out += dataNodes(cluster) + "\n" }
        out += "Meta Nodes\n==========\nTCP Address\n"
        for node in cluster.meta.sorted(by: { $0.id < $1.id }) {
            out += "\(node.addr)\n"
        }
        return out
    }

    /// `Data Nodes`: id, TCP and HTTP addresses, announced version, labels as JSON, passive.
    static func dataNodes(_ cluster: ShowCluster) -> String {
        "Data Nodes\n==========\n"
            + table(
                [["ID", "TCP Address", "HTTP Address", "Version", "Labels", "Passive"]]
                    + cluster.data.sorted { $0.id < $1.id }.map {
                        ["\($0.id)", $0.tcpAddr, $0.httpAddr, $0.version, labels($0.labels), "\($0.passive)"]
                    }
            )
    }

    /// Labels as JSON with sorted keys: `{}`, `{"az":"us-west"}`.
    static func labels(_ labels: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(labels)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The 1.10 layout: data nodes, meta nodes with ids, addresses and versions, Raft status.
    static func verbose(_ cluster: ShowCluster, status: ClusterStatus, versions: [UInt64: String]) -> String {
        var out = dataNodes(cluster)
        out += "\nMeta Nodes\n==========\n"
        out += table(
            [["ID", "Raft Address", "HTTP Address", "Version", "Labels"]]
                + cluster.meta.sorted { $0.id < $1.id }.map {
                    ["\($0.id)", $0.tcpAddr, $0.addr, versions[$0.id] ?? "unknown", labels($0.labels)]
                }
        )
        let peers = (status.peers ?? []).filter { $0 != status.leader }.map { "\"\($0)\"" }
        out += "\nRaft Status\n==========\n"
        out += table([["Leader", status.leader], ["Peers", "[\(peers.joined(separator: ", "))]"]])
        if let license = status.license { out += "\n" + self.license(license) }
        return out
    }

    /// The License section of `show -v`: mode, status, expiry, days left and entitlements.
    static func license(_ license: LicenseReport) -> String {
        var rows = [["Mode", license.mode], ["Status", license.status]]
        if let reason = license.reason { rows.append(["Reason", reason]) }
        rows.append(["Expires", license.expiresAt ?? "unknown"])
        rows.append(["Days Left", license.daysLeft.map(String.init) ?? "unknown"])
        rows.append(["Data Nodes", license.entitlements.dataNodes.map(String.init) ?? "unlimited"])
        rows.append(["Cores Per Data Node", license.entitlements.coresPerDataNode.map(String.init) ?? "unlimited"])
        return "License\n=======\n" + table(rows)
    }

    /// Left-aligned columns separated by at least three spaces, like Go's tabwriter.
    static func table(_ rows: [[String]]) -> String {
        var widths: [Int] = []
        for row in rows {
            for (i, cell) in row.enumerated() {
                if i >= widths.count { widths.append(0) }
                widths[i] = max(widths[i], cell.count)
            }
        }
        var out = ""
        for row in rows {
            var line = ""
            for (i, cell) in row.enumerated() {
                line += i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] + 3 - cell.count)
            }
            out += line + "\n"
        }
        return out
    }
}
