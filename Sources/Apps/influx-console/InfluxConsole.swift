import ArgumentParser
import Console

/// `influx-console`: the web console meta nodes register with.
@main
struct InfluxConsole: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "influx-console", abstract: "The web console.")

    func run() async throws {}
}
