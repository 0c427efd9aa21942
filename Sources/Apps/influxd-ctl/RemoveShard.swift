import ArgumentParser
import MetaKernel

extension InfluxdCtl {
    /// `influxd-ctl remove-shard <data-node-tcp-address> <shard-id>`: takes a data node off a
    /// shard's owners.
    struct RemoveShard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-shard",
            abstract: "Remove a shard from a data node"
        )

        @Argument(help: "The data node's TCP address, host:8088.")
        var source: String

        @Argument(help: "The shard id (see influxd-ctl show-shards).")
        var shard: UInt64

        func run() async throws {
            let connection = CtlConnection.open("remove-shard")
            let client = connection.client()
            let path = "/remove-shard?src=\(Ctl.queryEscaped(source))&shard=\(shard)"
            do {
                let answer = try await client.post(connection.bind, path, json: [])
                guard answer.status == 204 || answer.status == 200 else { Ctl.fail("remove-shard", answer: answer) }
            } catch {
                Ctl.fail("remove-shard", error, bind: connection.bind)
            }
            print("Removed shard \(shard) from \(source)")
        }
    }

    /// `influxd-ctl truncate-shards [-delay 1m0s]`: closes every open shard group `delay` from
    /// now, so that writes after it go to new groups.
    struct TruncateShards: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "truncate-shards",
            abstract: "Truncate current shards"
        )

        @Option(name: .go("delay"), help: "How far in the future to truncate, in Go syntax (default 1m0s).")
        var delay = "1m0s"

        func validate() throws {
            do {
                _ = try GoDuration(parsing: delay)
            } catch {
                throw ValidationError(
                    "-delay: invalid duration \"\(delay)\" (use Go syntax such as \"1m0s\" or \"30s\")"
                )
            }
        }

        func run() async throws {
            let connection = CtlConnection.open("truncate-shards")
            let client = connection.client()
            do {
                let answer = try await client.post(
                    connection.bind,
                    "/truncate-shards?delay=\(Ctl.queryEscaped(delay))",
                    json: []
                )
                guard answer.status == 204 || answer.status == 200 else {
                    Ctl.fail("truncate-shards", answer: answer)
                }
            } catch {
                Ctl.fail("truncate-shards", error, bind: connection.bind)
            }
            print("Truncated shards.")
        }
    }
}

extension Ctl {
    /// `text` for a query-string value: everything but unreserved characters and `:` percent-encoded.
    static func queryEscaped(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~:".contains(c)) {
                out.append(c)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
