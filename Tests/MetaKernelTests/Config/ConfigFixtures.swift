@testable import MetaKernel

/// Shared helpers for the configuration tests.
enum ConfigFixtures {
    /// The file name used in messages by ``parse(_:environment:)``.
    static let file = "test.conf"

    /// Parses `text` as `test.conf` with `environment`.
    static func parse(_ text: String, environment: [String: String] = [:]) throws(ConfigError) -> LoadedConfig {
        try ConfigLoader.parse(text, file: file, environment: environment)
    }

    /// The error message from parsing `text`, or `nil` when it parses.
    static func failure(_ text: String, environment: [String: String] = [:]) -> String? {
        do {
            _ = try parse(text, environment: environment)
            return nil
        } catch {
            return error.message
        }
    }

    /// The seed's sample configuration (with the `[...]` line removed).
    static let seedText = """
        reporting-disabled = false
        bind-address = ""
        hostname = "enterprise-meta-01"

        [enterprise]
         registration-enabled = true
         registration-server-url = "http://10.0.0.5:3000"
         license-key = "abc-123"
         license-path = ""

        [meta]
         dir = "/var/lib/influxdb/meta"
         bind-address = ":8089"
         pprof-enabled = false
         lease-duration = "1m0s"
        """

    /// A file that sets every key of every section to a non-default value.
    static let everyKeyText = """
        reporting-disabled = true
        bind-address = "127.0.0.1:8088"
        hostname = "meta-1.example.com"

        [enterprise]
        license-key = ""
        license-path = "/etc/influxdb/license.json"
        registration-enabled = true
        registration-server-url = "https://portal.example.com:3000"

        [meta]
        dir = "/data/meta"
        bind-address = "0.0.0.0:9089"
        http-bind-address = "[::1]:9091"
        https-enabled = true
        https-certificate = "/etc/ssl/meta.pem"
        https-private-key = "/etc/ssl/meta.key"
        https-insecure-certificate = true
        https-insecure-tls = true
        data-use-tls = true
        data-insecure-tls = true
        gossip-frequency = "2s"
        announcement-expiration = "1m"
        retention-autocreate = false
        election-timeout = "3s"
        heartbeat-timeout = "2s"
        leader-lease-timeout = "1.5s"
        commit-timeout = "100ms"
        consensus-timeout = "1m30s"
        cluster-tracing = true
        logging-enabled = false
        pprof-enabled = false
        lease-duration = "2m"
        auth-enabled = true
        ldap-allowed = true
        shared-secret = "public-secret"
        internal-shared-secret = "internal-secret"
        password-hash = "pbkdf2-sha256;rounds=30000;salt_len=32"
        ensure-fips = true
        raft-portal-auth-required = true
        raft-dialer-auth-required = true
        raft-promotion-enabled = false
        debug-pprof-enabled = true
        raft-snapshot-threshold = 1024
        raft-snapshot-trailing = 0

        [logging]
        format = "json"
        level = "debug"
        suppress-logo = true

        [tls]
        ciphers = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"]
        min-version = "tls1.2"
        max-version = "tls1.3"
        advanced-expiration = "1w"

        [discovery]
        mode = "dns"
        hosts-file = "/etc/meta-hosts"
        dns-service = "_meta._tcp"
        dns-domain = "example.com"
        nameservers = ["10.0.0.53:53", "fd00::53"]
        dns-timeout = "3s"
        bootstrap-expect = 3
        """

    /// The configuration ``everyKeyText`` describes.
    static var everyKeyConfig: MetaConfig {
        var config = MetaConfig()
        config.reportingDisabled = true
        config.bindAddress = "127.0.0.1:8088"
        config.hostname = "meta-1.example.com"
        config.enterprise.licensePath = "/etc/influxdb/license.json"
        config.enterprise.registrationEnabled = true
        config.enterprise.registrationServerURL = "https://portal.example.com:3000"
        config.meta.dir = "/data/meta"
        config.meta.bindAddress = "0.0.0.0:9089"
        config.meta.httpBindAddress = "[::1]:9091"
        config.meta.httpsEnabled = true
        config.meta.httpsCertificate = "/etc/ssl/meta.pem"
        config.meta.httpsPrivateKey = "/etc/ssl/meta.key"
        config.meta.httpsInsecureCertificate = true
        config.meta.httpsInsecureTLS = true
        config.meta.dataUseTLS = true
        config.meta.dataInsecureTLS = true
        config.meta.gossipFrequency = GoDuration(.seconds(2))
        config.meta.announcementExpiration = GoDuration(.seconds(60))
        config.meta.retentionAutocreate = false
        config.meta.electionTimeout = GoDuration(.seconds(3))
        config.meta.heartbeatTimeout = GoDuration(.seconds(2))
        config.meta.leaderLeaseTimeout = GoDuration(.milliseconds(1500))
        config.meta.commitTimeout = GoDuration(.milliseconds(100))
        config.meta.consensusTimeout = GoDuration(.seconds(90))
        config.meta.clusterTracing = true
        config.meta.loggingEnabled = false
        config.meta.pprofEnabled = false
        config.meta.leaseDuration = GoDuration(.seconds(120))
        config.meta.authEnabled = true
        config.meta.ldapAllowed = true
        config.meta.sharedSecret = "public-secret"
        config.meta.internalSharedSecret = "internal-secret"
        config.meta.passwordHash = "pbkdf2-sha256;rounds=30000;salt_len=32"
        config.meta.ensureFIPS = true
        config.meta.raftPortalAuthRequired = true
        config.meta.raftDialerAuthRequired = true
        config.meta.raftPromotionEnabled = false
        config.meta.debugPprofEnabled = true
        config.meta.raftSnapshotThreshold = 1024
        config.meta.raftSnapshotTrailing = 0
        config.logging.format = .json
        config.logging.level = .debug
        config.logging.suppressLogo = true
        config.tls.ciphers = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"]
        config.tls.minVersion = .tls1_2
        config.tls.maxVersion = .tls1_3
        config.tls.advancedExpiration = GoDuration(.seconds(7 * 86_400))
        config.discovery.mode = .dns
        config.discovery.hostsFile = "/etc/meta-hosts"
        config.discovery.dnsService = "_meta._tcp"
        config.discovery.dnsDomain = "example.com"
        config.discovery.nameservers = ["10.0.0.53:53", "fd00::53"]
        config.discovery.dnsTimeout = GoDuration(.seconds(3))
        config.discovery.bootstrapExpect = 3
        return config
    }
}
