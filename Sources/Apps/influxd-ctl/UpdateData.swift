import ArgumentParser
import MetaKernel

extension InfluxdCtl {
    /// `influxd-ctl update-data <old tcpAddr> <new tcpAddr>`: moves a data node to a new address.
    struct UpdateData: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update-data",
            abstract: "Update a data node's address"
        )

        @Argument(help: "The data node's current TCP address, host:8088.")
        var oldAddress: String

        @Argument(help: "Its new TCP address, host:8088.")
        var newAddress: String

        func run() async throws {
            let answer = await DataNodeCommand.post(
                "update-data",
                "/update-data",
                [("oldAddr", oldAddress), ("newAddr", newAddress)],
                expected: 200
            )
            let reply: DataNodeRoutes.NodeReply
            do {
                reply = try answer.decode(DataNodeRoutes.NodeReply.self)
            } catch {
                Ctl.fail("update-data", "operation exited with error: \(error.message)")
            }
            print("updated data node \(reply.id) to \(reply.tcpAddr)")
        }
    }
}
