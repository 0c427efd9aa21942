import ArgumentParser
import Foundation
import MetaKernel

/// `influxd-ctl [options] <command> [options] [<args>]`: the cluster admin CLI.
@main
struct InfluxdCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "influxd-ctl",
        abstract: "Manages an InfluxDB Enterprise cluster through a meta node's HTTP API.",
        subcommands: [Show.self]
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

    /// A client for `-bind`, bounded by `-timeout`.
    func client(command: String) -> MetaClient {
        let duration: Duration
        do {
            duration = try GoDuration(parsing: timeout).duration
        } catch {
            Ctl.fail(command, "-timeout: invalid duration \"\(timeout)\" (use Go syntax such as \"10s\" or \"1m0s\")")
        }
        return MetaClient(configuration: .init(timeout: duration))
    }
}

/// Output helpers: results on stdout, one-line errors on stderr with exit 1.
enum Ctl {
    static func fail(_ command: String, _ message: String) -> Never {
        FileHandle.standardError.write(Data("\(command): \(message)\n".utf8))
        exit(1)
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
