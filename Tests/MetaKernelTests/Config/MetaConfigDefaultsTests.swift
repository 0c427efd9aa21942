import Testing

@testable import MetaKernel

@Suite("MetaConfig defaults")
struct MetaConfigDefaultsTests {
    @Test("every key has its documented default")
    func defaults() {
        let config = MetaConfig()
        #expect(config.reportingDisabled == false)
        #expect(config.bindAddress == "")
        #expect(config.hostname == "")

        #expect(config.enterprise.licenseKey == "")
        #expect(config.enterprise.licensePath == "")
        #expect(config.enterprise.registrationEnabled == false)
        #expect(config.enterprise.registrationServerURL == "")

        let meta = config.meta
        #expect(meta.dir == "/var/lib/influxdb/meta")
        #expect(meta.bindAddress == ":8089")
        #expect(meta.httpBindAddress == ":8091")
        #expect(meta.httpsEnabled == false)
        #expect(meta.httpsCertificate == "")
        #expect(meta.httpsPrivateKey == "")
        #expect(meta.httpsInsecureCertificate == false)
        #expect(meta.httpsInsecureTLS == false)
        #expect(meta.dataUseTLS == false)
        #expect(meta.dataInsecureTLS == false)
        #expect(meta.gossipFrequency.description == "5s")
        #expect(meta.announcementExpiration.description == "30s")
        #expect(meta.retentionAutocreate == true)
        #expect(meta.electionTimeout.description == "1s")
        #expect(meta.heartbeatTimeout.description == "1s")
        #expect(meta.leaderLeaseTimeout.description == "500ms")
        #expect(meta.commitTimeout.description == "50ms")
        #expect(meta.consensusTimeout.description == "30s")
        #expect(meta.clusterTracing == false)
        #expect(meta.loggingEnabled == true)
        #expect(meta.pprofEnabled == true)
        #expect(meta.leaseDuration.description == "1m0s")
        #expect(meta.authEnabled == false)
        #expect(meta.ldapAllowed == false)
        #expect(meta.sharedSecret == "")
        #expect(meta.internalSharedSecret == "")
        #expect(meta.passwordHash == "bcrypt")
        #expect(meta.ensureFIPS == false)
        #expect(meta.raftPortalAuthRequired == false)
        #expect(meta.raftDialerAuthRequired == false)
        #expect(meta.raftPromotionEnabled == true)
        #expect(meta.debugPprofEnabled == false)
        #expect(meta.raftSnapshotThreshold == 8192)
        #expect(meta.raftSnapshotTrailing == 2048)

        #expect(config.logging.format == .auto)
        #expect(config.logging.level == .info)
        #expect(config.logging.suppressLogo == false)

        #expect(config.tls.ciphers == [])
        #expect(config.tls.minVersion == nil)
        #expect(config.tls.maxVersion == nil)
        #expect(config.tls.advancedExpiration.description == "120h0m0s")

        #expect(config.discovery.mode == .hosts)
        #expect(config.discovery.hostsFile == "/etc/hosts")
    }

    @Test("the defaults are valid and an empty file gives them")
    func emptyFile() throws {
        try MetaConfig().validate()
        let loaded = try ConfigFixtures.parse("")
        #expect(loaded.config == MetaConfig())
        #expect(loaded.warnings == [])
        #expect(loaded.path == "test.conf")
    }

