import FoundationEssentials

extension ConfigKey {
    /// Every key of `influxdb-meta.conf`, in rendering order.
    ///
    /// Adding a key is one line here plus its property (and default) in the section struct: parsing, environment
    /// overrides, unknown-key warnings, validation and rendering all read this table.
    static let all: [ConfigKey] = [
        .bool(.top, "reporting-disabled", \.reportingDisabled).effect(.none("this build sends no usage reports")),
        .string(.top, "bind-address", \.bindAddress, .address(allowEmpty: true))
            .effect(.none("the API binds [meta] http-bind-address and Raft binds [meta] bind-address")),
        .string(.top, "hostname", \.hostname),

        .string(.enterprise, "license-key", \.enterprise.licenseKey).secret(),
        .string(.enterprise, "license-path", \.enterprise.licensePath),
        .strings(.enterprise, "license-issuer-keys", \.enterprise.licenseIssuerKeys),
        .string(.enterprise, "license-server-url", \.enterprise.licenseServerURL),
        .duration(.enterprise, "license-refresh-interval", \.enterprise.licenseRefreshInterval, .positive),
        .duration(.enterprise, "license-grace-period", \.enterprise.licenseGracePeriod, .positive),
        .bool(.enterprise, "registration-enabled", \.enterprise.registrationEnabled),
        .string(.enterprise, "registration-server-url", \.enterprise.registrationServerURL),
        .string(.enterprise, "registration-token", \.enterprise.registrationToken).secret(),
        .duration(
            .enterprise,
            "registration-stats-interval",
            \.enterprise.registrationStatsInterval,
            .atLeast(GoDuration(.milliseconds(100)))
        ),

        .string(.meta, "dir", \.meta.dir),
        .string(.meta, "bind-address", \.meta.bindAddress, .address(allowEmpty: false)),
        .string(.meta, "http-bind-address", \.meta.httpBindAddress, .address(allowEmpty: false)),
        .bool(.meta, "https-enabled", \.meta.httpsEnabled),
        .string(.meta, "https-certificate", \.meta.httpsCertificate),
        .string(.meta, "https-private-key", \.meta.httpsPrivateKey),
        .bool(.meta, "https-insecure-certificate", \.meta.httpsInsecureCertificate),
        .bool(.meta, "https-insecure-tls", \.meta.httpsInsecureTLS),
        .string(.meta, "https-client-ca", \.meta.httpsClientCA),
        .string(.meta, "raft-client-ca", \.meta.raftClientCA),
        .bool(.meta, "data-use-tls", \.meta.dataUseTLS).effect(.none(dataConnections)),
        .bool(.meta, "data-insecure-tls", \.meta.dataInsecureTLS).effect(.none(dataConnections)),
        .duration(.meta, "gossip-frequency", \.meta.gossipFrequency, .atLeast(GoDuration(.milliseconds(250)))),
        .duration(.meta, "announcement-expiration", \.meta.announcementExpiration, .positive),
        .bool(.meta, "retention-autocreate", \.meta.retentionAutocreate),
        .duration(.meta, "election-timeout", \.meta.electionTimeout, .positive),
        .duration(.meta, "heartbeat-timeout", \.meta.heartbeatTimeout, .positive),
        .duration(.meta, "leader-lease-timeout", \.meta.leaderLeaseTimeout, .positive)
            .effect(.none("libraft has no leader lease; a leader without a quorum steps down after election-timeout")),
        .duration(.meta, "commit-timeout", \.meta.commitTimeout, .positive)
            .effect(.none("libraft commits an entry as soon as a majority has stored it")),
        .duration(.meta, "consensus-timeout", \.meta.consensusTimeout, .positive)
            .effect(.none("a node that falls behind catches up through Raft snapshots, with no wait to set")),
        .bool(.meta, "cluster-tracing", \.meta.clusterTracing),
        .bool(.meta, "logging-enabled", \.meta.loggingEnabled)
            .effect(.none("choose what is logged with [logging] level")),
        .bool(.meta, "pprof-enabled", \.meta.pprofEnabled).effect(.notYet("/debug/pprof is not served")),
        .duration(.meta, "lease-duration", \.meta.leaseDuration, .positive),
        .bool(.meta, "auth-enabled", \.meta.authEnabled),
        .bool(.meta, "ldap-allowed", \.meta.ldapAllowed).effect(.notYet("LDAP is not supported")),
        .string(.meta, "shared-secret", \.meta.sharedSecret).secret(),
        .string(.meta, "internal-shared-secret", \.meta.internalSharedSecret).secret(),
        .string(.meta, "password-hash", \.meta.passwordHash, .passwordHash),
        .bool(.meta, "ensure-fips", \.meta.ensureFIPS),
        .bool(.meta, "raft-portal-auth-required", \.meta.raftPortalAuthRequired),
        .bool(.meta, "raft-dialer-auth-required", \.meta.raftDialerAuthRequired),
        .bool(.meta, "raft-promotion-enabled", \.meta.raftPromotionEnabled)
            .effect(.none("a key of Enterprise 1.3 and earlier; every meta node is a Raft voter")),
        .bool(.meta, "debug-pprof-enabled", \.meta.debugPprofEnabled)
            .effect(.none("a key of Enterprise 1.5; /debug/pprof is not served")),
        .int(.meta, "raft-snapshot-threshold", \.meta.raftSnapshotThreshold, minimum: 16),
        .int(.meta, "raft-snapshot-trailing", \.meta.raftSnapshotTrailing, minimum: 0),

        .choice(.logging, "format", \.logging.format),
        .choice(.logging, "level", \.logging.level),
        .bool(.logging, "suppress-logo", \.logging.suppressLogo).effect(.none("this build prints no logo")),

        .strings(.tls, "ciphers", \.tls.ciphers),
        .optionalChoice(.tls, "min-version", \.tls.minVersion, emptyMeans: "the platform default"),
        .optionalChoice(.tls, "max-version", \.tls.maxVersion, emptyMeans: "the platform default"),
        .duration(.tls, "advanced-expiration", \.tls.advancedExpiration),

        .choice(.discovery, "mode", \.discovery.mode),
        .string(.discovery, "hosts-file", \.discovery.hostsFile),
        .string(.discovery, "dns-service", \.discovery.dnsService, .dnsName(allowEmpty: false)),
        .string(.discovery, "dns-domain", \.discovery.dnsDomain, .dnsName(allowEmpty: true)),
        .strings(.discovery, "nameservers", \.discovery.nameservers, each: .nameServer),
        .duration(.discovery, "dns-timeout", \.discovery.dnsTimeout, .atLeast(GoDuration(.seconds(1)))),
        .int(.discovery, "bootstrap-expect", \.discovery.bootstrapExpect, minimum: 0),
    ]

    /// Why the meta-to-data TLS keys do nothing.
    private static let dataConnections =
        "meta nodes never speak to data nodes' RPC port here: add-data, update-data and remove-data only check that the TCP port accepts a connection, sending no bytes, so there is nothing to encrypt"

    /// The keys of each section, by TOML name.
    static let bySection: [ConfigSection: [String: ConfigKey]] = Dictionary(
        grouping: all,
        by: \.section
    ).mapValues { keys in
        Dictionary(uniqueKeysWithValues: keys.map { ($0.name, $0) })
    }
}
