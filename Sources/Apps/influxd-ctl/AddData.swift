import ArgumentParser
import MetaKernel

extension InfluxdCtl {
    /// `influxd-ctl add-data [-p] <tcpAddr>`.
    struct AddData: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-data", abstract: "Add a data node")

        @Flag(name: .customShort("p"), help: "Add the node as passive: it takes writes but owns no shards.")
        var passive = false

        @Argument(help: "The data node's TCP address, host:8088.")
        var address: String

        func run() async throws {
            var fields = [("addr", address)]
            if passive { fields.append(("passive", "true")) }
            let answer = await DataNodeCommand.post("add-data", "/add-data", fields, expected: 200)
            let reply: DataNodeRoutes.NodeReply
            do {
                reply = try answer.decode(DataNodeRoutes.NodeReply.self)
            } catch {
                Ctl.fail("add-data", "operation exited with error: \(error.message)")
            }
            print("Added data node \(reply.id) at \(reply.tcpAddr)")
        }
    }
}
