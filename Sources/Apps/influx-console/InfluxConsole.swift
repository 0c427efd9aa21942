import ArgumentParser
import Console
import FoundationEssentials
import Glibc
import Logging
import MetaKernel

/// `influx-console`: the web console meta nodes register with (docs/CONSOLE.md).
@main
struct InfluxConsole: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "influx-console",
        abstract: "The web console meta nodes register with: clusters, their nodes and health, and actions on them."
    )

    @Option(name: .customLong("bind", withSingleDash: true), help: "host:port to listen on (:3000: every interface).")
    var bind = ":3000"

    @Option(name: .customLong("db", withSingleDash: true), help: "The registry's SQLite file.")
    var database = "/var/lib/influx-console/console.db"

    @Option(
        name: .customLong("token", withSingleDash: true),
        help: "The token nodes send (registration-token); default $INFLUX_CONSOLE_TOKEN, none accepts any node."
    )
    var token: String?

    @Option(name: .customLong("cert", withSingleDash: true), help: "A PEM certificate: serve HTTPS.")
    var certificate: String?

    @Option(
        name: .customLong("key-file", withSingleDash: true),
        help: "The certificate's PEM private key, when not in -cert."
    )
    var keyFile: String?

    @Option(
        name: .customLong("cluster-ca", withSingleDash: true),
        help: "PEM CA certificates trusted for clusters that serve HTTPS (besides the system's)."
    )
    var clusterCA: String?

    @Flag(
        name: .customLong("cluster-insecure-skip-verify", withSingleDash: true),
        help: "Do not verify clusters' certificates."
    )
    var clusterInsecure = false

    @Option(
        name: .customLong("cluster-user", withSingleDash: true),
        help: "The user the console polls clusters with auth-enabled as."
    )
    var clusterUser: String?

    @Option(
        name: .customLong("cluster-password", withSingleDash: true),
        help: "-cluster-user's password; default $INFLUX_CONSOLE_CLUSTER_PASSWORD."
    )
    var clusterPassword: String?

    @Option(
        name: .customLong("poll-interval", withSingleDash: true),
        help: "How often each cluster is polled: 1s, 500ms."
    )
    var pollInterval = "1s"

    @Option(name: .customLong("log-level", withSingleDash: true), help: "debug, info, warn or error.")
    var logLevel = "info"

    /// Parses the command line; any mistake is one line on standard error and exit 1.
    static func main() async {
        let command: InfluxConsole
        do {
            command = try parse()
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            fail(message)
        }
        await command.serve()
    }

    func validate() throws {
        _ = try Self.listenAddress(bind)
        guard let interval = try? GoDuration(parsing: pollInterval).duration else {
            throw ValidationError("-poll-interval \(pollInterval): not a duration; use 1s, 500ms or 1m")
        }
        guard interval >= .milliseconds(100) else {
            throw ValidationError("-poll-interval \(pollInterval): below the 100ms minimum; use 1s")
        }
        guard Self.level(logLevel) != nil else {
            throw ValidationError("-log-level \(logLevel): unknown; use debug, info, warn or error")
        }
        if keyFile != nil && certificate == nil {
            throw ValidationError("-key-file needs -cert (the certificate it belongs to)")
        }
        if clusterUser != nil && clusterPassword == nil && Self.environment("INFLUX_CONSOLE_CLUSTER_PASSWORD") == nil {
            throw ValidationError("-cluster-user needs -cluster-password (or INFLUX_CONSOLE_CLUSTER_PASSWORD)")
        }
        if clusterUser == nil && clusterPassword != nil {
            throw ValidationError("-cluster-password needs -cluster-user")
        }
        if database.isEmpty {
            throw ValidationError(
                "-db: empty; give the registry's SQLite file, e.g. /var/lib/influx-console/console.db"
            )
        }
    }

    private func serve() async {
        var logger = Logger(label: "influx-console")
        logger.logLevel = Self.level(logLevel) ?? .info
        let (host, port) = (try? Self.listenAddress(bind)) ?? ("0.0.0.0", 3000)
        if let problem = Self.makeParentFolder(of: database) { Self.fail("-db \(database): \(problem)") }
        var authorization: String?
        if let clusterUser {
            let password = clusterPassword ?? Self.environment("INFLUX_CONSOLE_CLUSTER_PASSWORD") ?? ""
            authorization = "Basic " + Data("\(clusterUser):\(password)".utf8).base64EncodedString()
        }
        let configuration = ConsoleApplication.Configuration(
            host: host,
            port: port,
            databasePath: database,
            token: token ?? Self.environment("INFLUX_CONSOLE_TOKEN"),
            certificatePath: certificate,
            privateKeyPath: keyFile,
            cluster: .init(certificateAuthorityFile: clusterCA, verifyPeer: !clusterInsecure),
            pollAuthorization: authorization,
            pollInterval: (try? GoDuration(parsing: pollInterval).duration) ?? .seconds(1)
        )
        let application = ConsoleApplication(configuration: configuration, logger: logger)
        do {
            try await application.run { address, scheme in
                Self.writeStandardOutput("influx-console: serving on \(address) (\(scheme))\n")
            }
        } catch let error as ConsoleApplication.StartError {
            switch error.setting {
            case .database: Self.fail("-db \(database): \(error.message)")
            case .certificate: Self.fail("-cert \(certificate ?? ""): \(error.message)")
            case .clusterCA: Self.fail("-cluster-ca \(clusterCA ?? ""): \(error.message)")
            case .templates: Self.fail(error.description)
            }
        } catch {
            Self.fail("-bind \(bind): \(error)")
        }
    }

    /// `host:port` → (host, port); an empty host listens on every interface.
    static func listenAddress(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw ValidationError("-bind \(text): not host:port; use :3000 or 127.0.0.1:3000")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    static func level(_ text: String) -> Logger.Level? {
        switch text {
        case "debug": .debug
        case "info": .info
        case "warn", "warning": .warning
        case "error": .error
        default: nil
        }
    }

    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }

    /// Creates the folders above `path` (mode 0755); `nil`, or the system's reason.
    static func makeParentFolder(of path: String) -> String? {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return nil }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path[..<slash].split(separator: "/") {
            prefix += part + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                return "cannot create \(prefix): \(String(cString: strerror(errno)).lowercased())"
            }
        }
        return nil
    }

    /// Writes `influx-console: message` to standard error and exits 1.
    static func fail(_ message: String) -> Never {
        StandardError.write("influx-console: \(message)\n")
        Glibc.exit(1)
    }

    /// Writes `text` to standard output, unbuffered.
    static func writeStandardOutput(_ text: String) {
        StandardError.write(text, to: STDOUT_FILENO)
    }
}