    @Test("the defaults render as the documented TOML")
    func renderedDefaults() {
        #expect(
            MetaConfig().renderTOML() == """
                reporting-disabled = false
                bind-address = ""
                hostname = ""

                [enterprise]
                license-key = ""
                license-path = ""
                license-issuer-keys = []
                license-server-url = "http://license.influxdata.invalid/api/v1/licenses"
                license-refresh-interval = "4h0m0s"
                license-grace-period = "4h0m0s"
                registration-enabled = false
                registration-server-url = ""
                registration-token = ""
                registration-stats-interval = "1m0s"

                [meta]
                dir = "/var/lib/influxdb/meta"
                bind-address = ":8089"
                http-bind-address = ":8091"
                https-enabled = false
                https-certificate = ""
                https-private-key = ""
                https-insecure-certificate = false
                https-insecure-tls = false
                https-client-ca = ""
                raft-client-ca = ""
                data-use-tls = false
                data-insecure-tls = false
                gossip-frequency = "5s"
                announcement-expiration = "30s"
                retention-autocreate = true
                election-timeout = "1s"
                heartbeat-timeout = "1s"
                leader-lease-timeout = "500ms"
                commit-timeout = "50ms"
                consensus-timeout = "30s"
                cluster-tracing = false
                logging-enabled = true
                pprof-enabled = true
                lease-duration = "1m0s"
                auth-enabled = false
                ldap-allowed = false
                shared-secret = ""
                internal-shared-secret = ""
                password-hash = "bcrypt"
                ensure-fips = false
                raft-portal-auth-required = false
                raft-dialer-auth-required = false
                raft-promotion-enabled = true
                debug-pprof-enabled = false
                raft-snapshot-threshold = 8192
                raft-snapshot-trailing = 2048

                [logging]
                format = "auto"
                level = "info"
                suppress-logo = false

                [tls]
                ciphers = []
                min-version = ""
                max-version = ""
                advanced-expiration = "120h0m0s"

                [discovery]
                mode = "hosts"
                hosts-file = "/etc/hosts"
                dns-service = "_influxdb-meta._tcp"
                dns-domain = ""
                nameservers = []
                dns-timeout = "2s"
                bootstrap-expect = 0

                """
        )
    }

    @Test("environment variable names follow INFLUXDB_<SECTION>_<KEY>")
    func environmentNames() {
        let names = ConfigKey.all.map(\.environmentName)
        #expect(Set(names).count == names.count)
        #expect(
            names == [
                "INFLUXDB_REPORTING_DISABLED", "INFLUXDB_BIND_ADDRESS", "INFLUXDB_HOSTNAME",
                "INFLUXDB_ENTERPRISE_LICENSE_KEY", "INFLUXDB_ENTERPRISE_LICENSE_PATH",
                "INFLUXDB_ENTERPRISE_LICENSE_ISSUER_KEYS",
                "INFLUXDB_ENTERPRISE_LICENSE_SERVER_URL",
                "INFLUXDB_ENTERPRISE_LICENSE_REFRESH_INTERVAL",
                "INFLUXDB_ENTERPRISE_LICENSE_GRACE_PERIOD",
                "INFLUXDB_ENTERPRISE_REGISTRATION_ENABLED", "INFLUXDB_ENTERPRISE_REGISTRATION_SERVER_URL",
                "INFLUXDB_ENTERPRISE_REGISTRATION_TOKEN", "INFLUXDB_ENTERPRISE_REGISTRATION_STATS_INTERVAL",
                "INFLUXDB_META_DIR", "INFLUXDB_META_BIND_ADDRESS", "INFLUXDB_META_HTTP_BIND_ADDRESS",
                "INFLUXDB_META_HTTPS_ENABLED", "INFLUXDB_META_HTTPS_CERTIFICATE", "INFLUXDB_META_HTTPS_PRIVATE_KEY",
                "INFLUXDB_META_HTTPS_INSECURE_CERTIFICATE", "INFLUXDB_META_HTTPS_INSECURE_TLS",
                "INFLUXDB_META_HTTPS_CLIENT_CA", "INFLUXDB_META_RAFT_CLIENT_CA",
                "INFLUXDB_META_DATA_USE_TLS", "INFLUXDB_META_DATA_INSECURE_TLS", "INFLUXDB_META_GOSSIP_FREQUENCY",
                "INFLUXDB_META_ANNOUNCEMENT_EXPIRATION", "INFLUXDB_META_RETENTION_AUTOCREATE",
                "INFLUXDB_META_ELECTION_TIMEOUT", "INFLUXDB_META_HEARTBEAT_TIMEOUT",
                "INFLUXDB_META_LEADER_LEASE_TIMEOUT", "INFLUXDB_META_COMMIT_TIMEOUT",
                "INFLUXDB_META_CONSENSUS_TIMEOUT", "INFLUXDB_META_CLUSTER_TRACING", "INFLUXDB_META_LOGGING_ENABLED",
                "INFLUXDB_META_PPROF_ENABLED", "INFLUXDB_META_LEASE_DURATION", "INFLUXDB_META_AUTH_ENABLED",
                "INFLUXDB_META_LDAP_ALLOWED", "INFLUXDB_META_SHARED_SECRET", "INFLUXDB_META_INTERNAL_SHARED_SECRET",
                "INFLUXDB_META_PASSWORD_HASH", "INFLUXDB_META_ENSURE_FIPS", "INFLUXDB_META_RAFT_PORTAL_AUTH_REQUIRED",
                "INFLUXDB_META_RAFT_DIALER_AUTH_REQUIRED", "INFLUXDB_META_RAFT_PROMOTION_ENABLED",
                "INFLUXDB_META_DEBUG_PPROF_ENABLED", "INFLUXDB_META_RAFT_SNAPSHOT_THRESHOLD",
                "INFLUXDB_META_RAFT_SNAPSHOT_TRAILING", "INFLUXDB_LOGGING_FORMAT", "INFLUXDB_LOGGING_LEVEL",
                "INFLUXDB_LOGGING_SUPPRESS_LOGO", "INFLUXDB_TLS_CIPHERS", "INFLUXDB_TLS_MIN_VERSION",
                "INFLUXDB_TLS_MAX_VERSION", "INFLUXDB_TLS_ADVANCED_EXPIRATION", "INFLUXDB_DISCOVERY_MODE",
                "INFLUXDB_DISCOVERY_HOSTS_FILE", "INFLUXDB_DISCOVERY_DNS_SERVICE", "INFLUXDB_DISCOVERY_DNS_DOMAIN",
                "INFLUXDB_DISCOVERY_NAMESERVERS", "INFLUXDB_DISCOVERY_DNS_TIMEOUT",
                "INFLUXDB_DISCOVERY_BOOTSTRAP_EXPECT",
            ]
        )
    }

    @Test("every key appears once, and each key path is a distinct property")
    func schemaIsConsistent() {
        for section in ConfigSection.allCases {
            let names = ConfigKey.all.filter { $0.section == section }.map(\.name)
            #expect(Set(names).count == names.count)
        }
        let paths = ConfigKey.all.map { $0.path as AnyKeyPath }
        #expect(Set(paths).count == paths.count)
    }
}
