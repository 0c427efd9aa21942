import AppSupport
import FoundationEssentials
import MetaKernel

/// How a command reaches its meta node: the node's configuration (the file `influxd-meta`
/// would read, the environment, the defaults) with the global flags on top, and the plugins
/// the daemon would pick for it.
///
/// From the configuration come `[meta] https-enabled` (TLS, as `-bind-tls`),
/// `https-insecure-tls` (as `-k`), trust in the certificates of `https-certificate` (a private
/// CA appended to the node's bundle, or a shared self-signed certificate), `[tls]` versions and
/// ciphers, the `[discovery]` plugin that resolves every address dialled, and the node's own
/// HTTP address as the default `-bind`.
struct CtlConnection {
    /// The node to talk to, `host:port`.
    let bind: String
    /// The discovery and transport plugins.
    let plugins: ClientPlugins
    /// Whether addresses resolve through ``plugins``' discovery (a configuration file was
    /// read) rather than the system resolver.
    let usesDiscovery: Bool
    /// The `-timeout` bound.
    let timeout: Duration
    /// The `Authorization` header for each request, if credentials were given.
    let authorization: (@Sendable () -> String)?

    /// A client for ``bind`` and the nodes it names, bounded by `timeout` (default `-timeout`);
    /// `mediaType` is the bodies' and answers' media type (protobuf for backup and restore).
    func client(
        timeout override: Duration? = nil,
        mediaType: String = "application/json",
        progress: (@Sendable (Int, Int?) -> Void)? = nil
    ) -> MetaClient {
        MetaClient(
            configuration: .init(
                transport: plugins.transport,
                timeout: override ?? timeout,
                discovery: usesDiscovery ? plugins.discovery : nil,
                authorization: authorization,
                maximumReplySize: 1 << 30,
                mediaType: mediaType,
                progress: progress
            )
        )
    }

    /// Assembles the connection for `command` from ``GlobalFlags/current``; on a problem,
    /// writes one line naming the file or flag and exits 1.
    static func open(_ command: String, flags: GlobalFlags = GlobalFlags.current) -> CtlConnection {
        let loaded: LoadedConfig
        do {
            loaded = try ConfigLoader.load(explicit: flags.config, environment: try RawEnvironment.load())
        } catch {
            let hint =
                flags.config == nil
                ? " (influxd-ctl reads the file influxd-meta would; name another with -config, or -config /dev/null for the defaults)"
                : ""
            Ctl.fail(command, "\(error)\(hint)")
        }
        if flags.config != nil {
            for warning in loaded.warnings { Ctl.warn(command, warning) }
        }
        var config = loaded.config
        if let bindTLS = flags.bindTLS { config.meta.httpsEnabled = bindTLS }
        if let insecure = flags.insecure { config.meta.httpsInsecureTLS = insecure }
        if flags.insecure == true && !config.meta.httpsEnabled {
            Ctl.warn(command, "-k has no effect without TLS (-bind-tls, or https-enabled = true in the configuration)")
        }
        let catalog = BuiltInPlugins.catalog()
        let plugins: ClientPlugins
        do {
            plugins = try catalog.selectClient(for: config)
        } catch {
            let source = loaded.path.map { "\($0): " } ?? ""
            Ctl.fail(command, "\(source)\(error)")
        }
        return CtlConnection(
            bind: flags.bind ?? defaultBind(config),
            plugins: plugins,
            usesDiscovery: loaded.path != nil,
            timeout: flags.timeout,
            authorization: authorization(command, flags: flags, catalog: catalog)
                ?? nodeAuthorization(config, catalog: catalog)
        )
    }

    /// The node the configuration describes: `http-bind-address` as the node advertises it
    /// (`hostname` for a wildcard host), `localhost:8091` with the defaults.
    private static func defaultBind(_ config: MetaConfig) -> String {
        let address = (try? HostPort(parsing: config.meta.httpBindAddress)) ?? HostPort(host: "", port: 8091)
        return address.advertised(hostname: config.hostname).description
    }

    /// The header `-auth-type` asks for: `Basic` with `-user`/`-pwd`, or a `Bearer` HS256
    /// token for `-user` signed with `-secret` that expires a minute after each request.
    private static func authorization(
        _ command: String,
        flags: GlobalFlags,
        catalog: PluginCatalog
    ) -> (@Sendable () -> String)? {
        let user = flags.user ?? ""
        switch flags.authType {
        case .none:
            return nil
        case .basic:
            let encoded = Data("\(user):\(flags.password ?? "")".utf8).base64EncodedString()
            return { "Basic \(encoded)" }
        case .jwt:
            guard let makeAuthenticator = catalog.messageAuthenticator else {
                Ctl.fail(command, "-auth-type jwt: this build has no HMAC-SHA256 to sign tokens with")
            }
            let authenticator = makeAuthenticator()
            let secret = Array((flags.secret ?? "").utf8)
            return {
                let expires = UInt64(max(Date().timeIntervalSince1970, 0)) + 60
                let token = JSONWebToken.hs256(
                    username: user,
                    expires: expires,
                    secret: secret,
                    authenticator: authenticator
                )
                return "Bearer \(token)"
            }
        }
    }
}
