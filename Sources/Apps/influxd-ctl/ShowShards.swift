import ArgumentParser
import MetaKernel

extension InfluxdCtl {
    /// `influxd-ctl show-shards [-v]`: every shard of the live shard groups, with its owners.
    struct ShowShards: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show-shards",
            abstract: "Shows the shards in the cluster"
        )

        @Flag(name: .customShort("v"), help: "Show each owner's state and size too.")
        var verbose = false

        func run() async throws {
            let connection = CtlConnection.open("show-shards")
            let client = connection.client()
            let shards: [ShowShardsEntry]
            do {
                let reply = try await client.get(
                    connection.bind,
                    verbose ? "/show-shards?verbose=true" : "/show-shards"
                )
                guard reply.status == 200 else { Ctl.fail("show-shards", answer: reply) }
                shards = try reply.decode([ShowShardsEntry].self)
                if let why = reply.header(MetaRoutes.staleHeader) {
                    Ctl.warn(
                        "show-shards",
                        "\(reply.address) answered from its own copy, which may be out of date: \(why); run show-shards against the leader with -bind"
                    )
                }
            } catch {
                Ctl.fail("show-shards", error, bind: connection.bind)
            }
            print(ShowShardsRendering.table(shards, verbose: verbose), terminator: "")
        }
    }
}

/// Renders `show-shards` output.
enum ShowShardsRendering {
    /// `Shards` / `==========` and a table: the End of a truncated group is its truncation time
    /// with a `*`; Expires is blank for an infinite policy; owners print as `[{26 h:8088}]`
    /// (with `-v`, `[{26 h:8088 unknown 0}]`: state and size).
    static func table(_ shards: [ShowShardsEntry], verbose: Bool) -> String {
        var rows = [
            [
                "ID", "Database", "Retention Policy", "Desired Replicas", "Shard Group", "Start", "End", "Expires",
                "Owners",
            ]
        ]
        for shard in shards {
            let truncated = shard.truncatedAt != UnixNanoseconds.zeroTime
            let owners = shard.owners.map { owner in
                verbose
                    ? "{\(owner.id) \(owner.tcpAddr) \(owner.state ?? "unknown") \(owner.size ?? 0)}"
                    : "{\(owner.id) \(owner.tcpAddr)}"
            }
            rows.append([
                shard.id,
                shard.database,
                shard.retentionPolicy,
                String(shard.replicaN),
                shard.shardGroupID,
                shard.startTime,
                truncated ? shard.truncatedAt + "*" : shard.endTime,
                shard.expireTime == UnixNanoseconds.zeroTime ? "" : shard.expireTime,
                "[" + owners.joined(separator: " ") + "]",
            ])
        }
        return "Shards\n==========\n" + ShowRendering.table(rows)
    }
}
