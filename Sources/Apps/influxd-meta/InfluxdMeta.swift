import AppSupport
import ArgumentParser
import FoundationEssentials
import Glibc
import Logging
import MetaKernel

/// `influxd-meta [[command] [arguments]]`: the meta node daemon.
@main
struct InfluxdMeta: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "influxd-meta",
        abstract: "Runs an InfluxDB Enterprise meta node.",
        usage: "influxd-meta [[command] [arguments]]",
        subcommands: [Run.self, PrintConfig.self, Version.self],
        defaultSubcommand: Run.self
    )
}

/// Options every command that reads the configuration shares.
struct ConfigOption: ParsableArguments {
    @Option(
        name: .customLong("config", withSingleDash: true),
        help:
            "Path to influxdb-meta.conf (default: $INFLUXDB_META_CONFIG_PATH, ~/.influxdb/influxdb-meta.conf, /etc/influxdb/influxdb-meta.conf, or built-in defaults)."
    )
    var path: String?

    /// Loads the configuration, printing warnings; exits 1 with the message on an error.
    func load() throws -> LoadedConfig {
        do {
            let loaded = try ConfigLoader.load(explicit: path, environment: try RawEnvironment.load())
            for warning in loaded.warnings { Diagnostics.warn(warning) }
            return loaded
        } catch {
            Diagnostics.fail("\(error)")
        }
    }
}

/// Writes the one-line messages operators see.
enum Diagnostics {
    static func warn(_ message: String) {
        StandardError.write("influxd-meta: warning: \(message)\n")
    }

    static func fail(_ message: String) -> Never {
        StandardError.write("influxd-meta: \(message)\n")
        exit(1)
    }
}
