import FoundationEssentials
import LicenseFile
public import MetaKernel
import Synchronization
import TLS

/// `[enterprise] license-key`: the key is exchanged at the license server for a signed
/// short-lived license, verified like a license file, cached under `[meta] dir` and refreshed.
public struct LicenseKeyPlugin: Licensing {
    /// The key, the server and the timings.
    public struct Configuration: Sendable {
        /// The license key (`[enterprise] license-key`).
        public var key: String
        /// `[enterprise] license-server-url`.
        public var serverURL: String
        /// Issuer public-key files (`[enterprise] license-issuer-keys`).
        public var issuerKeyPaths: [String]
        /// Issuer keys trusted without configuration, as PEM text.
        public var builtInIssuerKeys: [String]
        /// `[meta] dir/license-cache.json`.
        public var cachePath: String
        /// This node's host name, sent to the server.
        public var host: String
        /// How often a license is fetched after a success (`license-refresh-interval`).
        public var refreshInterval: Duration
        /// How long writes go on without any license (`license-grace-period`).
        public var gracePeriod: Duration
        /// How long the cached license holds past its last successful refresh.
        public var cacheLifetime: Duration
        /// How soon a failed fetch is retried (at most `refreshInterval`).
        public var retryInterval: Duration
        /// How often deadlines are re-evaluated between fetches.
        public var tick: Duration
        /// The longest one fetch may take.
        public var timeout: Duration
        /// Extra trust anchors for an `https://` server (`[meta] https-certificate`), if any.
        public var anchorFile: String?
        /// Whether an `https://` server's certificate is verified (not `[meta] https-insecure-tls`).
        public var verifyPeer: Bool

        /// Creates a configuration: 4 h refresh and grace, 14-day cache, retry each minute.
        public init(
            key: String,
            serverURL: String,
            issuerKeyPaths: [String],
            cachePath: String,
            host: String,
            builtInIssuerKeys: [String] = BuiltInIssuerKeys.pem,
            refreshInterval: Duration = .seconds(4 * 3600),
            gracePeriod: Duration = .seconds(4 * 3600),
            cacheLifetime: Duration = .seconds(14 * 86_400),
            retryInterval: Duration = .seconds(60),
            tick: Duration = .seconds(1),
            timeout: Duration = .seconds(10),
            anchorFile: String? = nil,
            verifyPeer: Bool = true
        ) {
            self.key = key
            self.serverURL = serverURL
            self.issuerKeyPaths = issuerKeyPaths
            self.cachePath = cachePath
            self.host = host
            self.builtInIssuerKeys = builtInIssuerKeys
            self.refreshInterval = refreshInterval
            self.gracePeriod = gracePeriod
            self.cacheLifetime = cacheLifetime
            self.retryInterval = min(retryInterval, refreshInterval)
            self.tick = tick
            self.timeout = timeout
            self.anchorFile = anchorFile
            self.verifyPeer = verifyPeer
        }

        /// The `[enterprise]` license keys, `[meta] dir` and `hostname` of `config`.
        public init(config: MetaConfig) {
            self.init(
                key: config.enterprise.licenseKey,
                serverURL: config.enterprise.licenseServerURL,
                issuerKeyPaths: config.enterprise.licenseIssuerKeys,
                cachePath: "\(config.meta.dir)/license-cache.json",
                host: config.hostname.isEmpty ? "localhost" : config.hostname,
                refreshInterval: config.enterprise.licenseRefreshInterval.duration,
                gracePeriod: config.enterprise.licenseGracePeriod.duration,
                anchorFile: config.meta.httpsCertificate.isEmpty ? nil : config.meta.httpsCertificate,
                verifyPeer: !config.meta.httpsInsecureTLS
            )
        }
    }

    /// The configuration.
    public let configuration: Configuration
    // The grace deadline, set once when a start finds neither server nor cache; shared by
    // `check` and `monitor`, guarded by the mutex.
    private let graceUntil = Box()

    final class Box: Sendable {
        let value = Mutex<Date?>(nil)
        /// Whether the last fetch got a license, so the monitor retries soon after a failed check.
        let fetched = Mutex<Bool>(false)
    }

    /// Creates the plugin.
    public init(configuration: Configuration) { self.configuration = configuration }

    /// `license-key`.
    public var mode: String { "license-key" }

    /// Fetches a license now; falls back to the cache, then to a grace period.
    /// - Throws: ``LicenseError`` when the server rejects the key or an issuer key is unusable.
    public func check() async throws(LicenseError) -> LicenseState {
        let issuers = try issuerKeys()
        let now = Date()
        switch await client.fetch(issuers: issuers, now: now) {
        case .granted(let license, let bytes):
            cache.save(bytes, now: now)
            graceUntil.fetched.withLock { $0 = true }
            return Self.state(of: license)
        case .rejected(let reason):
            throw LicenseError(
                message: "[enterprise] license-key: the license server \(configuration.serverURL) \(reason)"
            )
        case .unreachable(let reason):
            return fallback(issuers: issuers, now: now, reason: reason)
        }
    }

