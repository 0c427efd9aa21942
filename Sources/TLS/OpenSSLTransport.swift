public import FoundationEssentials
public import MetaKernel
public import NIOCore

/// The `https` transport: TLS with the system's OpenSSL on every socket of the node, the meta
/// HTTP API and Raft connections alike, in both directions.
///
/// Built from `influxdb-meta.conf` by ``init(config:now:)``:
/// - `[meta] https-certificate` / `https-private-key`: the node's certificate (or bundle) and key.
/// - `[meta] https-insecure-certificate`: skip the key file permission check.
/// - `[meta] https-insecure-tls`: do not verify peers. Otherwise a peer's certificate must chain
///   to the system CAs **or to a certificate in this node's own bundle** and match the dialled
///   host name or IP address. Trusting the own bundle is what lets a self-signed cluster verify:
///   give every node the same certificate (with each node's name in its SANs), or sign each
///   node's certificate with one CA and append that CA to every bundle.
/// - `[meta] https-client-ca` / `raft-client-ca`: mutual TLS on the API / the Raft port: a
///   client must present a certificate that chains to one of those CAs. The node always presents
///   its own certificate when it dials.
/// - `[tls] min-version`, `max-version`, `ciphers`, `advanced-expiration`.
///
/// ``reload()`` (SIGHUP) re-reads every file; new connections use what it read, established
/// ones keep theirs.
public struct OpenSSLTransport: Transport, PluginWarnings, Reloadable {
    /// The pipeline name of the handler this transport adds.
    public static let handlerName = "tls"

    let reloader: TLSContextReloader

    /// The OpenSSL context new client connections use (and servers without mutual TLS).
    public var context: TLSContext { reloader.contexts.client }

    /// Wraps an existing context.
    /// - Parameter context: The context every connection uses; ``reload()`` rebuilds it from
    ///   its configuration.
    public init(context: TLSContext) {
        self.reloader = TLSContextReloader(context: context)
    }

    /// Builds the transport from the node's configuration.
    /// - Parameters:
    ///   - config: The node configuration (`[meta] https-*`, `[tls]`).
    ///   - now: The time certificate expiry is checked against.
    /// - Throws: ``TLSError`` naming the key and file, with OpenSSL's reason.
    public init(config: MetaConfig, now: Date = Date()) throws(TLSError) {
        let client = Self.contextConfiguration(for: config)
        var api = client
        api.clientCertificateAuthorities = config.meta.httpsClientCA
        var raft = client
        raft.clientCertificateAuthorities = config.meta.raftClientCA
        raft.settingNames.clientCertificateAuthorities = "[meta] raft-client-ca"
        self.reloader = try TLSContextReloader(
            configurations: .init(client: client, api: api, raft: raft),
            now: now
        )
    }

    /// A client-only transport without a certificate, for tools such as `influxd-ctl -bind-tls`.
    /// - Parameters:
    ///   - verifyPeer: Whether to verify the server (`false` is `-k`).
    ///   - caFile: A PEM file of extra CAs to trust besides the system's, or `nil`.
    ///   - tls: `[tls]` versions and ciphers, if any.
    /// - Throws: ``TLSError`` for an unreadable CA file or bad `[tls]` settings.
    public static func client(
        verifyPeer: Bool,
        caFile: String? = nil,
        tls: MetaConfig.TLS = MetaConfig.TLS()
    ) throws(TLSError) -> OpenSSLTransport {
        let configuration = TLSContext.Configuration(
            certificatePath: "",
            trustRoots: TLSContext.TrustRoots(system: true, caFiles: caFile.map { [$0] } ?? []),
            verifyPeer: verifyPeer,
            minimumVersion: tls.minVersion,
            maximumVersion: tls.maxVersion,
            ciphers: tls.ciphers
        )
        return OpenSSLTransport(context: try TLSContext(configuration: configuration))
    }

    /// The transport a client (`influxd-ctl -config`) dials a node with.
    /// - Parameter config: The node's configuration. `https-insecure-tls` turns verification
    ///   off; otherwise the system CAs and every certificate in `https-certificate` are trusted,
    ///   as the node itself trusts its peers. `[tls]` versions and ciphers apply. The private
    ///   key is read only when `https-client-ca` is set: the API then requires a client
    ///   certificate, and the client presents the node's.
    /// - Throws: ``TLSError`` naming the key and file (an unreadable certificate file, bad `[tls]`).
    public static func client(config: MetaConfig) throws(TLSError) -> OpenSSLTransport {
        let verify = !config.meta.httpsInsecureTLS
        let anchors = config.meta.httpsCertificate
        let presentsCertificate = !config.meta.httpsClientCA.isEmpty
        let configuration = TLSContext.Configuration(
            certificatePath: presentsCertificate ? config.meta.httpsCertificate : "",
            privateKeyPath: presentsCertificate ? config.meta.httpsPrivateKey : "",
            trustRoots: TLSContext.TrustRoots(system: true, anchorFile: verify && !anchors.isEmpty ? anchors : nil),
            verifyPeer: verify,
            minimumVersion: config.tls.minVersion,
            maximumVersion: config.tls.maxVersion,
            ciphers: config.tls.ciphers,
            checkKeyPermissions: !config.meta.httpsInsecureCertificate
        )
        return OpenSSLTransport(context: try TLSContext(configuration: configuration))
    }

