public import Hummingbird
import HummingbirdCore
public import Logging
import MetaKernel
import TLS

/// The `influx-console` process: the registration API meta nodes report to, the poller that
/// keeps each registered cluster's view fresh, and the web pages, served over HTTP or HTTPS.
public struct ConsoleApplication: Sendable {
    /// What the console serves and how it reaches clusters.
    public struct Configuration: Sendable {
        /// The address to listen on (`0.0.0.0` for every interface).
        public var host: String
        /// The port; 0 picks a free one (the serving line says which).
        public var port: Int
        /// The registry's SQLite file.
        public var databasePath: String
        /// The token nodes must send (`X-Authorization`); `nil` accepts any node.
        public var token: String?
        /// A PEM certificate: serve HTTPS. It may hold the key when ``privateKeyPath`` is `nil`.
        public var certificatePath: String?
        /// The certificate's PEM private key.
        public var privateKeyPath: String?
        /// How clusters are reached (`-cluster-ca`, `-cluster-insecure-skip-verify`).
        public var cluster: ClusterConnector.Configuration
        /// The `Authorization` header the poller sends to clusters with auth-enabled.
        public var pollAuthorization: String?
        /// How often every cluster is polled.
        public var pollInterval: Duration
        /// How long browser sessions live.
        public var sessions: SessionStore.Configuration

        /// Creates a configuration: all interfaces, port 3000, HTTP, polls every second.
        public init(
            host: String = "0.0.0.0",
            port: Int = 3000,
            databasePath: String,
            token: String? = nil,
            certificatePath: String? = nil,
            privateKeyPath: String? = nil,
            cluster: ClusterConnector.Configuration = .init(),
            pollAuthorization: String? = nil,
            pollInterval: Duration = .seconds(1),
            sessions: SessionStore.Configuration = .init()
        ) {
            self.host = host
            self.port = port
            self.databasePath = databasePath
            self.token = token
            self.certificatePath = certificatePath
            self.privateKeyPath = privateKeyPath
            self.cluster = cluster
            self.pollAuthorization = pollAuthorization
            self.pollInterval = pollInterval
            self.sessions = sessions
        }
    }

    /// A part the console could not prepare, with the setting to fix.
    public struct StartError: Error, Sendable, CustomStringConvertible {
        /// The setting at fault.
        public enum Setting: String, Sendable {
            /// ``Configuration/databasePath``.
            case database
            /// ``Configuration/certificatePath`` or its key.
            case certificate
            /// ``ClusterConnector/Configuration/certificateAuthorityFile``.
            case clusterCA
            /// The embedded templates (a build defect).
            case templates
        }

        /// The setting at fault.
        public var setting: Setting
        /// What went wrong.
        public var message: String

        /// `setting: message`.
        public var description: String { "\(setting.rawValue): \(message)" }
    }

    /// The configuration.
    public let configuration: Configuration
    let logger: Logger

    /// A console with `configuration`, logging through `logger`.
    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Serves until SIGTERM or SIGINT (a graceful shutdown); throws ``StartError`` before
    /// serving when a part cannot be prepared.
    public func run(onServing: @escaping @Sendable (_ address: String, _ scheme: String) -> Void) async throws {
        try await makeApplication(onServing: onServing).runService()
    }

    /// Opens the registry and the TLS contexts and assembles the server; `onServing` hears the
    /// address actually bound and the scheme once it listens.
    public func makeApplication(
        onServing: @escaping @Sendable (_ address: String, _ scheme: String) -> Void = { _, _ in }
    ) throws(StartError) -> Application<RouterResponder<BasicRequestContext>> {
        let templates: ConsoleTemplates
        do {
            templates = try ConsoleTemplates()
        } catch {
            throw StartError(setting: .templates, message: error.description)
        }
        let connector: ClusterConnector
        do {
            connector = try ClusterConnector(configuration: configuration.cluster)
        } catch {
            throw StartError(setting: .clusterCA, message: "\(error)")
        }
        var server: HTTPServerBuilder = .http1()
        if let certificate = configuration.certificatePath {
            do {
                let context = try TLSContext(
                    configuration: .init(
                        certificatePath: certificate,
                        privateKeyPath: configuration.privateKeyPath ?? "",
                        trustRoots: .init(),
                        verifyPeer: false
                    )
                )
                server = .http1(over: OpenSSLTransport(context: context))
            } catch {
                throw StartError(setting: .certificate, message: "\(error)")
            }
        }
        let registry: Registry
        do {
            registry = try Registry(path: configuration.databasePath)
        } catch {
            throw StartError(setting: .database, message: "\(error)")
        }
        let state = ConsoleState()
        let router = Router()
        RegistrationRoutes(registry: registry, state: state, token: configuration.token, logger: logger)
            .add(to: router)
        WebRoutes(
            state: state,
            connector: connector,
            sessions: SessionStore(configuration: configuration.sessions),
            templates: templates,
            secureCookies: configuration.certificatePath != nil,
            logger: logger
        ) { clusterID, name in
            try await registry.setName(clusterID: clusterID, name: name)
        }
        .add(to: router)
        let poller = ClusterPoller(
            registry: registry,
            state: state,
            connector: connector,
            configuration: .init(
                interval: configuration.pollInterval,
                timeout: configuration.cluster.timeout,
                authorization: configuration.pollAuthorization
            ),
            logger: logger
        )
        let host = configuration.host
        let scheme = configuration.certificatePath == nil ? "http" : "https"
        let port = configuration.port
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            services: [poller],
            onServerRunning: { channel in
                onServing("\(host):\(channel.localAddress?.port ?? port)", scheme)
            },
            logger: logger
        )
    }
}