    /// Refreshes every `refreshInterval` (retrying failures every `retryInterval`) and reports
    /// each new state; a rejected key, a lapsed cache or an ended grace period is `.invalid`.
    public func monitor(onChange: @Sendable (LicenseState) -> Void) async {
        var last: LicenseState?
        let fetched = graceUntil.fetched.withLock { $0 }
        var nextFetch = Date().addingTimeInterval(
            Self.seconds(fetched ? configuration.refreshInterval : configuration.retryInterval)
        )
        var current: LicenseState?
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.tick)
            let now = Date()
            if now >= nextFetch {
                // Re-read each time; without usable keys every answer fails verification, with the reason.
                let issuers = (try? issuerKeys()) ?? []
                switch await client.fetch(issuers: issuers, now: now) {
                case .granted(let license, let bytes):
                    cache.save(bytes, now: now)
                    graceUntil.value.withLock { $0 = nil }
                    current = Self.state(of: license)
                    nextFetch = now.addingTimeInterval(Self.seconds(configuration.refreshInterval))
                case .rejected(let reason):
                    current = LicenseState(
                        status: .invalid(reason: "the license server \(configuration.serverURL) \(reason)")
                    )
                    nextFetch = now.addingTimeInterval(Self.seconds(configuration.retryInterval))
                case .unreachable(let reason):
                    current = fallback(issuers: issuers, now: now, reason: reason)
                    nextFetch = now.addingTimeInterval(Self.seconds(configuration.retryInterval))
                }
            } else if let state = current {
                current = Self.reevaluate(state, now: now)
            }
            if let current, current != last {
                last = current
                onChange(current)
            }
        }
    }

    /// Without an answer: the cached license for `cacheLifetime` past its refresh, else a grace
    /// period started once, else `.invalid`.
    func fallback(issuers: [Ed25519.PublicKey], now: Date, reason: String) -> LicenseState {
        let url = configuration.serverURL
        if let (license, refreshedAt) = cache.load(issuers: issuers), license.key == configuration.key {
            let holds = refreshedAt.addingTimeInterval(Self.seconds(configuration.cacheLifetime))
            guard now < holds else {
                return LicenseState(
                    status: .invalid(
                        reason: "the license server \(url) has not been reached since "
                            + "\(refreshedAt.formatted(.iso8601)); the cached license lapsed"
                    ),
                    expiresAt: holds
                )
            }
            var state = Self.state(of: license)
            state.expiresAt = holds
            state.notice = "the license server \(url) cannot be reached; the cached license holds until then"
            return state
        }
        let until = graceUntil.value.withLock { deadline in
            if deadline == nil { deadline = now.addingTimeInterval(Self.seconds(configuration.gracePeriod)) }
            return deadline ?? now
        }
        guard now < until else {
            return LicenseState(
                status: .invalid(
                    reason: "the grace period ended at \(until.formatted(.iso8601)) without reaching the license "
                        + "server \(url)"
                )
            )
        }
        return LicenseState(
            status: .grace(until: until),
            notice: "the license server \(url) cannot be reached (\(reason)); "
                + "set [enterprise] license-server-url to a license server this node can reach"
        )
    }

    /// A grace period or cache that has run out since `state` was computed.
    static func reevaluate(_ state: LicenseState, now: Date) -> LicenseState {
        if case .grace(let until) = state.status, now >= until {
            return LicenseState(
                status: .invalid(
                    reason: "the grace period ended at \(until.formatted(.iso8601)); \(state.notice ?? "")"
                )
            )
        }
        if case .valid = state.status, state.notice != nil, let holds = state.expiresAt, now >= holds {
            return LicenseState(status: .invalid(reason: "the cached license lapsed at \(holds.formatted(.iso8601))"))
        }
        return state
    }

    /// A valid state for a license the server granted.
    static func state(of license: License) -> LicenseState {
        LicenseState(
            status: .valid,
            expiresAt: license.expiresAt,
            maxDataNodes: license.entitlements.dataNodes,
            maxCoresPerDataNode: license.entitlements.coresPerDataNode
        )
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }

    func issuerKeys() throws(LicenseError) -> [Ed25519.PublicKey] {
        try LicenseFilePlugin(
            configuration: .init(
                path: "",
                issuerKeyPaths: configuration.issuerKeyPaths,
                builtInIssuerKeys: configuration.builtInIssuerKeys
            )
        ).issuerKeys()
    }

    var client: LicenseServerClient {
        LicenseServerClient(
            url: configuration.serverURL,
            key: configuration.key,
            host: configuration.host,
            timeout: configuration.timeout,
            anchorFile: configuration.anchorFile,
            verifyPeer: configuration.verifyPeer
        )
    }

    var cache: LicenseCache { LicenseCache(path: configuration.cachePath) }

    /// Registers the plugin as the catalog's `license-key` implementation.
    public static func register(in catalog: inout PluginCatalog) {
        catalog.licenseKey = { config in LicenseKeyPlugin(configuration: Configuration(config: config)) }
    }
}
