import FoundationEssentials

extension MetaConfig {
    /// The `[meta]` section. Each key's environment variable is `INFLUXDB_META_` plus the key upper-cased with `-`
    /// replaced by `_` (for example `INFLUXDB_META_ELECTION_TIMEOUT`).
    public struct Meta: Sendable, Equatable {
        /// `dir`, default `"/var/lib/influxdb/meta"`: the Raft log, stable store and snapshots. Required.
        public var dir: String
        /// `bind-address`, default `":8089"`: the Raft / meta-to-meta listener.
        public var bindAddress: String
        /// `http-bind-address`, default `":8091"`: the meta HTTP API listener.
        public var httpBindAddress: String
        /// `https-enabled`, default `false`: HTTPS on the HTTP API and TLS on the Raft port.
        public var httpsEnabled: Bool
        /// `https-certificate`, default `""`: a PEM certificate, or a bundle that also holds the key. Required when
        /// ``httpsEnabled`` is `true`.
        public var httpsCertificate: String
        /// `https-private-key`, default `""`: a separate PEM private key; empty means it is in ``httpsCertificate``.
        public var httpsPrivateKey: String
        /// `https-insecure-certificate`, default `false`: skip the permission check on the certificate and key files.
        public var httpsInsecureCertificate: Bool
        /// `https-insecure-tls`, default `false`: skip certificate verification between meta nodes.
        public var httpsInsecureTLS: Bool
        /// `https-client-ca`, default `""`: a PEM file of CAs; when set, the HTTP API requires a client certificate
        /// that chains to one of them (mutual TLS). Needs ``httpsEnabled``.
        public var httpsClientCA: String
        /// `raft-client-ca`, default `""`: the same for the Raft port: a dialling node must present a certificate
        /// that chains to one of these CAs. Needs ``httpsEnabled``.
        public var raftClientCA: String
        /// `data-use-tls`, default `false`: use TLS for meta-to-data RPC.
        public var dataUseTLS: Bool
        /// `data-insecure-tls`, default `false`: skip certificate verification for meta-to-data RPC.
        public var dataInsecureTLS: Bool
        /// `gossip-frequency`, default `5s`: the announcement gossip period; at least `250ms`.
        public var gossipFrequency: GoDuration
        /// `announcement-expiration`, default `30s`: announcements older than this are dropped.
        public var announcementExpiration: GoDuration
        /// `retention-autocreate`, default `true`: create the default retention policy with a database (honoured by
        /// data nodes).
        public var retentionAutocreate: Bool
        /// `election-timeout`, default `1s`: the Raft election timeout; positive and not below ``heartbeatTimeout``.
        public var electionTimeout: GoDuration
        /// `heartbeat-timeout`, default `1s`: the Raft heartbeat timeout; positive.
        public var heartbeatTimeout: GoDuration
        /// `leader-lease-timeout`, default `500ms`: how long a leader stays leader without contact with a quorum;
        /// positive and not above ``heartbeatTimeout``.
        public var leaderLeaseTimeout: GoDuration
        /// `commit-timeout`, default `50ms`: the longest a Raft commit may wait before being sent; positive.
        public var commitTimeout: GoDuration
        /// `consensus-timeout`, default `30s`: how long to wait for consensus before fetching the latest snapshot;
        /// positive.
        public var consensusTimeout: GoDuration
        /// `cluster-tracing`, default `false`: log every meta HTTP request (POST bodies redacted).
        public var clusterTracing: Bool
        /// `logging-enabled`, default `true`: log meta-service messages.
        public var loggingEnabled: Bool
        /// `pprof-enabled`, default `true`: serve `/debug/pprof`-style diagnostics on the HTTP API.
        public var pprofEnabled: Bool
        /// `lease-duration`, default `1m0s`: the time-to-live of leases handed to data nodes; positive.
        public var leaseDuration: GoDuration
        /// `auth-enabled`, default `false`: require authentication on the meta API. Needs
        /// ``internalSharedSecret``; must equal the data nodes' `meta-auth-enabled`.
        public var authEnabled: Bool
        /// `ldap-allowed`, default `false`: allow `influxd-ctl ldap set-config`.
        public var ldapAllowed: Bool
        /// `shared-secret`, default `""`: the JWT secret for the public API.
        public var sharedSecret: String
        /// `internal-shared-secret`, default `""`: the node-to-node JWT secret; must equal the data nodes'
        /// `meta-internal-shared-secret`.
        public var internalSharedSecret: String
        /// `password-hash`, default `"bcrypt"`: `scheme[;key=value...]`, parsed by ``PasswordHashScheme``.
        public var passwordHash: String
        /// `ensure-fips`, default `false`: refuse to start unless the crypto library is FIPS-ready.
        public var ensureFIPS: Bool
        /// `raft-portal-auth-required`, default `false`: the Raft listener requires the internal shared secret.
        public var raftPortalAuthRequired: Bool
        /// `raft-dialer-auth-required`, default `false`: outgoing Raft connections present the internal shared
        /// secret. Enable ``raftPortalAuthRequired`` on every node first.
        public var raftDialerAuthRequired: Bool
        /// `raft-promotion-enabled`, default `true`: historical (1.3 and older) key, accepted and kept.
        public var raftPromotionEnabled: Bool
        /// `debug-pprof-enabled`, default `false`: historical (1.5) key for pprof on `localhost:6060`, accepted and
        /// kept.
        public var debugPprofEnabled: Bool
        /// `raft-snapshot-threshold`, default `8192`, at least 16 (an extension): Raft entries between snapshots.
        public var raftSnapshotThreshold: Int
        /// `raft-snapshot-trailing`, default `2048`, at least 0 (an extension): Raft entries kept after a snapshot.
        public var raftSnapshotTrailing: Int

        /// Creates the section with its defaults.
        public init() {
            self.dir = "/var/lib/influxdb/meta"
            self.bindAddress = ":8089"
            self.httpBindAddress = ":8091"
            self.httpsEnabled = false
            self.httpsCertificate = ""
            self.httpsPrivateKey = ""
            self.httpsInsecureCertificate = false
            self.httpsInsecureTLS = false
            self.httpsClientCA = ""
            self.raftClientCA = ""
            self.dataUseTLS = false
            self.dataInsecureTLS = false
            self.gossipFrequency = GoDuration(.seconds(5))
            self.announcementExpiration = GoDuration(.seconds(30))
            self.retentionAutocreate = true
            self.electionTimeout = GoDuration(.seconds(1))
            self.heartbeatTimeout = GoDuration(.seconds(1))
            self.leaderLeaseTimeout = GoDuration(.milliseconds(500))
            self.commitTimeout = GoDuration(.milliseconds(50))
            self.consensusTimeout = GoDuration(.seconds(30))
            self.clusterTracing = false
            self.loggingEnabled = true
            self.pprofEnabled = true
            self.leaseDuration = GoDuration(.seconds(60))
            self.authEnabled = false
            self.ldapAllowed = false
            self.sharedSecret = ""
            self.internalSharedSecret = ""
            self.passwordHash = "bcrypt"
            self.ensureFIPS = false
            self.raftPortalAuthRequired = false
            self.raftDialerAuthRequired = false
            self.raftPromotionEnabled = true
            self.debugPprofEnabled = false
            self.raftSnapshotThreshold = 8192
            self.raftSnapshotTrailing = 2048
        }
    }
}
