import ArgumentParser
import MetaKernel

extension InfluxdCtl {
    /// `influxd-ctl remove-data [-force] <tcpAddr>`.
    struct RemoveData: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-data", abstract: "Remove a data node")

        @Flag(name: .go("force"), help: "Remove a node that does not answer (dead).")
        var force = false

        @Argument(help: "The data node's TCP address, host:8088.")
        var address: String

        func run() async throws {
            var fields = [("addr", address)]
            if force { fields.append(("force", "true")) }
            _ = await DataNodeCommand.post("remove-data", "/remove-data", fields, expected: 204)
            print("Removed data node at \(address)")
        }
    }
}
