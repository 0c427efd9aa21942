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
    /// Makes the password hasher for users (`password-hash`).
    public typealias PasswordHasherFactory = @Sendable () -> any PasswordHasher
    /// Makes a TLS transport for a client that has no certificate of its own (`influxd-ctl`).
    public typealias ClientTransportFactory = @Sendable (MetaConfig) throws -> any Transport

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
    /// bcrypt and PBKDF2 for user passwords, when built in.
    public var passwordHasher: PasswordHasherFactory?
    /// The TLS transport a client such as `influxd-ctl` dials with when `https-enabled = true`:
    /// it reads `https-insecure-tls`, `[tls]` and trusts the certificates of `https-certificate`,
    /// but never needs the private key.
    public var tlsClientTransport: ClientTransportFactory?

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
        let peerDiscovery = try makeDiscovery(for: config)

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
        if config.meta.authEnabled && passwordHasher == nil {
            throw ConfigError(
                .invalidConfiguration,
                "[meta] auth-enabled = true: this build has no password hashing to check users with; set it to false"
            )
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
            passwordHasher: passwordHasher?(),
            notices: notices
        )
    }
}

extension PluginCatalog {
    /// Picks what a client of the meta API needs from `config`: the discovery plugin that
    /// resolves `host:port` addresses, and plain TCP or, with `https-enabled`, the client TLS
    /// transport. Unlike ``select(for:)`` it reads no private key and starts nothing.
    ///
    /// - Throws: ``ConfigError`` naming the key when this build cannot do what `config` asks,
    ///   or the transport's own error (a `[tls]` setting or an unreadable certificate file).
    public func selectClient(for config: MetaConfig) throws -> ClientPlugins {
        let peerDiscovery = try makeDiscovery(for: config)
        guard config.meta.httpsEnabled else {
            return ClientPlugins(discovery: peerDiscovery, transport: PlainTransport())
        }
        guard let makeTLS = tlsClientTransport else {
            throw ConfigError(
                .invalidConfiguration,
                "[meta] https-enabled: this build has no TLS transport; set https-enabled = false"
            )
        }
        return ClientPlugins(discovery: peerDiscovery, transport: try makeTLS(config))
    }

    /// The discovery plugin `[discovery] mode` names.
    private func makeDiscovery(for config: MetaConfig) throws -> any PeerDiscovery {
        let mode = config.discovery.mode.rawValue
        guard let make = discovery[mode] else {
            let known = discovery.keys.sorted().joined(separator: ", ")
            throw ConfigError(
                .invalidConfiguration,
                "[discovery] mode: \"\(mode)\" is not available in this build (available: \(known))"
            )
        }
        return try make(config)
    }

    /// Security settings this build cannot enforce. Starting anyway would leave an operator
    /// believing the API or the Raft port is protected when it is not, so they stop start-up.
    static func refuseUnenforcedSecurity(_ config: MetaConfig) throws {
        let meta = config.meta
        let unenforced: [(Bool, String)] = [
            (meta.ensureFIPS, "ensure-fips")
        ]
        for (enabled, key) in unenforced where enabled {
            throw ConfigError(
                .invalidConfiguration,
                "[meta] \(key) = true: this build cannot enforce it yet; set it to false and restrict access to ports 8089 and 8091 with a firewall"
            )
        }
    }
}

/// What a client of the meta API dials with.
public struct ClientPlugins: Sendable {
    /// Resolves the host of every address dialled.
    public var discovery: any PeerDiscovery
    /// Prepares every connection (plain or TLS).
    public var transport: any Transport

    /// Creates a selection.
    public init(discovery: any PeerDiscovery, transport: any Transport) {
        self.discovery = discovery
        self.transport = transport
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
    /// Hashes and checks user passwords, when built in.
    public var passwordHasher: (any PasswordHasher)?
    /// Things the operator should know about the selection, logged at start-up as warnings.
    public var notices: [String]

    /// Creates a selection.
    public init(
        discovery: any PeerDiscovery,
        transport: any Transport,
        licensing: (any Licensing)? = nil,
        registration: (any Registration)? = nil,
        messageAuthenticator: (any MessageAuthenticator)? = nil,
        passwordHasher: (any PasswordHasher)? = nil,
        notices: [String] = []
    ) {
        self.passwordHasher = passwordHasher
        self.discovery = discovery
        self.transport = transport
        self.licensing = licensing
        self.registration = registration
        self.messageAuthenticator = messageAuthenticator
        self.notices = notices
    }
}
