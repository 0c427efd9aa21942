import ArgumentParser
import FoundationEssentials
import MetaKernel

extension InfluxdCtl {
    /// `influxd-ctl join host:8091`: in the installation guide's meaning, add the meta node at
    /// that address (the first join of the `-bind` node's own address creates the cluster).
    struct Join: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Join a meta or data node")

        @Argument(help: "The meta node's HTTP address, host:8091.")
        var address: String

        func run() async throws {
            await AddMeta.add(address, command: "join")
        }
    }

    /// `influxd-ctl add-meta host:8091`.
    struct AddMeta: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-meta", abstract: "Add a meta node")

        @Argument(help: "The meta node's HTTP address, host:8091.")
        var address: String

        func run() async throws {
            await Self.add(address, command: "add-meta")
        }

        static func add(_ address: String, command: String) async {
            let connection = CtlConnection.open(command)
            let client = connection.client()
            let body = Ctl.encode(JoinRequest(addr: address))
            let reply: JoinReply
            do {
                let answer = try await client.post(connection.bind, "/join", json: body)
                guard answer.status == 200 else { Ctl.fail(command, answer: answer) }
                reply = try answer.decode(JoinReply.self)
            } catch {
                Ctl.fail(command, error, bind: connection.bind)
            }
            if reply.alreadyMember {
                print("Meta node \(reply.id) at \(reply.addr) is already a member of the cluster")
            } else {
                print("Added meta node \(reply.id) at \(reply.addr)")
            }
            if let warning = reply.warning { Ctl.warn(command, warning) }
        }
    }
}
