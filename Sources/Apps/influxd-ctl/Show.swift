import ArgumentParser
import MetaKernel

extension InfluxdCtl {
    /// `influxd-ctl show`: the cluster's members.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show cluster members")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let client = global.client(command: "show")
            let cluster: ShowCluster
            do {
                let reply = try await client.get(global.bind, "/show-cluster")
                guard reply.status == 200 else {
                    Ctl.fail("show", "operation exited with error: \(reply.errorMessage ?? "HTTP \(reply.status) from \(reply.address)")")
                }
                cluster = try reply.decode(ShowCluster.self)
            } catch {
                Ctl.fail("show", error, bind: global.bind)
            }
            print(ShowRendering.plain(cluster), terminator: "")
        }
    }
}

/// Renders `show` output.
enum ShowRendering {
    /// The 1.0 layout from the installation guide.
    static func plain(_ cluster: ShowCluster) -> String {
        var out = "Meta Nodes\n==========\nTCP Address\n"
        for node in cluster.meta.sorted(by: { $0.id < $1.id }) {
            out += "\(node.addr)\n"
        }
        return out
    }
}
