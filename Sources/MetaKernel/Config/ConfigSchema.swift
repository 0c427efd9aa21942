import FoundationEssentials

extension ConfigKey {
    /// Every key of `influxdb-meta.conf`, in rendering order.
    ///
    /// Adding a key is one line here plus its property (and default) in the section struct: parsing, environment
    /// overrides, unknown-key warnings, validation and rendering all read this table.
    static let all: [ConfigKey] = [
        .bool(.top, "reporting-disabled", \.reportingDisabled),
        .string(.top, "bind-address", \.bindAddress, .address(allowEmpty: true)),
        .string(.top, "hostname", \.hostname),

        .string(.enterprise, "license-key", \.enterprise.licenseKey),
        .string(.enterprise, "license-path", \.enterprise.licensePath),
        .bool(.enterprise, "registration-enabled", \.enterprise.registrationEnabled),
        .string(.enterprise, "registration-server-url", \.enterprise.registrationServerURL),

        .string(.meta, "dir", \.meta.dir),
        .string(.meta, "bind-address", \.meta.bindAddress, .address(allowEmpty: false)),
        .string(.meta, "http-bind-address", \.meta.httpBindAddress, .address(allowEmpty: false)),
        .bool(.meta, "https-enabled", \.meta.httpsEnabled),
        .string(.meta, "https-certificate", \.meta.httpsCertificate),
        .string(.meta, "https-private-key", \.meta.httpsPrivateKey),
        .bool(.meta, "https-insecure-certificate", \.meta.httpsInsecureCertificate),
        .bool(.meta, "https-insecure-tls", \.meta.httpsInsecureTLS),
        .bool(.meta, "data-use-tls", \.meta.dataUseTLS),
        .bool(.meta, "data-insecure-tls", \.meta.dataInsecureTLS),
        .duration(.meta, "gossip-frequency", \.meta.gossipFrequency, .atLeast(GoDuration(.milliseconds(250)))),
        .duration(.meta, "announcement-expiration", \.meta.announcementExpiration, .positive),
        .bool(.meta, "retention-autocreate", \.meta.retentionAutocreate),
        .duration(.meta, "election-timeout", \.meta.electionTimeout, .positive),
        .duration(.meta, "heartbeat-timeout", \.meta.heartbeatTimeout, .positive),
        .duration(.meta, "leader-lease-timeout", \.meta.leaderLeaseTimeout, .positive),
        .duration(.meta, "commit-timeout", \.meta.commitTimeout, .positive),
        .duration(.meta, "consensus-timeout", \.meta.consensusTimeout, .positive),
        .bool(.meta, "cluster-tracing", \.meta.clusterTracing),
        .bool(.meta, "logging-enabled", \.meta.loggingEnabled),
        .bool(.meta, "pprof-enabled", \.meta.pprofEnabled),
        .duration(.meta, "lease-duration", \.meta.leaseDuration, .positive),
        .bool(.meta, "auth-enabled", \.meta.authEnabled),
        .bool(.meta, "ldap-allowed", \.meta.ldapAllowed),
        .string(.meta, "shared-secret", \.meta.sharedSecret),
        .string(.meta, "internal-shared-secret", \.meta.internalSharedSecret),
        .string(.meta, "password-hash", \.meta.passwordHash, .passwordHash),
        .bool(.meta, "ensure-fips", \.meta.ensureFIPS),
        .bool(.meta, "raft-portal-auth-required", \.meta.raftPortalAuthRequired),
        .bool(.meta, "raft-dialer-auth-required", \.meta.raftDialerAuthRequired),
        .bool(.meta, "raft-promotion-enabled", \.meta.raftPromotionEnabled),
        .bool(.meta, "debug-pprof-enabled", \.meta.debugPprofEnabled),
        .int(.meta, "raft-snapshot-threshold", \.meta.raftSnapshotThreshold, minimum: 16),
        .int(.meta, "raft-snapshot-trailing", \.meta.raftSnapshotTrailing, minimum: 0),

        .choice(.logging, "format", \.logging.format),
        .choice(.logging, "level", \.logging.level),
        .bool(.logging, "suppress-logo", \.logging.suppressLogo),

        .strings(.tls, "ciphers", \.tls.ciphers),
        .optionalChoice(.tls, "min-version", \.tls.minVersion, emptyMeans: "the platform default"),
        .optionalChoice(.tls, "max-version", \.tls.maxVersion, emptyMeans: "the platform default"),
        .duration(.tls, "advanced-expiration", \.tls.advancedExpiration),

        .choice(.discovery, "mode", \.discovery.mode),
        .string(.discovery, "hosts-file", \.discovery.hostsFile),
    ]

    /// The keys of each section, by TOML name.
    static let bySection: [ConfigSection: [String: ConfigKey]] = Dictionary(
        grouping: all,
        by: \.section
    ).mapValues { keys in
        Dictionary(uniqueKeysWithValues: keys.map { ($0.name, $0) })
    }
}
