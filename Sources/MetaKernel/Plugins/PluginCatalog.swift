/// The implementations a build offers for each kernel protocol, and the rules that pick one
/// from the configuration.
///
/// The kernel imports no plugin: the apps fill a catalog with what they were built with, and
/// ``select(for:)`` turns a ``MetaConfig`` into the ``SelectedPlugins`` a node runs with.
public struct PluginCatalog: Sendable {
    /// Makes a discovery plugin from the configuration.
    public typealias DiscoveryFactory = @Sendable (MetaConfig) throws -> any PeerDiscovery
    /// Makes a licensing plugin from the configuration.
    public typealias LicensingFactory = @Sendable (MetaConfig) throws -> any Licensing
    /// Makes the TLS transport from the configuration.
    public typealias TransportFactory = @Sendable (MetaConfig) throws -> any Transport
    /// Makes the registration plugin from the configuration.
    public typealias RegistrationFactory = @Sendable (MetaConfig) throws -> any Registration
    /// Makes the HMAC used to authenticate Raft connections.
    public typealias MessageAuthenticatorFactory = @Sendable () -> any MessageAuthenticator

    /// Discovery plugins by `[discovery] mode` (`hosts`, `dns`).
    public var discovery: [String: DiscoveryFactory] = [:]
    /// The `license-key` plugin, when built in.
    public var licenseKey: LicensingFactory?
    /// The `license-path` plugin, when built in.
    public var licenseFile: LicensingFactory?
    /// The TLS transport used when `[meta] https-enabled = true`, when built in.
    public var tlsTransport: TransportFactory?
    /// The web-console registration plugin, when built in.
    public var registration: RegistrationFactory?
    /// HMAC-SHA256 for `internal-shared-secret`, when built in.
    public var messageAuthenticator: MessageAuthenticatorFactory?

    /// Creates an empty catalog.
    public init() {}

    /// Picks the plugins `config` asks for.
    ///
    /// - Throws: ``ConfigError`` naming the key when the configuration asks for something this
    ///   build cannot do; such a node must not start half-configured.
    public func select(for config: MetaConfig) throws(ConfigError) -> SelectedPlugins {
        do {
            return try selectUnchecked(for: config)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError(.invalidConfiguration, "\(error)")
        }
    }

    private func selectUnchecked(for config: MetaConfig) throws -> SelectedPlugins {
        try Self.refuseUnenforcedSecurity(config)
        var notices: [String] = []
        let mode = config.discovery.mode.rawValue
        guard let makeDiscovery = discovery[mode] else {
            let known = discovery.keys.sorted().joined(separator: ", ")
            throw ConfigError(
                .invalidConfiguration,
                "[discovery] mode: \"\(mode)\" is not available in this build (available: \(known))"
            )
        }
        let peerDiscovery = try makeDiscovery(config)

        let transport: any Transport
        if config.meta.httpsEnabled {
            guard let makeTLS = tlsTransport else {
                throw ConfigError(
                    .invalidConfiguration,
                    "[meta] https-enabled: this build has no TLS transport yet; set https-enabled = false"
                )
            }
            transport = try makeTLS(config)
        } else {
            transport = PlainTransport()
        }

        var licensing: (any Licensing)?
        if !config.enterprise.licenseKey.isEmpty {
            if let make = licenseKey {
                licensing = try make(config)
            } else {
                notices.append(
                    "[enterprise] license-key is set, but this build has no license-key plugin: the license is not checked"
                )
            }
        } else if !config.enterprise.licensePath.isEmpty {
            if let make = licenseFile {
                licensing = try make(config)
            } else {
                notices.append(
                    "[enterprise] license-path is set, but this build has no license-file plugin: the license is not checked"
                )
            }
        }

        var authenticator: (any MessageAuthenticator)?
        if !config.meta.internalSharedSecret.isEmpty {
            guard let make = messageAuthenticator else {
                throw ConfigError(
                    .invalidConfiguration,
                    "[meta] internal-shared-secret: this build has no HMAC implementation to prove it with; leave it empty"
                )
            }
            authenticator = make()
            if !config.meta.raftPortalAuthRequired {
                notices.append(
                    "[meta] internal-shared-secret is set but raft-portal-auth-required = false: Raft connections that prove no secret are still accepted; set it to true on every meta node once all have the secret"
                )
            }
        }

        var registrationPlugin: (any Registration)?
        if config.enterprise.registrationEnabled {
            if let make = registration {
                registrationPlugin = try make(config)
            } else {
                notices.append(
                    "[enterprise] registration-enabled is set, but this build has no web-console registration: the node does not register"
                )
            }
        }
        let plugins: [Any?] = [peerDiscovery, transport, licensing, registrationPlugin, authenticator]
        for case let warned as any PluginWarnings in plugins.compactMap({ $0 }) {
            notices += warned.warnings
        }
        return SelectedPlugins(
            discovery: peerDiscovery,
            transport: transport,
            licensing: licensing,
            registration: registrationPlugin,
            messageAuthenticator: authenticator,
            notices: notices
        )
    }
}

extension PluginCatalog {
    /// Security settings this build cannot enforce. Starting anyway would leave an operator
    /// believing the API or the Raft port is protected when it is not, so they stop start-up.
    static func refuseUnenforcedSecurity(_ config: MetaConfig) throws {
        let meta = config.meta
        let unenforced: [(Bool, String)] = [
            (meta.authEnabled, "auth-enabled"),
            (meta.ensureFIPS, "ensure-fips"),
        ]
        for (enabled, key) in unenforced where enabled {
            throw ConfigError(
                .invalidConfiguration,
                "[meta] \(key) = true: this build cannot enforce it yet; set it to false and restrict access to ports 8089 and 8091 with a firewall"
            )
        }
    }
}

/// The plugins a node runs with.
public struct SelectedPlugins: Sendable {
    /// Resolves peer names.
    public var discovery: any PeerDiscovery
    /// Prepares every socket.
    public var transport: any Transport
    /// Checks the license, when one is configured and the plugin is built in.
    public var licensing: (any Licensing)?
    /// Registers with the web console, when enabled and built in.
    public var registration: (any Registration)?
    /// Proves and checks `internal-shared-secret` on Raft connections, when the secret is set.
    public var messageAuthenticator: (any MessageAuthenticator)?
    /// Things the operator should know about the selection, logged at start-up as warnings.
    public var notices: [String]

    /// Creates a selection.
    public init(
        discovery: any PeerDiscovery,
        transport: any Transport,
        licensing: (any Licensing)? = nil,
        registration: (any Registration)? = nil,
        messageAuthenticator: (any MessageAuthenticator)? = nil,
        notices: [String] = []
    ) {
        self.discovery = discovery
        self.transport = transport
        self.licensing = licensing
        self.registration = registration
        self.messageAuthenticator = messageAuthenticator
        self.notices = notices
    }
}
