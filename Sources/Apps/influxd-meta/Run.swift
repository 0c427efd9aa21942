import AppSupport
import ArgumentParser
import FoundationEssentials
import Glibc
import Logging
import MetaKernel

extension InfluxdMeta {
    /// `influxd-meta [run] [-config f] [-single-server] [-pidfile f]`.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Runs the meta node (the default command).")

        @OptionGroup var config: ConfigOption

        @Flag(
            name: .customLong("single-server", withSingleDash: true),
            help: "Bootstrap a one-node cluster when there is no state (not for production)."
        )
        var singleServer = false

        @Flag(
            name: .customLong("recover", withSingleDash: true),
            help:
                "Disaster recovery: make this node the only voter of its cluster (libraft's raft_recover), when a majority is lost for good."
        )
        var recover = false

        @Option(name: .customLong("pidfile", withSingleDash: true), help: "Write the process id to this file.")
        var pidfile: String?

        func run() async throws {
            let loaded = try config.load()
            if let refusal = LicenseRequirement.refusal(for: loaded) { Diagnostics.fail(refusal) }
            let (logger, levelSwitch) = Self.bootstrapLogging(loaded.config.logging)
            let path = config.path
            let levelReload = LogLevelReload(levelSwitch: levelSwitch) {
                try ConfigLoader.load(explicit: path, environment: try RawEnvironment.load()).config.logging.level
            }
            let files = FileLimit.raise()
            if let pidfile {
                do {
                    try "\(getpid())\n".write(toFile: pidfile, atomically: true, encoding: .utf8)
                } catch {
                    Diagnostics.fail("-pidfile \(pidfile): cannot write: \(PosixReason.forWriting(pidfile))")
                }
            }
            defer { if let pidfile { try? FileManager.default.removeItem(atPath: pidfile) } }
            logger.info(
                "influxd-meta \(MetaBuild.version) starting",
                metadata: ["config": "\(loaded.path ?? "built-in defaults")", "open-files": "\(files)"]
            )
            let catalog = BuiltInPlugins.catalog()
            do {
                try await MetaServer.run(
                    config: loaded.config,
                    singleServer: singleServer,
                    recover: recover,
                    catalog: catalog,
                    logger: logger,
                    reloadable: [levelReload]
                )
            } catch {
                if let pidfile { try? FileManager.default.removeItem(atPath: pidfile) }
                Diagnostics.fail("\(error)")
            }
            logger.info("influxd-meta stopped")
        }

        /// Installs the `[logging]` format, with the level shared by every logger.
        static func bootstrapLogging(_ settings: MetaConfig.Logging) -> (Logger, LogLevelSwitch) {
            let levelSwitch = LogLevelSwitch(settings.level.loggerLevel)
            let format = settings.format
            LoggingSystem.bootstrap { label in
                switch format {
                case .auto:
                    let plain = DeferredMetadataLogHandler(StreamLogHandler.standardError(label: label))
                    return SwitchedLevelLogHandler(plain, levelSwitch: levelSwitch)
                case .logfmt:
                    return SwitchedLevelLogHandler(
                        FormattedLogHandler(label: label, format: .logfmt),
                        levelSwitch: levelSwitch
                    )
                case .json:
                    return SwitchedLevelLogHandler(
                        FormattedLogHandler(label: label, format: .json),
                        levelSwitch: levelSwitch
                    )
                }
            }
            return (Logger(label: "influxd-meta"), levelSwitch)
        }
    }

    /// `influxd-meta config [-config f]`: prints the effective configuration as TOML.
    struct PrintConfig: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "config",
            abstract: "Displays the default configuration, merged with -config and the environment."
        )

        @OptionGroup var config: ConfigOption

        @Flag(
            name: .customLong("show-secrets", withSingleDash: true),
            help: "Print secrets (shared-secret, internal-shared-secret, license-key, registration-token) unmasked."
        )
        var showSecrets = false

        func run() throws {
            print(try config.load().config.renderTOML(maskingSecrets: !showSecrets), terminator: "")
        }
    }

    /// `influxd-meta version`.
    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Displays the version.")

        func run() {
            print("influxd-meta \(MetaBuild.version)")
        }
    }
}