    /// The context settings `config` asks for.
    /// - Parameter config: The node configuration.
    /// - Returns: The certificate and key paths, trust (system CAs plus the node's own bundle,
    ///   unless `https-insecure-tls`), versions, ciphers, permission check and expiry warning.
    public static func contextConfiguration(for config: MetaConfig) -> TLSContext.Configuration {
        TLSContext.Configuration(
            certificatePath: config.meta.httpsCertificate,
            privateKeyPath: config.meta.httpsPrivateKey,
            trustRoots: TLSContext.TrustRoots(system: true, ownCertificate: true),
            verifyPeer: !config.meta.httpsInsecureTLS,
            minimumVersion: config.tls.minVersion,
            maximumVersion: config.tls.maxVersion,
            ciphers: config.tls.ciphers,
            checkKeyPermissions: !config.meta.httpsInsecureCertificate,
            expirationWarning: config.tls.advancedExpiration.duration
        )
    }

    /// Problems that do not stop the node (a certificate expiring soon); the node logs them at
    /// start-up through ``PluginCatalog/select(for:)``.
    public var warnings: [String] { reloader.builtWarnings }

    /// `TLS certificates`, in reload log lines.
    public var reloadSubject: String { "TLS certificates ([meta] https-certificate, https-private-key, client CAs)" }

    /// Re-reads the certificate, key and CA files; new connections use them, established ones
    /// keep the old. On an error the previous files stay in use.
    /// - Returns: The new certificate's warnings (expiring soon).
    /// - Throws: ``TLSError`` naming the key and file.
    public func reload() async throws -> [String] {
        try reloader.reload()
    }

    /// The expiry warnings due at `now`, logged again once a day.
    public func currentWarnings(now: Date) -> [String] {
        reloader.warnings(now: now)
    }

    /// Always `https`.
    public var scheme: String { "https" }

    /// The relay: only the TLS handler in the channel pipeline can read and write Raft's bytes.
    public var raftStreams: RaftStreamCapability { .channelRelay }

    /// Adds a server-side ``OpenSSLHandler`` at the front of the pipeline.
    /// - Parameter channel: An accepted channel; must be called on its event loop.
    public func configureAccepted(_ channel: any Channel) throws {
        try configureAccepted(channel, on: .api)
    }

    /// Adds a server-side ``OpenSSLHandler`` with the listener's context: it requires a client
    /// certificate when that listener's client CA is set.
    /// - Parameters:
    ///   - channel: An accepted channel; must be called on its event loop.
    ///   - listener: The API or the Raft port.
    public func configureAccepted(_ channel: any Channel, on listener: TransportListener) throws {
        let contexts = reloader.contexts
        try channel.pipeline.syncOperations.addHandler(
            OpenSSLHandler.server(context: listener == .raft ? contexts.raft : contexts.api),
            name: Self.handlerName,
            position: .first
        )
    }

    /// Adds a client-side ``OpenSSLHandler`` at the front of the pipeline that verifies the
    /// server against `serverName` (unless peers are not verified).
    /// - Parameters:
    ///   - channel: A connecting channel; must be called on its event loop.
    ///   - serverName: The host name or IP address dialled.
    public func configureConnected(_ channel: any Channel, serverName: String) throws {
        try channel.pipeline.syncOperations.addHandler(
            OpenSSLHandler.client(context: context, serverName: serverName),
            name: Self.handlerName,
            position: .first
        )
    }

    /// Succeeds once the client handler added by ``configureConnected(_:serverName:)`` has
    /// finished its handshake; fails with its ``TLSError`` (a certificate that does not verify,
    /// say) or when the connection ends first.
    /// - Parameter channel: A connected channel; must be called on its event loop.
    public func established(_ channel: any Channel) -> EventLoopFuture<Void> {
        let loop = channel.eventLoop
        do {
            let handler = try channel.pipeline.syncOperations.handler(type: OpenSSLHandler.self)
            switch handler.state {
            case .active:
                return loop.makeSucceededVoidFuture()
            case .idle, .handshaking:
                let promise = loop.makePromise(of: Void.self)
                try channel.pipeline.syncOperations.addHandler(
                    OpenSSLHandshakeWaiter(promise: promise),
                    position: .after(handler)
                )
                return promise.futureResult
            case .closing, .closed:
                return loop.makeFailedFuture(handler.failure ?? ChannelError.ioOnClosedChannel)
            }
        } catch {
            return loop.makeFailedFuture(error)
        }
    }

    /// Makes this transport the catalog's TLS transport, used when `[meta] https-enabled = true`,
    /// and makes ``client(config:)`` the catalog's client TLS transport.
    /// - Parameter catalog: The catalog the app fills at start-up.
    public static func register(in catalog: inout PluginCatalog) {
        catalog.tlsTransport = { config in try OpenSSLTransport(config: config) }
        catalog.tlsClientTransport = { config in try OpenSSLTransport.client(config: config) }
    }
}
