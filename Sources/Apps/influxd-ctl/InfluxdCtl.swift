import ArgumentParser
import MetaKernel

/// `influxd-ctl [options] <command> [options] [<args>]`: the cluster admin CLI.
@main
struct InfluxdCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "influxd-ctl",
        abstract: "Manages an InfluxDB Enterprise cluster through a meta node's HTTP API.",
        usage: "influxd-ctl [options] <command> [options] [<args>]",
        subcommands: [
            Show.self, Join.self, AddMeta.self, RemoveMeta.self, Leave.self, AddData.self, RemoveData.self,
            UpdateData.self, ShowShards.self, RemoveShard.self, TruncateShards.self, Verify.self, Token.self,
            User.self, Role.self, Backup.self, Restore.self,
        ]
    )

    /// Reads the global flags (``CtlArguments``), then runs the command with them as
    /// ``GlobalFlags/current``. Every error is one line on standard error and exit status 1;
    /// help, with the global flags appended, goes to standard output with status 0.
    static func main() async {
        let arguments: CtlArguments
        do {
            arguments = try CtlArguments(parsing: Array(CommandLine.arguments.dropFirst()))
        } catch {
            Ctl.fail(error.command ?? "influxd-ctl", error.error.description)
        }
        do {
            try await GlobalFlags.$current.withValue(arguments.flags) {
                var command = try parseAsRoot(arguments.remaining)
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
            }
        } catch {
            guard exitCode(for: error) != .success else {
                var help = fullMessage(for: error)
                while help.hasSuffix("\n") { help.removeLast() }
                print(help + "\n")
                print(GlobalFlags.helpSection, terminator: "")
                return
            }
            let text = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            let known = arguments.command.flatMap { name in
                configuration.subcommands.contains { $0._commandName == name } ? name : nil
            }
            let command = known ?? "influxd-ctl"
            let help = known.map { "influxd-ctl \($0) -help" } ?? "influxd-ctl -help"
            Ctl.fail(command, "\(text) (see \(help))")
        }
    }
}
