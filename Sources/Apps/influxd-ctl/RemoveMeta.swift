import ArgumentParser
import FoundationEssentials
import MetaKernel

extension InfluxdCtl {
    /// `influxd-ctl remove-meta [-force] [-tcpAddr host:8089] [-y] host:8091`.
    struct RemoveMeta: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-meta", abstract: "Remove a meta node")

        @Flag(name: .go("force"), help: "Remove a node that cannot be reached (dead).")
        var force = false

        @Option(
            name: .go("tcpAddr"),
            help: ArgumentHelp("With -force: the dead node's Raft address.", valueName: "host:8089")
        )
        var tcpAddr: String?

        @Flag(name: .customShort("y"), help: "Do not ask for confirmation.")
        var yes = false

        @Argument(help: "The meta node's HTTP address, host:8091.")
        var address: String

        func validate() throws {
            if tcpAddr != nil && !force {
                throw ValidationError("-tcpAddr is only used with -force")
            }
        }

        func run() async throws {
            let prompt =
                force
                ? "Force remove \(address) from the cluster [y/N]: " : "Remove \(address) from the cluster [y/N]: "
            guard yes || Ctl.confirm(prompt) else {
                Ctl.fail("remove-meta", "\(address) not removed (answer y to confirm, or pass -y)")
            }
            let connection = CtlConnection.open("remove-meta")
            let client = connection.client()
            let body = Ctl.encode(RemoveRequest(httpAddr: address, force: force, tcpAddr: tcpAddr))
            let reply: RemoveReply
            do {
                let answer = try await client.post(connection.bind, "/remove", json: body)
                guard answer.status == 200 else { Ctl.fail("remove-meta", answer: answer) }
                reply = try answer.decode(RemoveReply.self)
            } catch {
                Ctl.fail("remove-meta", error, bind: connection.bind)
            }
            if !yes { print("") }
            print("Removed meta node at \(reply.addr)")
            if let warning = reply.warning { Ctl.warn("remove-meta", warning) }
        }
    }

    /// `influxd-ctl leave [-y]`: removes the `-bind` node (normally this server) from its cluster.
    struct Leave: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove this node from the cluster")

        @Flag(name: .customShort("y"), help: "Do not ask for confirmation.")
        var yes = false

        func run() async throws {
            let connection = CtlConnection.open("leave")
            let client = connection.client()
            let status: ClusterStatus
            do {
                let answer = try await client.get(connection.bind, "/status")
                guard answer.status == 200 else { Ctl.fail("leave", answer: answer) }
                status = try answer.decode(ClusterStatus.self)
            } catch {
                Ctl.fail("leave", error, bind: connection.bind)
            }
            let host = (try? HostPort(parsing: status.httpAddress).host) ?? status.httpAddress
            print("Searching for data node on \(host):8088...")
            let dataNodeAnswers = await Ctl.listens(host: host, port: 8088)
            print("Searching for meta node on \(status.httpAddress)...")
            guard status.peers != nil else {
                Ctl.fail("leave", "operation exited with error: \(status.httpAddress) is not part of a cluster")
            }
            guard yes || Ctl.confirm("Remove meta node \(status.httpAddress) from the cluster [y/N]: ") else {
                Ctl.fail("leave", "\(status.httpAddress) not removed (answer y to confirm, or pass -y)")
            }
            do {
                let answer = try await client.post(
                    connection.bind,
                    "/remove",
                    json: Ctl.encode(RemoveRequest(httpAddr: status.httpAddress))
                )
                guard answer.status == 200 else { Ctl.fail("leave", answer: answer) }
                _ = try answer.decode(RemoveReply.self)
            } catch {
                Ctl.fail("leave", error, bind: connection.bind)
            }
            print("")
            print("Successfully left cluster")
            print("")
            print(dataNodeAnswers ? "  * No data node removed from cluster" : "  * No data node found.")
            print("  * Removed meta node \(status.httpAddress) from cluster")
        }
    }
}
