import ArgumentParser
import FoundationEssentials
import Glibc
import MetaKernel
import TLS

/// `influxd-ctl [options] <command> [options] [<args>]`: the cluster admin CLI.
@main
struct InfluxdCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "influxd-ctl",
        abstract: "Manages an InfluxDB Enterprise cluster through a meta node's HTTP API.",
        usage: "influxd-ctl [options] <command> [options] [<args>]",
        subcommands: [Show.self, Join.self, AddMeta.self, RemoveMeta.self, Leave.self]
    )

    /// Accepts global flags before the command, as `influxd-ctl -bind host:8091 show` does, by
    /// moving them behind the command name where each command's `GlobalOptions` reads them.
    static func main() async {
        await main(GlobalOptions.reorder(Array(CommandLine.arguments.dropFirst())))
    }

    static func main(_ arguments: [String]) async {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// The flags every command takes.
struct GlobalOptions: ParsableArguments {
    /// Global flags that take a value.
    static let valued: Set<String> = ["bind", "timeout"]

    /// Moves the flags in front of the command name behind it.
    static func reorder(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count, arguments[index].hasPrefix("-") {
            let flag = arguments[index]
            leading.append(flag)
            let name = flag.drop { $0 == "-" }
            if valued.contains(String(name)), index + 1 < arguments.count {
                leading.append(arguments[index + 1])
                index += 1
            }
            index += 1
        }
        guard index < arguments.count, !leading.isEmpty else { return arguments }
        return [arguments[index]] + leading + arguments[(index + 1)...]
    }

    @Option(name: .customLong("bind", withSingleDash: true), help: "The meta node to talk to (host:port).")
    var bind = "localhost:8091"

    @Option(
        name: .customLong("timeout", withSingleDash: true),
        help: "How long a command may take, in Go syntax (\"10s\", \"1m0s\")."
    )
    var timeout = "10s"

    @Flag(
        name: .customLong("bind-tls", withSingleDash: true),
        help: "Use TLS (https) to talk to the meta node; needed once https-enabled is on."
    )
    var bindTLS = false

    @Flag(name: .customShort("k"), help: "With -bind-tls: do not verify the meta node's certificate.")
    var insecure = false

    /// Plain TCP, or TLS with `-bind-tls` (`-k` skips verification; ignored without `-bind-tls`).
    func transport(command: String) -> any Transport {
        guard bindTLS else { return PlainTransport() }
        do {
            return try OpenSSLTransport.client(verifyPeer: !insecure)
        } catch {
            Ctl.fail(command, "-bind-tls: \(error)")
        }
    }

    /// A client for `-bind`, bounded by `-timeout`.
    func client(command: String, timeout override: Duration? = nil) -> MetaClient {
        let duration: Duration
        do {
            duration = try GoDuration(parsing: timeout).duration
        } catch {
            Ctl.fail(command, "-timeout: invalid duration \"\(timeout)\" (use Go syntax such as \"10s\" or \"1m0s\")")
        }
        return MetaClient(configuration: .init(transport: transport(command: command), timeout: override ?? duration))
    }
}

/// Output helpers: results on stdout, one-line errors on stderr with exit 1.
enum Ctl {
    static func fail(_ command: String, _ message: String) -> Never {
        StandardError.write("\(command): \(message)\n")
        exit(1)
    }

    /// Writes a warning line to standard error.
    static func warn(_ command: String, _ message: String) {
        StandardError.write("\(command): warning: \(message)\n")
    }

    /// JSON for a request body.
    static func encode(_ value: some Encodable) -> [UInt8] {
        (try? JSONEncoder().encode(value)).map(Array.init) ?? []
    }

    /// Asks `prompt` and reads a line; true for y or yes, in any case, with surrounding blanks.
    static func confirm(_ prompt: String) -> Bool {
        print(prompt, terminator: "")
        fflush(nil)
        let line = readLine() ?? ""
        let trimmed = line.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
        let answer = String(trimmed).lowercased()
        return answer == "y" || answer == "yes"
    }

    /// Whether something accepts TCP connections at `host:port`.
    static func listens(host: String, port: Int) async -> Bool {
        await MetaClient.canConnect(host: host, port: port, timeout: .seconds(1))
    }

    /// The line for an answer other than 200.
    static func fail(_ command: String, answer: MetaClient.Reply) -> Never {
        let message = answer.errorMessage ?? "HTTP \(answer.status) from \(answer.address): \(answer.text.prefix(200))"
        if answer.status == 503 && message == "no leader" {
            fail(
                command,
                "operation exited with error: no leader (a majority of the meta nodes must be running and reach each other on port 8089)"
            )
        }
        fail(command, "operation exited with error: \(message)")
    }

    /// The line for a failed call, in Enterprise's `operation ... with error` form.
    static func fail(_ command: String, _ error: MetaClientError, bind: String) -> Never {
        switch error.code {
        case .timeout:
            fail(command, "operation timed out with error: \(error.message)")
        case .unreachable:
            fail(
                command,
                "operation exited with error: \(error.message) (is influxd-meta running there? pick another node with -bind host:8091)"
            )
        default:
            fail(command, "operation exited with error: \(error.message)")
        }
    }
}
